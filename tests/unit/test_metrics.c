/* tests/unit/test_metrics.c - the metrics server (control/metrics.c): the
 * exact lines of the exposition for a synthetic view, label escaping, the
 * metrics-rules cut, the output checked by tests/lib/promcheck.awk (and
 * promcheck checked against bad inputs), then the HTTP endpoint on a free
 * loopback port, driven from this test's own poll loop as the daemon does:
 * 200 with the 0.0.4 content type, HEAD, 404, 405, the connection limit,
 * MHD's timeouts and the open errors. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "metrics.h"
#include "stats.h"

#define NRULES 5
#define IDLE_CONNS CTL_METRICS_MAX_CONNECTIONS

static const char *const rule_texts[NRULES] = {
	"drop proto icmp",
	"drop src 198.18.0.1 \"quoted\" back\\slash\nnewline",
	"pass dst 198.19.0.0/16",
	"drop in inside",
	"pass proto udp",
};

struct fixture {
	struct ctl_sample sample;
	struct ctl_rules_state rules;
	int fills; /* fill callbacks seen */
};

static void fixture_rule(void *arg, size_t i, struct ctl_metrics_rule *out)
{
	(void)arg;
	snprintf(out->text, sizeof(out->text), "%s", rule_texts[i]);
	out->packets = 100 + i;
	out->bytes = 1000 * (i + 1);
}

static void fixture_view(struct fixture *fx, struct ctl_metrics_view *v)
{
	memset(v, 0, sizeof(*v));
	v->sample = &fx->sample;
	v->rules = &fx->rules;
	v->nrules = NRULES;
	v->rule = fixture_rule;
}

static void fixture_fill(void *arg, struct ctl_metrics_view *v)
{
	struct fixture *fx = arg;

	fx->fills++;
	fixture_view(fx, v);
}

/* Queues 0 and 3; counter c of direction d of queue slot i is
 * 1000 * (i + 1) + 100 * d + c. The kernel answered for queue 0's two
 * sockets and queue 3's outside one; on-miss is known for outside only. */
static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->sample.nqueues = 2;
	fx->sample.q[0].queue = 0;
	fx->sample.q[1].queue = 3;
	for (uint32_t i = 0; i < 2; i++)
		for (int d = 0; d < FP_NPORTS; d++)
			for (unsigned c = 0; c < FP_CTR_COUNT; c++)
				fx->sample.q[i].s.dir[d].c[c] = 1000 * (i + 1) + 100 * d + c;
	fx->sample.q[0].have_k[FP_PORT_OUTSIDE] = fx->sample.q[0].have_k[FP_PORT_INSIDE] = 1;
	fx->sample.q[1].have_k[FP_PORT_OUTSIDE] = 1;
	fx->sample.q[0].k[FP_PORT_OUTSIDE].rx_ring_full = 7;
	fx->sample.q[0].k[FP_PORT_INSIDE].rx_dropped = 8;
	fx->sample.q[1].k[FP_PORT_OUTSIDE].tx_ring_empty_descs = 9;
	fx->sample.have_miss[FP_PORT_OUTSIDE] = 1;
	fx->sample.on_miss[FP_PORT_OUTSIDE] = 11;
	fx->sample.on_miss[FP_PORT_INSIDE] = 12;
	fx->rules.generation = 4;
	fx->rules.loaded_unix = 1700000000.25;
	fx->rules.load_ms = 12.5;
	fx->rules.edited = 1;
	fx->rules.reloads_ok = 3;
	fx->rules.reloads_failed = 2;
	fx->rules.kept_bytes = 4194304;
	*state = fx;
	return 0;
}

