/* control/ctl/ctl_show.c - the read commands: status, stats (and
 * stats --watch) and rules, each as aligned tables or, with -j, as the
 * daemon's JSON. Handlers of the table in ctl_commands.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include "ctl_proto.h"
#include "ctl_table.h"
#include "ctl_cli.h"

#define CTL_WATCH_PERIOD_NS 1000000000LL
#define CTL_RULES_TRIES 5 /* pages read again when the rules change meanwhile */

/* ---- status ----------------------------------------------------------- */

static void ctl_duration(double s, char *buf, size_t n)
{
	unsigned long long t = s > 0 ? (unsigned long long)s : 0;

	if (t >= 86400)
		snprintf(buf, n, "%llud %02llu:%02llu:%02llu", t / 86400, t / 3600 % 24, t / 60 % 60,
			 t % 60);
	else
		snprintf(buf, n, "%02llu:%02llu:%02llu", t / 3600, t / 60 % 60, t % 60);
}

static void ctl_local_time(double unix_s, char *buf, size_t n)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	if (unix_s <= 0 || !localtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, n, "-");
}

static void ctl_status_head(const json_t *r)
{
	const json_t *rules = json_object_get(r, "rules");
	char up[64], loaded[64];

	ctl_duration(ctl_json_num(r, "uptime_s"), up, sizeof(up));
	ctl_local_time(ctl_json_num(rules, "loaded_unix"), loaded, sizeof(loaded));
	printf("xskwall %s, pid %lld, up %s\n", ctl_json_str(r, "version", "?"),
	       ctl_json_int(r, "pid"), up);
	printf("config   %s\n", ctl_json_str(r, "config", "-"));
	printf("rules    %lld in force, generation %lld, loaded %s in %.1f ms\n",
	       ctl_json_int(rules, "count"), ctl_json_int(rules, "generation"), loaded,
	       ctl_json_num(rules, "load_ms"));
	if (json_is_true(json_object_get(rules, "edited")))
		printf("         changed by add/del: the running rules differ from the file\n");
	printf("reloads  %lld ok, %lld failed\n", ctl_json_int(rules, "reloads_ok"),
	       ctl_json_int(rules, "reloads_failed"));
	if (ctl_json_str(rules, "last_error", NULL))
		printf("         last error: %s\n", ctl_json_str(rules, "last_error", ""));
	if (ctl_json_int(rules, "kept_bytes") > 0)
		printf("memory   %.1f MiB kept for the next reload (reload-memory keep)\n",
		       (double)ctl_json_int(rules, "kept_bytes") / (1 << 20));
}

static const json_t *ctl_port_of(const json_t *ports, const json_t *port)
{
	size_t i;
	json_t *p;

	json_array_foreach(ports, i, p)
		if (json_equal(json_object_get(p, "port"), (json_t *)port))
			return p;
	return NULL;
}

static void ctl_cell_json(struct ctl_table *t, const json_t *o, const char *key)
{
	char buf[64];

	ctl_table_cell(t, ctl_json_text(json_object_get(o, key), buf, sizeof(buf)));
}

static void ctl_status_row(struct ctl_table *t, const json_t *q, const json_t *ports,
			   const json_t *sock)
{
	const json_t *p = ctl_port_of(ports, json_object_get(sock, "port"));
	static const char *const queue_keys[] = { "worker_cpu", "numa_node", "hugepages",
						  "ring_size", "frame_size", "frames", "busy_poll" };

	ctl_cell_json(t, q, "queue");
	ctl_cell_json(t, sock, "port");
	ctl_cell_json(t, p, "ifname");
	ctl_cell_json(t, p, "xdp_mode");
	ctl_cell_json(t, sock, "bind_mode");
	ctl_cell_json(t, sock, "need_wakeup");
	for (size_t i = 0; i < sizeof(queue_keys) / sizeof(queue_keys[0]); i++)
		ctl_cell_json(t, q, queue_keys[i]);
}

