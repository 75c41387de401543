/* control/ctlsock.h - the control socket's transport: a Unix stream
 * listener, at most CTL_MAX_CLIENTS connections, each reading one request
 * line and writing reply lines (ctl_proto.h). Non-blocking throughout,
 * driven by the daemon's poll loop: a slow, silent, oversized or
 * disconnected client costs a slot and a timer, never a wait.
 *
 * Every connection is checked with SO_PEERCRED: root, or (with a
 * `control-group`) a member of that group; others get an error line and
 * are closed. A request line goes to the handler, which replies at once
 * or later (a reload, a capture): clients are named by a ctl_client_ref,
 * which goes stale when the connection ends. */
#ifndef CTL_CTLSOCK_H
#define CTL_CTLSOCK_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "ctl_proto.h"

struct ctl_server;

struct ctl_client_ref {
	uint32_t slot;
	uint64_t id; /* 0: no client */
};

/* A request line (without '\n') from client c. The handler answers with
 * ctl_server_send + ctl_server_end, now or later. */
typedef void (*ctl_request_fn)(void *arg, struct ctl_client_ref c, const char *line, size_t len);

/* Listen on path (mode 0600, or 0660 and owned by `group` when not "").
 * A stale socket is replaced; a live one (another daemon) is an error.
 * Logs; -errno. */
int ctl_server_open(const char *path, const char *group, ctl_request_fn fn, void *arg,
		    struct ctl_server **out);

/* Close every connection, remove the socket file. NULL-safe. */
void ctl_server_close(struct ctl_server *s);

/* Fill pfd (room for CTL_MAX_CLIENTS + 1) with what to wait for. */
int ctl_server_pollfds(const struct ctl_server *s, struct pollfd *pfd);

/* After poll(): serve what pfd[0..n) says is ready, and time out slow
 * clients. */
void ctl_server_process(struct ctl_server *s, const struct pollfd *pfd, int n);

/* Milliseconds until the next client deadline (-1: none). */
int ctl_server_timeout_ms(const struct ctl_server *s);

/* Queue one reply line (the object, compact, and '\n'); steals obj.
 * Returns -ENOENT when c is gone, -ENOBUFS when its output is over
 * CTL_OUT_MAX (the line is not queued). */
int ctl_server_send(struct ctl_server *s, struct ctl_client_ref c, json_t *obj);

/* {"ok":false,"error":msg}, then end. */
void ctl_server_fail(struct ctl_server *s, struct ctl_client_ref c, const char *msg);

/* No more lines: close once the queued ones are written. */
void ctl_server_end(struct ctl_server *s, struct ctl_client_ref c);

/* Whether c is still connected. */
int ctl_server_alive(const struct ctl_server *s, struct ctl_client_ref c);

/* Bytes queued for c and not yet written (0 when gone). */
size_t ctl_server_backlog(const struct ctl_server *s, struct ctl_client_ref c);

#define CTL_OUT_MAX (64u << 20) /* queued reply bytes per client */

#endif /* CTL_CTLSOCK_H */