static int fixture_teardown(void **state)
{
	free(*state);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static char *render(const struct ctl_metrics_view *v, uint32_t max_rules)
{
	size_t len = 0;
	char *text = ctl_metrics_render(v, max_rules, &len);

	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

/* Whether `line` is a whole line of text. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static void expect_line(const char *text, int want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void expect_line(const char *text, int want, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (has_line(text, line) == want)
		return;
	print_error("expected the line %s%s\n--- measured exposition ---\n%s", line,
		    want ? "" : " to be absent", text);
	fail();
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Run promcheck.awk (lint on) over text: its exit status, its output in out. */
static int promcheck(const char *text, char *out, size_t outlen)
{
	char path[] = "/tmp/test_metrics.XXXXXX", cmd[512];
	int fd = mkstemp(path), status;
	size_t n = 0;
	FILE *p;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "awk -v lint=1 -f '%s' '%s' 2>&1", FW_PROMCHECK, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	while (n + 1 < outlen && fgets(out + n, (int)(outlen - n), p))
		n = strlen(out);
	status = pclose(p);
	unlink(path);
	return status;
}

static void expect_promcheck_ok(const char *text)
{
	char out[4096];
	int status = promcheck(text, out, sizeof(out));

	if (status == 0 && !strncmp(out, "ok:", 3))
		return;
	print_error("promcheck status %d (expected 0), said:\n%s--- on ---\n%s", status, out, text);
	fail();
}

/* ---- the exposition ---------------------------------------------------- */

static void test_frame_families(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics_view v;
	char *t;

	fixture_view(fx, &v);
	t = render(&v, 100);
	expect_line(t, 1, "# TYPE xskwall_rx_frames_total counter");
	expect_line(t, 1, "xskwall_rx_frames_total{queue=\"0\",direction=\"outside\"} 1000");
	expect_line(t, 1, "xskwall_rx_frames_total{queue=\"3\",direction=\"inside\"} 2100");
	expect_line(t, 1, "xskwall_drop_rule_frames_total{queue=\"3\",direction=\"outside\"} %u",
		    2000 + FP_CTR_DROP_RULE);
	expect_line(t, 1, "xskwall_fill_starved_total{queue=\"0\",direction=\"inside\"} %u",
		    1100 + FP_CTR_FILL_STARVED);
	/* one family per worker counter, named after fp_ctr_name(), 4 series each */
	for (unsigned c = 0; c < FP_CTR_COUNT; c++) {
		char fam[128];

		snprintf(fam, sizeof(fam), "xskwall_%s_%s", fp_ctr_name(c),
			 c == FP_CTR_FILL_STARVED ? "total" : "frames_total");
		expect_line(t, 1, "# TYPE %s counter", fam);
		strcat(fam, "{");
		if (count_lines_with(t, fam) != 4) {
			print_error("%s: %d series, expected 4 (2 queues x 2 directions)\n", fam,
				    count_lines_with(t, fam));
			fail();
		}
	}
	free(t);
}

static void test_kernel_and_miss_families(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics_view v;
	char *t;

	fixture_view(fx, &v);
	t = render(&v, 100);
	expect_line(t, 1, "# TYPE xskwall_xsk_rx_ring_full_total counter");
	expect_line(t, 1, "xskwall_xsk_rx_ring_full_total{queue=\"0\",port=\"outside\"} 7");
	expect_line(t, 1, "xskwall_xsk_rx_dropped_total{queue=\"0\",port=\"inside\"} 8");
	expect_line(t, 1, "xskwall_xsk_tx_ring_empty_descs_total{queue=\"3\",port=\"outside\"} 9");
	/* the kernel did not answer for queue 3's inside socket: no series */
	expect_line(t, 0, "xskwall_xsk_rx_dropped_total{queue=\"3\",port=\"inside\"} 0");
	assert_int_equal(count_lines_with(t, "xskwall_xsk_rx_dropped_total{"), 3);
	expect_line(t, 1, "xskwall_on_miss_frames_total{port=\"outside\"} 11");
	assert_int_equal(count_lines_with(t, "xskwall_on_miss_frames_total{port=\"inside\"}"), 0);
	free(t);

	/* no kernel statistics, no on-miss counts at all: no families */
	memset(fx->sample.q[0].have_k, 0, sizeof(fx->sample.q[0].have_k));
	memset(fx->sample.q[1].have_k, 0, sizeof(fx->sample.q[1].have_k));
	fx->sample.have_miss[FP_PORT_OUTSIDE] = 0;
	t = render(&v, 100);
	assert_int_equal(count_lines_with(t, "xskwall_xsk_"), 0);
	assert_int_equal(count_lines_with(t, "xskwall_on_miss"), 0);
	expect_promcheck_ok(t);
	free(t);
}

static void test_rules_families(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics_view v;
	char *t;

	fixture_view(fx, &v);
	t = render(&v, 100);
	expect_line(t, 1, "# TYPE xskwall_rules gauge");
	expect_line(t, 1, "xskwall_rules 5");
	expect_line(t, 1, "xskwall_rules_generation 4");
	expect_line(t, 1, "xskwall_rules_loaded_timestamp_seconds 1700000000.250");
	expect_line(t, 1, "xskwall_rules_load_duration_seconds 0.012500");
	expect_line(t, 1, "xskwall_rules_edited 1");
	expect_line(t, 1, "# TYPE xskwall_reloads_total counter");
	expect_line(t, 1, "xskwall_reloads_total{result=\"ok\"} 3");
	expect_line(t, 1, "xskwall_reloads_total{result=\"failed\"} 2");
	expect_line(t, 1, "# TYPE xskwall_reload_memory_kept_bytes gauge");
	expect_line(t, 1, "xskwall_reload_memory_kept_bytes 4194304");
	expect_line(t, 1, "xskwall_rule_packets_total{rule=\"1\",text=\"drop proto icmp\"} 100");
	expect_line(t, 1, "xskwall_rule_bytes_total{rule=\"5\",text=\"pass proto udp\"} 5000");
	expect_line(t, 1, "xskwall_rule_series_omitted 0");
	free(t);
}

static void test_label_escaping(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics_view v;
	char *t;

	fixture_view(fx, &v);
	t = render(&v, 100);
	expect_line(t, 1,
		    "xskwall_rule_packets_total{rule=\"2\",text=\"drop src 198.18.0.1 \\\"quoted\\\" "
		    "back\\\\slash\\nnewline\"} 101");
	expect_promcheck_ok(t);
	free(t);
}

static void test_max_rules_cut(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics_view v;
	char *t;

	fixture_view(fx, &v);
	t = render(&v, 3);
	assert_int_equal(count_lines_with(t, "xskwall_rule_packets_total{"), 3);
	assert_int_equal(count_lines_with(t, "xskwall_rule_bytes_total{"), 3);
	expect_line(t, 1, "xskwall_rule_bytes_total{rule=\"3\",text=\"pass dst 198.19.0.0/16\"} 3000");
	assert_int_equal(count_lines_with(t, "rule=\"4\""), 0);
	expect_line(t, 1, "xskwall_rule_series_omitted 2");
	expect_line(t, 1, "xskwall_rules 5");
	expect_promcheck_ok(t);
	free(t);

	t = render(&v, 0);
	assert_int_equal(count_lines_with(t, "xskwall_rule_packets_total"), 0);
	expect_line(t, 1, "xskwall_rule_series_omitted 5");
	expect_promcheck_ok(t);
	free(t);
}

static void test_partial_view(void **state)
{
	struct ctl_metrics_view v;
	char *t;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.nrules = 7;
	t = render(&v, 100);
	expect_line(t, 1, "xskwall_rules 7");
	assert_int_equal(count_lines_with(t, "frames_total"), 0);
	assert_int_equal(count_lines_with(t, "xskwall_rule_"), 0);
	expect_promcheck_ok(t);
	free(t);
}

/* promcheck must refuse what Prometheus refuses, or its "ok" means nothing. */
static void test_promcheck_rejects(void **state)
{
	static const char *const bad[] = {
		"a 1\n",                                            /* no # TYPE */
		"# TYPE a gauge\na{x=\"1} 1\n",                     /* unclosed quote */
		"# TYPE a gauge\na{x=\"1\"} one\n",                 /* not a number */
		"# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n",     /* series twice */
		"# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\n",       /* a not one group */
		"# TYPE 1a gauge\n1a 1\n",                          /* bad name */
		"# TYPE a gauge\na{x=\"\\q\"} 1\n",                 /* bad escape */
		"# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n",           /* label twice */
		"# TYPE a gauge\na 1\n# TYPE a gauge\n",            /* TYPE after sample */
		"# TYPE a gauge\na{x=\"1\"}1\n",                    /* no blank */
		"# TYPE a gauge\na{x=\"1\" y=\"2\"} 1\n",           /* no comma */
		"# TYPE a gauge\na 1 2 3\n",                        /* trailing junk */
		"# TYPE a_total counter\na_total 1\r\n",            /* CR */
		("# TYPE a_total counter\n# HELP a_total x\na_total 1\n"
		 "# TYPE a gauge\n# HELP a y\na{-=\"1\"} 1\n"),      /* bad label name */
		"# HELP a x\n# TYPE a counter\na 1\n",              /* lint: counter, no _total */
		"# TYPE a_total counter\na_total 1\n",              /* lint: no HELP */
	};
	char out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int status = promcheck(bad[i], out, sizeof(out));

		if (status != 0 && strstr(out, "promcheck:"))
			continue;
		print_error("promcheck accepted bad input %zu (status %d, expected non-zero):\n%s"
			    "--- it said ---\n%s", i, status, bad[i], out);
		fail();
	}
	expect_promcheck_ok("# HELP a_total x \\\\ y\\n\n# TYPE a_total counter\n"
			    "a_total{b=\"\\\"\",c=\"\"} 1 1700000000000\n"
			    "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n"
			    "h_sum NaN\nh_count 1\n");
}

/* ---- the HTTP endpoint ------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* A port nobody listens on now (bound to port 0, then released). */
static uint16_t free_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(family, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, family == AF_INET ?
			      sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	close(fd);
	return ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				       : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int connect_to(int family, uint16_t port)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int rc;

	assert_true(fd >= 0);
	rc = family == AF_INET ? connect(fd, (struct sockaddr *)&s4, sizeof(s4))
			       : connect(fd, (struct sockaddr *)&s6, sizeof(s6));
	assert_true(rc == 0 || errno == EINPROGRESS);
	return fd;
}

/* Serve m from this thread as the daemon's loop does, for at most ms or
 * until client (if >= 0) has sent everything and closed; what it sent is
 * appended to buf. Returns 1 on EOF from the client, 0 on time out. */
static int serve_until(struct ctl_metrics *m, int ms, int client, char *buf, size_t cap,
		       size_t *len)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	for (;;) {
		struct pollfd pfd[2] = { { ctl_metrics_fd(m), POLLIN, 0 }, { client, POLLIN, 0 } };
		int64_t left = (int64_t)(end - now_ms());
		int wait = ctl_metrics_timeout_ms(m);

		if (left <= 0)
			return 0;
		if (wait < 0 || wait > left)
			wait = (int)left;
		poll(pfd, client >= 0 ? 2 : 1, wait);
		ctl_metrics_serve(m);
		if (client < 0 || !(pfd[1].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(client, buf + *len, cap - 1 - *len);
		if (n == 0)
			return 1;
		if (n > 0)
			*len += (size_t)n;
		buf[*len] = '\0';
	}
}

struct reply {
	char raw[1 << 16];
	size_t len;
	int status;
	const char *body;
};

/* The value of header `name` in r (case-insensitive), "" when absent. */
static void reply_header(const struct reply *r, const char *name, char *out, size_t len)
{
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s:", name);
	out[0] = '\0';
	p = strcasestr(r->raw, key);
	if (!p || (r->body && p > r->body))
		return;
	p += strlen(key);
	while (*p == ' ')
		p++;
	e = strstr(p, "\r\n");
	snprintf(out, len, "%.*s", (int)(e ? e - p : 0), p);
}

static void reply_parse(struct reply *r)
{
	const char *hdr_end = strstr(r->raw, "\r\n\r\n");

	r->status = 0;
	sscanf(r->raw, "HTTP/1.%*d %d", &r->status);
	r->body = hdr_end ? hdr_end + 4 : NULL;
}

/* Send req on a fresh connection and serve until the answer is complete. */
static void http_request(struct ctl_metrics *m, int family, uint16_t port, const char *req,
			 struct reply *r)
{
	int fd = connect_to(family, port);
	struct pollfd pfd = { fd, POLLOUT, 0 };

	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	r->len = 0;
	r->raw[0] = '\0';
	if (!serve_until(m, 5000, fd, r->raw, sizeof(r->raw), &r->len)) {
		print_error("no complete answer to %s within 5 s; got:\n%s\n", req, r->raw);
		fail();
	}
	close(fd);
	reply_parse(r);
}

static void expect_status(const struct reply *r, int want)
{
	if (r->status == want)
		return;
	print_error("HTTP status %d, expected %d; answer:\n%s\n", r->status, want, r->raw);
	fail();
}

static struct ctl_metrics *open_loopback(struct fixture *fx, uint16_t *port)
{
	struct ctl_metrics *m = NULL;
	char listen[64];
	int err;

	*port = free_port(AF_INET);
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", *port);
	err = ctl_metrics_open(listen, 100, fixture_fill, fx, &m);
	if (err) {
		print_error("ctl_metrics_open(%s) = %d (%s), expected 0\n", listen, err, strerror(-err));
		fail();
	}
	assert_true(ctl_metrics_fd(m) >= 0);
	return m;
}

static void test_http_metrics(void **state)
{
	struct fixture *fx = *state;
	struct reply *r = malloc(sizeof(*r));
	struct ctl_metrics_view v;
	struct ctl_metrics *m;
	char ctype[128];
	uint16_t port;
	size_t len;
	char *want;

	assert_non_null(r);
	m = open_loopback(fx, &port);
	http_request(m, AF_INET, port, "GET /metrics HTTP/1.0\r\n\r\n", r);
	expect_status(r, 200);
	reply_header(r, "Content-Type", ctype, sizeof(ctype));
	assert_string_equal(ctype, "text/plain; version=0.0.4; charset=utf-8");
	assert_int_equal(fx->fills, 1);
	assert_non_null(r->body);
	fixture_view(fx, &v);
	want = ctl_metrics_render(&v, 100, &len);
	assert_non_null(want);
	assert_string_equal(r->body, want);
	expect_promcheck_ok(r->body);
	free(want);

	/* HEAD: the same headers, no body; a query string is ignored */
	http_request(m, AF_INET, port, "HEAD /metrics?x=1 HTTP/1.0\r\n\r\n", r);
	expect_status(r, 200);
	assert_non_null(r->body);
	assert_string_equal(r->body, "");
	reply_header(r, "Content-Length", ctype, sizeof(ctype));
	assert_int_equal(strtoul(ctype, NULL, 10), len);

	http_request(m, AF_INET, port, "GET /other HTTP/1.0\r\n\r\n", r);
	expect_status(r, 404);
	http_request(m, AF_INET, port, "GET /metrics/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", r);
	expect_status(r, 404);
	http_request(m, AF_INET, port, "POST /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc", r);
	expect_status(r, 405);
	reply_header(r, "Allow", ctype, sizeof(ctype));
	assert_string_equal(ctype, "GET, HEAD");
	http_request(m, AF_INET, port, "DELETE /metrics HTTP/1.0\r\n\r\n", r);
	expect_status(r, 405);
	assert_int_equal(fx->fills, 2); /* only GET and HEAD of /metrics sample */
	ctl_metrics_close(m);
	free(r);
}

/* Idle clients: MHD's timeout bounds the loop's wait; at the connection
 * limit a new client waits in the backlog and is answered once one
 * leaves; the server never blocks on a silent client. */
static void test_http_limits(void **state)
{
	struct fixture *fx = *state;
	struct reply *r = malloc(sizeof(*r));
	int idle[IDLE_CONNS], fd, t;
	struct ctl_metrics *m;
	uint16_t port;
	const char *req = "GET /metrics HTTP/1.0\r\n\r\n";

	assert_non_null(r);
	m = open_loopback(fx, &port);
	assert_int_equal(ctl_metrics_timeout_ms(m), -1); /* nothing to time out */
	for (int i = 0; i < IDLE_CONNS; i++)
		idle[i] = connect_to(AF_INET, port);
	r->len = 0;
	serve_until(m, 300, -1, r->raw, sizeof(r->raw), &r->len);
	t = ctl_metrics_timeout_ms(m);
	if (t < 0 || t > CTL_METRICS_TIMEOUT_S * 1000) {
		print_error("timeout with idle clients %d ms, expected 0..%d\n", t,
			    CTL_METRICS_TIMEOUT_S * 1000);
		fail();
	}

	fd = connect_to(AF_INET, port);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	if (serve_until(m, 300, fd, r->raw, sizeof(r->raw), &r->len) || r->len) {
		print_error("client %d answered at the limit of %d: %zu bytes\n", IDLE_CONNS + 1,
			    IDLE_CONNS, r->len);
		fail();
	}
	close(idle[0]);
	if (!serve_until(m, 3000, fd, r->raw, sizeof(r->raw), &r->len)) {
		print_error("no answer within 3 s after a connection closed\n");
		fail();
	}
	reply_parse(r);
	expect_status(r, 200);
	close(fd);
	for (int i = 1; i < IDLE_CONNS; i++)
		close(idle[i]);
	ctl_metrics_close(m);
	free(r);
}

static void test_open_errors(void **state)
{
	struct fixture *fx = *state;
	struct ctl_metrics *m = NULL, *m2 = NULL;
	static const char *const bad[] = { "", "nonsense", "127.0.0.1", "127.0.0.1:0",
					   "localhost:9100", "[::1:9100", "127.0.0.1:70000" };
	char listen[64];
	uint16_t port;
	int err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = ctl_metrics_open(bad[i], 1, fixture_fill, fx, &m);
		if (err != -EINVAL || m) {
			print_error("open(\"%s\") = %d, expected -EINVAL (%d)\n", bad[i], err, -EINVAL);
			fail();
		}
	}
	m = open_loopback(fx, &port);
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
	err = ctl_metrics_open(listen, 1, fixture_fill, fx, &m2);
	if (err != -EADDRINUSE || m2) {
		print_error("second open of %s = %d, expected -EADDRINUSE (%d)\n", listen, err,
			    -EADDRINUSE);
		fail();
	}
	ctl_metrics_close(m);
	ctl_metrics_close(NULL);
}

static void expect_refused(int family, uint16_t port)
{
	int fd = connect_to(family, port), so = 0;
	struct pollfd pfd = { fd, POLLOUT, 0 };
	socklen_t sl = sizeof(so);

	poll(&pfd, 1, 1000);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
	close(fd);
	if (so == ECONNREFUSED)
		return;
	print_error("connect to port %u (family %d): error %d, expected ECONNREFUSED (%d)\n", port,
		    family, so, ECONNREFUSED);
	fail();
}

static void test_http_ipv6(void **state)
{
	struct fixture *fx = *state;
	struct reply *r;
	struct ctl_metrics *m = NULL;
	char listen[64];
	uint16_t port;
	int fd = socket(AF_INET6, SOCK_STREAM, 0), err;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	if (fd < 0 || bind(fd, (struct sockaddr *)&s6, sizeof(s6))) {
		if (fd >= 0)
			close(fd);
		skip(); /* no IPv6 loopback here */
	}
	close(fd);
	port = free_port(AF_INET6);
	snprintf(listen, sizeof(listen), "[::1]:%u", port);
	err = ctl_metrics_open(listen, 100, fixture_fill, fx, &m);
	if (err) {
		print_error("ctl_metrics_open(%s) = %d, expected 0\n", listen, err);
		fail();
	}
	r = malloc(sizeof(*r));
	assert_non_null(r);
	http_request(m, AF_INET6, port, "GET /metrics HTTP/1.0\r\n\r\n", r);
	expect_status(r, 200);
	expect_refused(AF_INET, port); /* exactly the address given: not on IPv4 */
	ctl_metrics_close(m);
	free(r);
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX(test_frame_families),
		FX(test_kernel_and_miss_families),
		FX(test_rules_families),
		FX(test_label_escaping),
		FX(test_max_rules_cut),
		cmocka_unit_test(test_partial_view),
		cmocka_unit_test(test_promcheck_rejects),
		FX(test_http_metrics),
		FX(test_http_limits),
		FX(test_open_errors),
		FX(test_http_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