static int ctl_status_queues(const json_t *r)
{
	static const struct { const char *h; enum ctl_align a; } cols[] = {
		{ "queue", CTL_ALIGN_RIGHT }, { "port", CTL_ALIGN_LEFT },
		{ "interface", CTL_ALIGN_LEFT }, { "xdp", CTL_ALIGN_LEFT },
		{ "bind", CTL_ALIGN_LEFT }, { "need_wakeup", CTL_ALIGN_LEFT },
		{ "cpu", CTL_ALIGN_RIGHT }, { "numa", CTL_ALIGN_RIGHT },
		{ "hugepages", CTL_ALIGN_LEFT }, { "ring", CTL_ALIGN_RIGHT },
		{ "frame", CTL_ALIGN_RIGHT }, { "frames", CTL_ALIGN_RIGHT },
		{ "busy_poll", CTL_ALIGN_LEFT },
	};
	const json_t *ports = json_object_get(r, "ports");
	struct ctl_table *t;
	json_t *q, *s;
	size_t i, j;
	int err = ctl_table_create(&t);

	if (err)
		return err;
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		ctl_table_column(t, cols[i].h, cols[i].a);
	json_array_foreach(json_object_get(r, "queues"), i, q)
		json_array_foreach(json_object_get(q, "sockets"), j, s)
			ctl_status_row(t, q, ports, s);
	err = ctl_table_print(t, stdout);
	ctl_table_destroy(t);
	return err;
}

int ctl_cmd_status(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	json_t *r;
	int rc = ctl_cli_call(cmd, a, json_pack("{s:s}", "cmd", "status"), -1, &r);

	if (rc == CTL_EXIT_OK && a->json)
		ctl_cli_print_json(r);
	else if (rc == CTL_EXIT_OK) {
		ctl_status_head(r);
		putchar('\n');
		if (ctl_status_queues(r))
			rc = ctl_cli_fail(cmd, "printing", -ENOMEM);
	}
	json_decref(r);
	return rc;
}

/* ---- stats ------------------------------------------------------------ */

static int ctl_is_rate(const char *key)
{
	size_t n = strlen(key);

	return n > 4 && !strcmp(key + n - 4, "_pps");
}

/* Columns: queue, the port (`port_header`), every counter of `sample`
 * (one port's object), then its rates in Mpps. */
static void ctl_stats_columns(struct ctl_table *t, const char *port_header, const json_t *sample)
{
	const char *key;
	json_t *v;
	char h[64];

	ctl_table_column(t, "queue", CTL_ALIGN_RIGHT);
	ctl_table_column(t, port_header, CTL_ALIGN_LEFT);
	json_object_foreach((json_t *)sample, key, v)
		if (!ctl_is_rate(key))
			ctl_table_column(t, key, CTL_ALIGN_RIGHT);
	json_object_foreach((json_t *)sample, key, v)
		if (ctl_is_rate(key)) {
			snprintf(h, sizeof(h), "%.*s_Mpps", (int)(strlen(key) - 4), key);
			ctl_table_column(t, h, CTL_ALIGN_RIGHT);
		}
}

static void ctl_stats_row(struct ctl_table *t, const char *queue, const char *dir,
			  const json_t *d, const json_t *sample)
{
	const char *key;
	json_t *v;
	char buf[64];

	ctl_table_cell(t, queue);
	ctl_table_cell(t, dir);
	json_object_foreach((json_t *)sample, key, v)
		if (!ctl_is_rate(key))
			ctl_table_cell(t, ctl_json_text(json_object_get(d, key), buf, sizeof(buf)));
	json_object_foreach((json_t *)sample, key, v)
		if (ctl_is_rate(key))
			ctl_table_cellf(t, "%.3f", ctl_json_num(d, key) / 1e6);
}

/* Rows of one queue (or the totals): one per direction. */
static void ctl_stats_rows(struct ctl_table *t, const char *queue, const json_t *dirs,
			   const json_t *sample)
{
	const char *dir;
	json_t *d;

	json_object_foreach((json_t *)dirs, dir, d)
		ctl_stats_row(t, queue, dir, d, sample);
}

/* The first port's object of queues[0][member], else of r[totals]:
 * its keys name the columns. */
static const json_t *ctl_stats_sample(const json_t *r, const char *member, const char *totals)
{
	json_t *ports = json_object_get(json_array_get(json_object_get(r, "queues"), 0), member);
	void *it;

	if (!json_is_object(ports) && totals)
		ports = json_object_get(r, totals);
	it = json_object_iter(ports);
	return it ? json_object_iter_value(it) : NULL;
}

/* Per queue one row per port of queue[member], then the rows of
 * r[totals] as queue "all" (totals NULL: none). */
