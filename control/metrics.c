/* control/metrics.c - the Prometheus metrics server: the text exposition
 * of a view (ctl_metrics_render) and the HTTP endpoint that serves it
 * from the daemon's control thread (libmicrohttpd, external epoll loop).
 *
 * Families. Each worker counter is a family of its own,
 * xskwall_<counter>_frames_total{queue,direction}, rather than one
 * xskwall_frames_total{counter=...}: the counters overlap (rx = fwd +
 * drop_rule + drop_policy + tx_full; malformed and non_ip count frames
 * that are also in a verdict), so a sum over a `counter` label would be
 * meaningless, which Prometheus' naming guide says a label must not be;
 * and each family gets its own HELP. A direction is named by its ingress
 * port, as in `xskwallctl stats`. The kernel's socket statistics are
 * xskwall_xsk_<field>_total{queue,port}, the XDP program's on-miss
 * verdicts xskwall_on_miss_frames_total{port}. Per-rule series carry
 * rule (1-based index) and text (canonical text) only: the engine carries
 * a rule's counts across reloads by its text, and a file:line label would
 * start new series whenever a line above the rule is edited. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "fw/log.h"
#include "config.h"
#include "metrics.h"
#include "stats.h"

struct ctl_metrics {
	struct MHD_Daemon *mhd;
	int epoll_fd;
	int serving; /* opened: MHD's messages (client-driven) go to debug */
	uint32_t max_rules;
	ctl_metrics_fill_fn fill;
	void *arg;
};

/* ---- the exposition ---------------------------------------------------- */

struct ctl_family {
	const char *name;
	const char *help;
};

static const struct ctl_family ctl_frame_families[FP_CTR_COUNT] = {
	[FP_CTR_RX] = { "xskwall_rx_frames_total", "Frames received on the direction's ingress port." },
	[FP_CTR_FWD] = { "xskwall_fwd_frames_total", "Frames put on the other port's TX ring." },
	[FP_CTR_DROP_RULE] = { "xskwall_drop_rule_frames_total", "Frames dropped by a rule." },
	[FP_CTR_DROP_POLICY] = { "xskwall_drop_policy_frames_total",
				 "Frames dropped by policy, policy-malformed or policy-non-ip." },
	[FP_CTR_MALFORMED] = { "xskwall_malformed_frames_total",
			       "Frames the parser rejected, whatever their verdict." },
	[FP_CTR_NON_IP] = { "xskwall_non_ip_frames_total",
			    "Frames neither IPv4 nor IPv6, whatever their verdict." },
	[FP_CTR_TX_FULL] = { "xskwall_tx_full_frames_total",
			     "Frames dropped because the egress TX ring stayed full." },
	[FP_CTR_FILL_STARVED] = { "xskwall_fill_starved_total",
				  "Refills of the ingress port's fill ring that found no free frame." },
};
_Static_assert(FP_CTR_COUNT == 8, "a new counter needs its metric family above");

struct ctl_xsk_family {
	size_t off; /* in struct xdp_statistics */
	struct ctl_family f;
};

static const struct ctl_xsk_family ctl_xsk_families[] = {
	{ offsetof(struct xdp_statistics, rx_dropped),
	  { "xskwall_xsk_rx_dropped_total", "Frames the kernel dropped for other reasons." } },
	{ offsetof(struct xdp_statistics, rx_invalid_descs),
	  { "xskwall_xsk_rx_invalid_descs_total", "Invalid RX descriptors." } },
	{ offsetof(struct xdp_statistics, tx_invalid_descs),
	  { "xskwall_xsk_tx_invalid_descs_total", "Invalid TX descriptors." } },
	{ offsetof(struct xdp_statistics, rx_ring_full),
	  { "xskwall_xsk_rx_ring_full_total", "Frames dropped because the RX ring was full." } },
	{ offsetof(struct xdp_statistics, rx_fill_ring_empty_descs),
	  { "xskwall_xsk_rx_fill_ring_empty_descs_total",
	    "Times the kernel found the fill ring empty." } },
	{ offsetof(struct xdp_statistics, tx_ring_empty_descs),
	  { "xskwall_xsk_tx_ring_empty_descs_total", "Times the kernel found the TX ring empty." } },
};

