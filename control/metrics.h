/* control/metrics.h - the Prometheus metrics server (`metrics-listen`):
 * GET or HEAD /metrics answers the counters in the text exposition format
 * 0.0.4; any other path is 404, any other method 405.
 *
 * It runs on the daemon's control thread, never a thread of its own:
 * libmicrohttpd in external-loop mode with epoll. The daemon polls
 * ctl_metrics_fd() for POLLIN, bounds its wait by ctl_metrics_timeout_ms()
 * and calls ctl_metrics_serve() after the wait; at each request the server
 * asks the daemon for a fresh view through the fill callback, so this
 * module never touches the engine. Connections are limited in number,
 * time and memory so a slow or abusive client cannot hurt the daemon. */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "sample.h"
#include "state.h"

#define CTL_METRICS_MAX_CONNECTIONS 16
#define CTL_METRICS_TIMEOUT_S 5            /* an idle connection is closed after it */
#define CTL_METRICS_CONN_MEMORY (16u << 10) /* per connection: request line, headers */
#define CTL_METRICS_RULE_TEXT 512          /* a rule's canonical text, its NUL included */
#define CTL_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* One rule's series: filled by ctl_metrics_rule_fn. */
struct ctl_metrics_rule {
	char text[CTL_METRICS_RULE_TEXT]; /* canonical text (ctl_rule_format) */
	uint64_t packets, bytes;          /* what it matched so far */
};

/* Rule i (0-based, file order) of the rules in force into *out. */
typedef void (*ctl_metrics_rule_fn)(void *arg, size_t i, struct ctl_metrics_rule *out);

/* Everything one exposition shows. sample and rules may be NULL: their
 * families are then left out. The pointers need only live until
 * ctl_metrics_render() returns. */
struct ctl_metrics_view {
	const struct ctl_sample *sample;
	const struct ctl_rules_state *rules;
	size_t nrules;            /* rules in force */
	ctl_metrics_rule_fn rule; /* NULL: no per-rule series */
	void *rule_arg;
};

/* Called on the serving thread at each GET/HEAD of /metrics to fill *v
 * (zeroed before the call); the daemon takes a fresh sample here. */
typedef void (*ctl_metrics_fill_fn)(void *arg, struct ctl_metrics_view *v);

struct ctl_metrics;

/* Listen on `listen` ("A.B.C.D:PORT" or "[IPV6]:PORT", exactly that
 * address) and serve at most max_rules per-rule series. Logs its outcome.
 * Returns 0 and *out, or -EINVAL (bad address), -EADDRINUSE, -EACCES, ...
 * (-EIO when libmicrohttpd gives no reason). */
int ctl_metrics_open(const char *listen, uint32_t max_rules, ctl_metrics_fill_fn fill, void *arg,
		     struct ctl_metrics **out);

/* The fd to poll for POLLIN (libmicrohttpd's epoll fd). */
int ctl_metrics_fd(const struct ctl_metrics *m);

/* The longest the caller may wait before calling ctl_metrics_serve() even
 * without POLLIN (connection timeouts, pending work); -1: no limit. */
int ctl_metrics_timeout_ms(const struct ctl_metrics *m);

/* Accept, read, answer and time out connections, without blocking. Call
 * it when the fd is readable or the timeout has passed; calling it more
 * often is harmless. Same thread as ctl_metrics_open(). */
void ctl_metrics_serve(struct ctl_metrics *m);

/* Close every connection and the listening socket. NULL-safe. */
void ctl_metrics_close(struct ctl_metrics *m);

/* The exposition of *v, at most max_rules per-rule series (the first, in
 * file order). Returns a malloc'd text (NUL-terminated, *len bytes without
 * the NUL), or NULL when out of memory. */
char *ctl_metrics_render(const struct ctl_metrics_view *v, uint32_t max_rules, size_t *len);

#endif /* CTL_METRICS_H */