static int ctl_stats_table(const json_t *r, const char *member, const char *totals,
			   const char *port_header)
{
	const json_t *sample = ctl_stats_sample(r, member, totals);
	struct ctl_table *t;
	json_t *q;
	size_t i;
	char name[32];
	int err;

	if (!json_is_object(sample))
		return 0;
	err = ctl_table_create(&t);
	if (err)
		return err;
	ctl_stats_columns(t, port_header, sample);
	json_array_foreach(json_object_get(r, "queues"), i, q) {
		snprintf(name, sizeof(name), "%lld", ctl_json_int(q, "queue"));
		ctl_stats_rows(t, name, json_object_get(q, member), sample);
	}
	if (totals)
		ctl_stats_rows(t, "all", json_object_get(r, totals), sample);
	err = ctl_table_print(t, stdout);
	ctl_table_destroy(t);
	return err;
}

static void ctl_stats_on_miss(const json_t *r)
{
	const char *port;
	json_t *v;
	char buf[64];

	printf("on_miss");
	json_object_foreach(json_object_get(r, "on_miss"), port, v)
		printf("  %s %s", port, ctl_json_text(v, buf, sizeof(buf)));
	putchar('\n');
}

static int ctl_stats_print(const json_t *r)
{
	char when[64];
	double interval = ctl_json_num(r, "interval_s");
	int err;

	ctl_local_time(ctl_json_num(r, "time_unix_ns") / 1e9, when, sizeof(when));
	if (interval > 0)
		printf("xskwall stats at %s, rates over %.2f s\n\n", when, interval);
	else
		printf("xskwall stats at %s, rates after the daemon's next sample\n\n", when);
	err = ctl_stats_table(r, "dir", "totals", "in");
	if (!err) {
		printf("\nkernel XDP_STATISTICS per socket\n");
		err = ctl_stats_table(r, "kernel", NULL, "port");
	}
	putchar('\n');
	ctl_stats_on_miss(r);
	return err;
}