static void ctl_prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with backslash, double quote and newline escaped. */
static void ctl_prom_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void ctl_render_frames(FILE *f, const struct ctl_sample *s)
{
	for (unsigned c = 0; c < FP_CTR_COUNT; c++) {
		const struct ctl_family *fam = &ctl_frame_families[c];

		ctl_prom_family(f, fam->name, "counter", fam->help);
		for (uint32_t i = 0; i < s->nqueues; i++)
			for (int d = 0; d < FP_NPORTS; d++)
				fprintf(f, "%s{queue=\"%" PRIu32 "\",direction=\"%s\"} %" PRIu64 "\n",
					fam->name, s->q[i].queue, fp_port_name(d),
					s->q[i].s.dir[d].c[c]);
	}
}

static int ctl_sample_has_xsk(const struct ctl_sample *s)
{
	for (uint32_t i = 0; i < s->nqueues; i++)
		for (int p = 0; p < FP_NPORTS; p++)
			if (s->q[i].have_k[p])
				return 1;
	return 0;
}

/* Only the sockets whose statistics the kernel gave. */
static void ctl_render_xsk(FILE *f, const struct ctl_sample *s)
{
	if (!ctl_sample_has_xsk(s))
		return;
	for (size_t k = 0; k < sizeof(ctl_xsk_families) / sizeof(ctl_xsk_families[0]); k++) {
		const struct ctl_xsk_family *x = &ctl_xsk_families[k];

		ctl_prom_family(f, x->f.name, "counter", x->f.help);
		for (uint32_t i = 0; i < s->nqueues; i++)
			for (int p = 0; p < FP_NPORTS; p++) {
				uint64_t v;

				if (!s->q[i].have_k[p])
					continue;
				memcpy(&v, (const char *)&s->q[i].k[p] + x->off, sizeof(v));
				fprintf(f, "%s{queue=\"%" PRIu32 "\",port=\"%s\"} %" PRIu64 "\n",
					x->f.name, s->q[i].queue, fp_port_name(p), v);
			}
	}
}

static void ctl_render_on_miss(FILE *f, const struct ctl_sample *s)
{
	static const char name[] = "xskwall_on_miss_frames_total";

	if (!s->have_miss[FP_PORT_OUTSIDE] && !s->have_miss[FP_PORT_INSIDE])
		return;
	ctl_prom_family(f, name, "counter",
			"Frames the port's XDP program gave the on-miss verdict (no socket on their queue).");
	for (int p = 0; p < FP_NPORTS; p++)
		if (s->have_miss[p])
			fprintf(f, "%s{port=\"%s\"} %" PRIu64 "\n", name, fp_port_name(p),
				s->on_miss[p]);
}

static void ctl_prom_gauge(FILE *f, const char *name, const char *help, uint64_t v)
{
	ctl_prom_family(f, name, "gauge", help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static void ctl_render_rules_state(FILE *f, const struct ctl_rules_state *r)
{
	ctl_prom_gauge(f, "xskwall_rules_generation", "Generation of the rules in force.",
		       r->generation);
	ctl_prom_family(f, "xskwall_rules_loaded_timestamp_seconds", "gauge",
			"When the rules in force were put in force (Unix time).");
	fprintf(f, "xskwall_rules_loaded_timestamp_seconds %.3f\n", r->loaded_unix);
	ctl_prom_family(f, "xskwall_rules_load_duration_seconds", "gauge",
			"How long reading and compiling the rules in force took.");
	fprintf(f, "xskwall_rules_load_duration_seconds %.6f\n", r->load_ms / 1000.0);
	ctl_prom_gauge(f, "xskwall_rules_edited",
		       "1 when xskwallctl add/del changed the rules since the file was read.",
		       r->edited ? 1 : 0);
	ctl_prom_family(f, "xskwall_reloads_total", "counter",
			"Reloads that put new rules in force (ok) or were refused (failed).");
	fprintf(f, "xskwall_reloads_total{result=\"ok\"} %" PRIu64 "\n", r->reloads_ok);
	fprintf(f, "xskwall_reloads_total{result=\"failed\"} %" PRIu64 "\n", r->reloads_failed);
	ctl_prom_gauge(f, "xskwall_reload_memory_kept_bytes",
		       "Memory of replaced rules held for the next reload (reload-memory keep).",
		       r->kept_bytes);
}

static void ctl_prom_rule_sample(FILE *f, const char *name, size_t i, const char *text,
				 uint64_t v)
{
	fprintf(f, "%s{rule=\"%zu\",text=\"", name, i + 1);
	ctl_prom_label_value(f, text);
	fprintf(f, "\"} %" PRIu64 "\n", v);
}

/* One callback per rule: the packets family goes to f, the bytes family
 * to a second stream appended after it (a family is one group of lines). */
static int ctl_render_rules(FILE *f, const struct ctl_metrics_view *v, size_t n)
{
	struct ctl_metrics_rule r;
	char *bytes = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&bytes, &blen);

	if (!b)
		return -ENOMEM;
	ctl_prom_family(f, "xskwall_rule_packets_total", "counter", "Packets the rule matched.");
	ctl_prom_family(b, "xskwall_rule_bytes_total", "counter", "Bytes of the packets the rule matched.");
	for (size_t i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		v->rule(v->rule_arg, i, &r);
		r.text[sizeof(r.text) - 1] = '\0';
		ctl_prom_rule_sample(f, "xskwall_rule_packets_total", i, r.text, r.packets);
		ctl_prom_rule_sample(b, "xskwall_rule_bytes_total", i, r.text, r.bytes);
	}
	if (fclose(b) || !bytes) {
		free(bytes);
		return -ENOMEM;
	}
	fwrite(bytes, 1, blen, f);
	free(bytes);
	return 0;
}

static int ctl_render_all(FILE *f, const struct ctl_metrics_view *v, uint32_t max_rules)
{
	size_t shown = v->nrules < max_rules ? v->nrules : max_rules;

	if (v->sample) {
		ctl_render_frames(f, v->sample);
		ctl_render_xsk(f, v->sample);
		ctl_render_on_miss(f, v->sample);
	}
	ctl_prom_gauge(f, "xskwall_rules", "Rules in force.", v->nrules);
	if (v->rules)
		ctl_render_rules_state(f, v->rules);
	if (!v->rule)
		return 0;
	ctl_prom_gauge(f, "xskwall_rule_series_omitted",
		       "Rules in force without per-rule series (beyond metrics-rules).",
		       v->nrules - shown);
	return shown ? ctl_render_rules(f, v, shown) : 0;
}

char *ctl_metrics_render(const struct ctl_metrics_view *v, uint32_t max_rules, size_t *len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	int err;

	if (!f)
		return NULL;
	err = ctl_render_all(f, v, max_rules);
	if (ferror(f))
		err = -ENOMEM;
	if (fclose(f) || err || !text) {
		free(text);
		return NULL;
	}
	*len = n;
	return text;
}

/* ---- the HTTP endpoint ------------------------------------------------- */

static enum MHD_Result ctl_metrics_reply(struct MHD_Connection *c, unsigned status,
					 const char *body, int allow_header)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (allow_header)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result ctl_metrics_reply_metrics(struct ctl_metrics *m, struct MHD_Connection *c)
{
	struct ctl_metrics_view v;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *body;

	memset(&v, 0, sizeof(v));
	m->fill(m->arg, &v);
	body = ctl_metrics_render(&v, m->max_rules, &len);
	if (!body)
		return ctl_metrics_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", 0);
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, CTL_METRICS_CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Answered on the first call, once the headers are in: a request body,
 * which no valid request has, is never read (MHD then closes). */
static enum MHD_Result ctl_metrics_answer(void *cls, struct MHD_Connection *c, const char *url,
					  const char *method, const char *version,
					  const char *upload_data, size_t *upload_data_size,
					  void **con_cls)
{
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return ctl_metrics_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", 1);
	if (strcmp(url, "/metrics"))
		return ctl_metrics_reply(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", 0);
	return ctl_metrics_reply_metrics(cls, c);
}

/* libmicrohttpd's messages: errors while opening; once serving, what it
 * says is about clients, so debug only (a client cannot fill the log). */
static void ctl_metrics_log(void *cls, const char *fmt, va_list ap)
{
	const struct ctl_metrics *m = cls;
	char msg[256];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	fw_log(m->serving ? FW_LOG_DEBUG : FW_LOG_ERR, "metrics: %s", msg);
}

static int ctl_metrics_sockaddr(const char *listen, struct sockaddr_storage *ss, uint16_t *port)
{
	unsigned char addr[16];
	int family, err;

	err = ctl_listen_parse(listen, &family, addr, port);
	if (err)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(*port);
		memcpy(&s6->sin6_addr, addr, sizeof(s6->sin6_addr));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(*port);
		memcpy(&s4->sin_addr, addr, sizeof(s4->sin_addr));
	}
	return 0;
}

static int ctl_metrics_start(struct ctl_metrics *m, const struct sockaddr_storage *ss,
			     uint16_t port)
{
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->mhd = MHD_start_daemon(flags, port, NULL, NULL, ctl_metrics_answer, m,
				  MHD_OPTION_EXTERNAL_LOGGER, ctl_metrics_log, m,
				  MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)CTL_METRICS_MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CTL_METRICS_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CTL_METRICS_CONN_MEMORY,
				  MHD_OPTION_END);
	if (!m->mhd)
		return errno ? -errno : -EIO;
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || info->epoll_fd < 0)
		return -EIO;
	m->epoll_fd = info->epoll_fd;
	return 0;
}