/* One snapshot: request, print. *stopped when stop_fd fired first. */
static int ctl_stats_once(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a,
			  int stop_fd, unsigned n, int *stopped)
{
	json_t *r;
	int rc = ctl_cli_call(cmd, a, json_pack("{s:s}", "cmd", "stats"), stop_fd, &r);

	*stopped = rc == CTL_EXIT_OK && !r;
	if (rc != CTL_EXIT_OK || !r) {
		json_decref(r);
		return rc;
	}
	if (a->json && a->watch) {
		json_dumpf(r, stdout, JSON_COMPACT);
		putchar('\n');
	} else if (a->json) {
		ctl_cli_print_json(r);
	} else {
		if (a->watch && isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		else if (n)
			putchar('\n');
		if (ctl_stats_print(r))
			rc = ctl_cli_fail(cmd, "printing", -ENOMEM);
	}
	fflush(stdout);
	json_decref(r);
	return rc;
}

static long long ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wait until `deadline_ns` (CLOCK_MONOTONIC); 1 when stop_fd fired. */
static int ctl_sleep_until(long long deadline_ns, int stop_fd)
{
	struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
	long long left;

	while ((left = deadline_ns - ctl_now_ns()) > 0) {
		int r = poll(&pfd, 1, (int)((left + 999999) / 1000000));

		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
	}
	return 0;
}

static int ctl_stats_watch(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	sigset_t old;
	int stop_fd = ctl_cli_stop_fd_open(&old), stopped = 0, rc = CTL_EXIT_OK;
	long long next = ctl_now_ns();

	if (stop_fd < 0)
		return ctl_cli_fail(cmd, "signalfd", stop_fd);
	for (uint64_t n = 0; !a->count.set || n < a->count.v; n++) {
		if (n && ctl_sleep_until(next, stop_fd))
			break;
		next += CTL_WATCH_PERIOD_NS;
		rc = ctl_stats_once(cmd, a, stop_fd, (unsigned)n, &stopped);
		if (rc || stopped)
			break;
	}
	ctl_cli_stop_fd_close(stop_fd, &old);
	return rc;
}

int ctl_cmd_stats(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	int stopped;

	if (a->count.set && !a->watch)
		return ctl_cli_usage(cmd, "--count needs --watch");
	if (a->watch)
		return ctl_stats_watch(cmd, a);
	return ctl_stats_once(cmd, a, -1, 0, &stopped);
}

/* ---- rules ------------------------------------------------------------ */

static json_t *ctl_rules_request(const struct ctl_cli_args *a, size_t offset)
{
	if (a->top.set)
		return json_pack("{s:s, s:I}", "cmd", "rules", "top", (json_int_t)a->top.v);
	return json_pack("{s:s, s:I, s:I}", "cmd", "rules", "offset", (json_int_t)offset, "limit",
			 (json_int_t)CTL_RULES_PAGE);
}

/* Add the page's rules to *all (the first page becomes *all). 1 when the
 * page belongs to another generation than *all. */
static int ctl_rules_merge(json_t **all, json_t *page)
{
	if (!*all) {
		*all = json_incref(page);
		return 0;
	}
	if (ctl_json_int(*all, "generation") != ctl_json_int(page, "generation"))
		return 1;
	json_array_extend(json_object_get(*all, "rules"), json_object_get(page, "rules"));
	return 0;
}

/* Every page of one generation, merged into *out. CTL_EXIT_OK with *out
 * NULL when the rules changed while they were read. */
static int ctl_rules_pages(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a,
			   json_t **out)
{
	json_t *all = NULL, *page;
	size_t got = 0, n;
	int rc, changed = 0;

	do {
		rc = ctl_cli_call(cmd, a, ctl_rules_request(a, got), -1, &page);
		if (rc) {
			json_decref(page);
			json_decref(all);
			return rc;
		}
		n = json_array_size(json_object_get(page, "rules"));
		changed = ctl_rules_merge(&all, page);
		json_decref(page);
		got += n;
	} while (!changed && !a->top.set && n && got < (size_t)ctl_json_int(all, "total"));
	if (changed) {
		json_decref(all);
		all = NULL;
	}
	*out = all;
	return CTL_EXIT_OK;
}

static void ctl_rules_head(const json_t *r)
{
	const json_t *pol = json_object_get(r, "policy");

	printf("generation %lld: %lld rules in force%s\n", ctl_json_int(r, "generation"),
	       ctl_json_int(r, "total"),
	       json_is_true(json_object_get(r, "edited")) ?
		       " (changed by add/del: they differ from the file)" : "");
	printf("policy %s, policy-malformed %s, policy-non-ip %s\n\n",
	       ctl_json_str(pol, "default", "?"), ctl_json_str(pol, "malformed", "?"),
	       ctl_json_str(pol, "non_ip", "?"));
}

static void ctl_rules_row(struct ctl_table *t, const json_t *rule)
{
	const char *file = ctl_json_str(rule, "file", NULL);
	long long line = ctl_json_int(rule, "line");

	ctl_table_cellf(t, "%lld", ctl_json_int(rule, "index"));
	ctl_cell_json(t, rule, "packets");
	ctl_cell_json(t, rule, "bytes");
	if (file && *file && line > 0)
		ctl_table_cellf(t, "%s:%lld", file, line);
	else
		ctl_table_cell(t, file && *file ? file : "-");
	ctl_table_cell(t, ctl_json_str(rule, "rule", "?"));
}

static int ctl_rules_print(const json_t *r)
{
	struct ctl_table *t;
	json_t *rule;
	size_t i;
	int err = ctl_table_create(&t);

	if (err)
		return err;
	ctl_rules_head(r);
	ctl_table_column(t, "#", CTL_ALIGN_RIGHT);
	ctl_table_column(t, "packets", CTL_ALIGN_RIGHT);
	ctl_table_column(t, "bytes", CTL_ALIGN_RIGHT);
	ctl_table_column(t, "file:line", CTL_ALIGN_LEFT);
	ctl_table_column(t, "rule", CTL_ALIGN_LEFT);
	json_array_foreach(json_object_get(r, "rules"), i, rule)
		ctl_rules_row(t, rule);
	err = ctl_table_print(t, stdout);
	ctl_table_destroy(t);
	return err;
}

int ctl_cmd_rules(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	json_t *all = NULL;
	int rc = CTL_EXIT_OK;

	for (int i = 0; i < CTL_RULES_TRIES && !all && rc == CTL_EXIT_OK; i++)
		rc = ctl_rules_pages(cmd, a, &all);
	if (rc)
		return rc;
	if (!all) {
		fprintf(stderr, "xskwallctl: rules: the rules changed %d times while being read\n",
			CTL_RULES_TRIES);
		return CTL_EXIT_FAILED;
	}
	if (a->json)
		ctl_cli_print_json(all);
	else if (ctl_rules_print(all))
		rc = ctl_cli_fail(cmd, "printing", -ENOMEM);
	json_decref(all);
	return rc;
}