int ctl_metrics_open(const char *listen, uint32_t max_rules, ctl_metrics_fill_fn fill, void *arg,
		     struct ctl_metrics **out)
{
	struct sockaddr_storage ss;
	struct ctl_metrics *m;
	uint16_t port;
	int err;

	err = ctl_metrics_sockaddr(listen, &ss, &port);
	if (err) {
		fw_err("metrics-listen %s: not a numeric address and port", listen);
		return err;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->epoll_fd = -1;
	m->max_rules = max_rules;
	m->fill = fill;
	m->arg = arg;
	err = ctl_metrics_start(m, &ss, port);
	if (err) {
		fw_err("metrics-listen %s: cannot serve: %s", listen, strerror(-err));
		ctl_metrics_close(m);
		return err;
	}
	m->serving = 1;
	fw_info("metrics: serving http://%s/metrics (at most %" PRIu32 " per-rule series)",
		listen, max_rules);
	*out = m;
	return 0;
}

int ctl_metrics_fd(const struct ctl_metrics *m)
{
	return m->epoll_fd;
}

int ctl_metrics_timeout_ms(const struct ctl_metrics *m)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (MHD_get_timeout(m->mhd, &t) != MHD_YES)
		return -1;
	return t > INT_MAX ? INT_MAX : (int)t;
}

static unsigned ctl_metrics_connections(const struct ctl_metrics *m)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return info ? info->num_connections : 0;
}

/* At the connection limit MHD takes its listening socket out of the epoll
 * set, and puts it back only at the start of a later run: nothing would
 * make the fd readable for a client waiting in the backlog. So when a run
 * frees a slot, run once more. */
void ctl_metrics_serve(struct ctl_metrics *m)
{
	unsigned before = ctl_metrics_connections(m);

	MHD_run(m->mhd);
	if (ctl_metrics_connections(m) < before)
		MHD_run(m->mhd);
}

void ctl_metrics_close(struct ctl_metrics *m)
{
	if (!m)
		return;
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	free(m);
}
