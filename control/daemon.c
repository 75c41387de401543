/* control/daemon.c - start-up, the event loop, reload, shutdown.
 *
 * One control thread waits in poll() on every source: signals (a
 * signalfd), the ports' link notifications (netwatch.h), while a reload
 * runs its loader thread (loader.h), the control socket and its clients
 * (ctlsock.h, commands.c) and the metrics server (metrics.h); it wakes in
 * time for the service manager's watchdog (notify.h), for the counter
 * sample it takes once a second (the rates of `xskwallctl stats`) and,
 * while a capture runs, to stream it (capsession.h). So a reload, however
 * long it takes, never delays SIGTERM or a control request. A reload
 * parses the whole file into a fresh config and compiles a fresh
 * snapshot; only when both succeed is the snapshot published (RCU) and
 * the config swapped. Anything else leaves the running rules untouched. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <cap-ng.h>
#include "fw/log.h"
#include "bigmem.h"
#include "daemon.h"
#include "daemon_impl.h"
#include "config_lint.h"
#include "lint_job.h"
#include "privs.h"
#include "ctl_reply.h"
#include "report.h"

enum ctl_poll_slot { CTL_POLL_SIGNAL, CTL_POLL_LINK, CTL_POLL_LOADER, CTL_POLL_METRICS,
		     CTL_POLL_SERVER, CTL_POLL_N = CTL_POLL_SERVER + CTL_MAX_CLIENTS + 1 };

#define CTL_SAMPLE_PERIOD_NS 1000000000ull

static uint64_t ctl_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static double ctl_unix_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int ctl_check(const char *path)
{
	struct ctl_loaded l;
	char err[CTL_ERR_LEN];

	if (ctl_load(path, NULL, &l, err, sizeof(err))) {
		fw_err("%s", err);
		return 1;
	}
	ctl_lint_report(&l.cfg);
	printf("%s: ok, %zu rules\n", path, l.cfg.nrules);
	ctl_loaded_fini(&l);
	return 0;
}

static void ctl_engine_cfg(const struct fw_config *c, struct fp_engine_cfg *ec)
{
	memset(ec, 0, sizeof(*ec));
	for (int p = 0; p < FP_NPORTS; p++)
		snprintf(ec->ifname[p], sizeof(ec->ifname[p]), "%s", c->port[p]);
	ec->queue_mask = c->queues_all ? 0 : c->queue_mask;
	ec->miss_action = c->on_miss == FP_PASS ? FW_MISS_PASS : FW_MISS_DROP;
	ec->xdp_mode = c->xdp_mode;
	ec->bind_mode = c->bind_mode;
	ec->ncpus = c->ncpus;
	ec->cpus = c->cpus;
	ec->idle_spin_ns = (uint64_t)c->idle_spin_us * 1000;
	ec->busy_poll_budget = c->busy_poll ? c->busy_poll_budget : 0;
}

/* The log level in force: -v wins over `log-level`. */
static void ctl_apply_log_level(const struct ctl_daemon *d)
{
	fw_log_set_level(d->verbose ? FW_LOG_DEBUG : d->cfg.log_level);
}

static void ctl_waiters_add(struct ctl_daemon *d, struct ctl_waiters *w, struct ctl_client_ref c)
{
	if (!c.id)
		return;
	if (w->n == CTL_MAX_CLIENTS)
		return ctl_server_fail(d->server, c, "reload: too many clients waiting");
	w->c[w->n++] = c;
}

/* Every waiter gets the same answer (stolen). */
static void ctl_waiters_answer(struct ctl_daemon *d, struct ctl_waiters *w, json_t *reply)
{
	for (int i = 0; i < w->n; i++) {
		ctl_server_send(d->server, w->c[i], json_deep_copy(reply));
		ctl_server_end(d->server, w->c[i]);
	}
	w->n = 0;
	json_decref(reply);
}

/* Where the next reload builds its big arrays: in the memory of the
 * rules it replaces (reload-memory keep), or in fresh mappings. */
static struct fp_big_pool *ctl_reload_pool(const struct ctl_daemon *d)
{
	return d->cfg.reload_memory == CTL_RELOAD_MEMORY_KEEP ? d->mem : NULL;
}

void ctl_daemon_reload(struct ctl_daemon *d, struct ctl_client_ref c)
{
	int err;

	if (d->reload) {
		d->reload_again = 1;
		ctl_waiters_add(d, &d->waiting_next, c);
		fw_info("reload requested while one is running: another one follows it");
		return;
	}
	err = ctl_loader_start(d->path, ctl_reload_pool(d), &d->reload);
	if (err) {
		fw_err("reload failed: cannot start the loader: %s; keeping the %zu rules in force",
		       strerror(-err), d->cfg.nrules);
		if (c.id)
			ctl_server_fail(d->server, c, "reload: cannot start the loader");
		return;
	}
	d->reload_started_ns = ctl_mono_ns();
	ctl_waiters_add(d, &d->waiting, c);
	ctl_notify_reloading();
}

/* READY=1 with the state in force (start-up and after every reload). */
static void ctl_daemon_ready(const struct ctl_daemon *d)
{
	char status[160];

	snprintf(status, sizeof(status), "forwarding %s <-> %s, %u queues, %zu rules (generation %llu)",
		 d->cfg.port[FP_PORT_OUTSIDE], d->cfg.port[FP_PORT_INSIDE],
		 fp_engine_nqueues(d->engine), d->cfg.nrules,
		 (unsigned long long)fp_engine_rules_generation(d->engine));
	ctl_notify_ready(status);
}

/* New rules are in force: what `status` and the metrics say of them. */
static void ctl_rules_in_force(struct ctl_daemon *d, uint64_t started_ns, int edited)
{
	d->sv.rules.generation = fp_engine_rules_generation(d->engine);
	d->sv.rules.loaded_unix = ctl_unix_now();
	d->sv.rules.load_ms = (double)(ctl_mono_ns() - started_ns) / 1e6;
	d->sv.rules.edited = edited;
	d->sv.rules.kept_bytes = fp_big_pool_spare_bytes(d->mem);
}

/* Return the free memory to the system after the old rules went, unless
 * reload-memory keeps it: a reload of a million rules would otherwise
 * leave the daemon at twice its size for good. */
static void ctl_give_back_memory(struct ctl_daemon *d)
{
	malloc_trim(0);
	if (!ctl_reload_pool(d))
		fp_big_pool_drain(d->mem);
}

static int ctl_reload_apply(struct ctl_daemon *d, struct ctl_loaded *next, char *err,
			    size_t errlen)
{
	const char *changed = ctl_config_restart_key(&d->cfg, &next->cfg);
	char keys[256];

	if (changed) {
		snprintf(err, errlen, "%s changed (a reload may not change %s), which needs a "
			 "restart", changed, ctl_config_restart_keys(keys, sizeof(keys)));
		ctl_loaded_fini(next);
		return -EINVAL;
	}
	if (fp_engine_publish_rules(d->engine, next->rules)) {
		snprintf(err, errlen, "out of memory for the rules' counters");
		ctl_config_fini(&next->cfg);
		return -ENOMEM;
	}
	ctl_lint_job_end(d->lint);
	ctl_config_fini(&d->cfg);
	d->cfg = next->cfg;
	d->lint = ctl_lint_job_start(&d->cfg); /* the rules are in force: warnings can wait */
	ctl_give_back_memory(d);
	ctl_apply_log_level(d);
	ctl_rules_in_force(d, d->reload_started_ns, 0);
	fw_info("reloaded %s: %zu rules in force (generation %llu)", d->path, d->cfg.nrules,
		(unsigned long long)fp_engine_rules_generation(d->engine));
	return 0;
}

static json_t *ctl_reload_result(const struct ctl_daemon *d, int failed, const char *err)
{
	if (failed)
		return json_pack("{s:b,s:s,s:I}", "ok", 0, "error", err, "kept_rules",
				 (json_int_t)d->cfg.nrules);
	return json_pack("{s:b,s:I,s:I,s:f}", "ok", 1, "rules", (json_int_t)d->cfg.nrules,
			 "generation", (json_int_t)d->sv.rules.generation, "load_ms",
			 d->sv.rules.load_ms);
}

typedef int (*ctl_apply_fn)(struct ctl_daemon *d, struct ctl_loaded *next, char *err,
			    size_t errlen);

/* The loader's result, put in force by apply; or why not, in err. */
static int ctl_loader_take(struct ctl_daemon *d, ctl_apply_fn apply, char *err, size_t errlen)
{
	struct ctl_loaded next;
	int r = ctl_loader_finish(d->reload, &next, err, errlen);

	d->reload = NULL;
	return r ? r : apply(d, &next, err, errlen);
}

static void ctl_reload_done(struct ctl_daemon *d)
{
	char err[CTL_ERR_LEN];
	int r = ctl_loader_take(d, ctl_reload_apply, err, sizeof(err));

	if (r) {
		fw_err("reload failed: %s; keeping the %zu rules in force", err, d->cfg.nrules);
		d->sv.rules.reloads_failed++;
		d->sv.rules.kept_bytes = fp_big_pool_spare_bytes(d->mem);
		snprintf(d->sv.rules.last_error, sizeof(d->sv.rules.last_error), "%s", err);
	} else {
		d->sv.rules.reloads_ok++;
	}
	ctl_waiters_answer(d, &d->waiting, ctl_reload_result(d, r, err));
	ctl_daemon_ready(d);
}

void ctl_daemon_edit(struct ctl_daemon *d, struct ctl_client_ref c, struct fp_rule *rules,
		     size_t n, size_t index, json_t *gone)
{
	int err;

	if (d->reload) {
		fp_big_free(rules);
		json_decref(gone);
		return ctl_server_fail(d->server, c, "a reload or another edit is running; try again");
	}
	err = ctl_loader_start_compile(rules, n, &d->cfg.policy, ctl_reload_pool(d), &d->reload);
	if (err) {
		json_decref(gone);
		return ctl_server_fail(d->server, c, "cannot start compiling the rules");
	}
	d->edit = (struct ctl_edit){ .active = 1, .c = c, .index = index, .gone = gone,
				     .started_ns = ctl_mono_ns() };
}

/* The edit's answer: the added or deleted rule and the new generation. */
static json_t *ctl_edit_reply(struct ctl_daemon *d)
{
	json_t *r = d->edit.gone ? d->edit.gone : ctl_reply_rule_ref(&d->sv, d->edit.index - 1);

	d->edit.gone = NULL;
	if (r)
		json_object_set_new(r, "generation", json_integer((json_int_t)d->sv.rules.generation));
	return ctl_reply_ok(r);
}

static int ctl_edit_apply(struct ctl_daemon *d, struct ctl_loaded *next, char *err, size_t errlen)
{
	if (fp_engine_publish_rules(d->engine, next->rules)) {
		snprintf(err, errlen, "out of memory for the rules' counters");
		ctl_config_fini(&next->cfg);
		return -ENOMEM;
	}
	ctl_lint_job_end(d->lint);
	d->lint = NULL;
	fp_big_free(d->cfg.rules);
	d->cfg.rules = next->cfg.rules;
	d->cfg.nrules = d->cfg.rules_cap = next->cfg.nrules;
	next->cfg.rules = NULL;
	ctl_config_fini(&next->cfg);
	ctl_give_back_memory(d);
	ctl_rules_in_force(d, d->edit.started_ns, 1);
	fw_info("rules edited from the control socket: %zu rules in force (generation %llu)",
		d->cfg.nrules, (unsigned long long)d->sv.rules.generation);
	return 0;
}

static void ctl_edit_done(struct ctl_daemon *d)
{
	char err[CTL_ERR_LEN];

	if (ctl_loader_take(d, ctl_edit_apply, err, sizeof(err))) {
		ctl_server_fail(d->server, d->edit.c, err);
	} else {
		ctl_server_send(d->server, d->edit.c, ctl_edit_reply(d));
		ctl_server_end(d->server, d->edit.c);
		ctl_daemon_ready(d);
	}
	json_decref(d->edit.gone);
	d->edit = (struct ctl_edit){ .active = 0 };
}

/* The loader ended: a reload's or an edit's; then a reload queued meanwhile. */
static void ctl_loader_done(struct ctl_daemon *d)
{
	if (d->edit.active)
		ctl_edit_done(d);
	else
		ctl_reload_done(d);
	if (d->reload_again) {
		d->reload_again = 0;
		d->waiting = d->waiting_next;
		d->waiting_next.n = 0;
		ctl_daemon_reload(d, (struct ctl_client_ref){ 0, 0 });
	}
}

static void ctl_handle_signal(struct ctl_daemon *d, int sig_fd)
{
	struct signalfd_siginfo si;

	if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	switch (si.ssi_signo) {
	case SIGHUP:
		ctl_daemon_reload(d, (struct ctl_client_ref){ 0, 0 });
		break;
	case SIGUSR1:
		ctl_report_stats(d->engine, stdout);
		break;
	default:
		fw_info("signal %u: stopping", si.ssi_signo);
		d->running = 0;
		break;
	}
}

static void ctl_port_changed(struct ctl_daemon *d, unsigned change)
{
	if (change & CTL_PORT_GONE) {
		d->running = 0;
		d->status = 1;
	} else if (change & CTL_PORT_CHANGED) {
		fp_engine_sync_queues(d->engine);
	}
}

static void ctl_on_link(const struct ctl_link_event *ev, void *arg)
{
	struct ctl_daemon *d = arg;

	if (d->running)
		ctl_port_changed(d, ctl_ports_apply(&d->ports, ev));
}

static void ctl_handle_links(struct ctl_daemon *d)
{
	int err = ctl_netwatch_read(d->links, ctl_on_link, d);

	if (err == -ENOBUFS) {
		fw_warn("link notifications were lost; reading both ports again");
		ctl_port_changed(d, ctl_ports_refresh(&d->ports));
	} else if (err) {
		fw_warn("reading link notifications: %s", strerror(-err));
	}
}

/* Once a second: the sample the rates of `xskwallctl stats` come from. */
static void ctl_take_sample(struct ctl_daemon *d)
{
	uint64_t now = ctl_mono_ns();
	struct ctl_sample *older = d->sv.prev;

	if (now < d->next_sample_ns)
		return;
	d->sv.prev = d->sv.cur;
	d->sv.cur = older;
	ctl_sample_take(d->engine, d->sv.cur);
	d->next_sample_ns = now + CTL_SAMPLE_PERIOD_NS;
}

static int ctl_min_timeout(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int ctl_loop_timeout_ms(const struct ctl_daemon *d)
{
	uint64_t now = ctl_mono_ns();
	int t = ctl_notify_timeout_ms(&d->notify);

	t = ctl_min_timeout(t, d->next_sample_ns > now ?
			       (int)((d->next_sample_ns - now) / 1000000 + 1) : 0);
	t = ctl_min_timeout(t, ctl_server_timeout_ms(d->server));
	t = ctl_min_timeout(t, ctl_capture_timeout_ms(&d->capture));
	return d->metrics ? ctl_min_timeout(t, ctl_metrics_timeout_ms(d->metrics)) : t;
}

static int ctl_loop_fds(const struct ctl_daemon *d, int sig_fd, struct pollfd *pfd)
{
	pfd[CTL_POLL_SIGNAL] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	pfd[CTL_POLL_LINK] = (struct pollfd){ .fd = ctl_netwatch_fd(d->links), .events = POLLIN };
	pfd[CTL_POLL_LOADER] = (struct pollfd){
		.fd = d->reload ? ctl_loader_fd(d->reload) : -1, .events = POLLIN };
	pfd[CTL_POLL_METRICS] = (struct pollfd){
		.fd = d->metrics ? ctl_metrics_fd(d->metrics) : -1, .events = POLLIN };
	return CTL_POLL_SERVER + ctl_server_pollfds(d->server, pfd + CTL_POLL_SERVER);
}

static void ctl_loop_serve(struct ctl_daemon *d, int sig_fd, const struct pollfd *pfd, int n)
{
	ctl_notify_watchdog(&d->notify);
	ctl_take_sample(d);
	if (pfd[CTL_POLL_SIGNAL].revents)
		ctl_handle_signal(d, sig_fd);
	if (d->running && pfd[CTL_POLL_LINK].revents)
		ctl_handle_links(d);
	if (d->running && d->reload && pfd[CTL_POLL_LOADER].revents)
		ctl_loader_done(d);
	if (d->running && d->metrics)
		ctl_metrics_serve(d->metrics);
	if (d->running)
		ctl_server_process(d->server, pfd + CTL_POLL_SERVER, n - CTL_POLL_SERVER);
	if (d->running)
		ctl_capture_pump(&d->capture, &d->sv, d->server);
}

static void ctl_event_loop(struct ctl_daemon *d, int sig_fd)
{
	struct pollfd pfd[CTL_POLL_N];

	while (d->running) {
		int n = ctl_loop_fds(d, sig_fd, pfd);

		if (poll(pfd, (nfds_t)n, ctl_loop_timeout_ms(d)) < 0) {
			if (errno == EINTR)
				continue;
			fw_err("poll: %s; stopping", strerror(errno));
			d->status = 1;
			return;
		}
		ctl_loop_serve(d, sig_fd, pfd, n);
	}
}

/* UMEM registration is charged to RLIMIT_MEMLOCK unless the process holds
 * CAP_IPC_LOCK (BPF maps are charged to the memory cgroup on the kernels
 * libxdp supports): raise the limit, and say something only when it
 * cannot be raised and the UMEM will be charged to it. */
static void ctl_raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	int err;

	if (!setrlimit(RLIMIT_MEMLOCK, &r))
		return;
	err = errno;
	capng_get_caps_process();
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_IPC_LOCK))
		return;
	getrlimit(RLIMIT_MEMLOCK, &r);
	fw_warn("RLIMIT_MEMLOCK is %llu KiB and cannot be raised (%s), and CAP_IPC_LOCK is "
		"missing: every queue's UMEM is charged to that limit, and binding fails "
		"beyond it", (unsigned long long)r.rlim_cur / 1024, strerror(err));
}

/* The control socket, and the metrics server when metrics-listen asks. */
static int ctl_daemon_open_control(struct ctl_daemon *d)
{
	int err = ctl_server_open(d->cfg.control_socket, d->cfg.control_group,
				  ctl_commands_on_request, d, &d->server);

	if (!err)
		fw_info("control socket %s (mode %s)", d->cfg.control_socket,
			d->cfg.control_group[0] ? "0660, group control-group" : "0600, root only");
	if (!err && d->cfg.metrics_listen[0])
		err = ctl_metrics_open(d->cfg.metrics_listen, d->cfg.metrics_rules,
				       ctl_commands_metrics_view, d, &d->metrics);
	return err;
}

/* Engine, link watch, port state, control socket and metrics, in that
 * order. */
static int ctl_daemon_start(struct ctl_daemon *d, struct fp_ruleset *rs)
{
	struct fp_engine_cfg ec;
	int err;

	ctl_raise_memlock();
	ctl_engine_cfg(&d->cfg, &ec);
	err = fp_engine_create(&ec, rs, &d->engine);
	if (!err) {
		err = ctl_netwatch_open(&d->links);
		if (err)
			fw_err("cannot watch the ports' links (rtnetlink): %s", strerror(-err));
	}
	if (!err)
		err = ctl_ports_init(&d->ports, ec.ifname, fp_engine_max_frame(d->engine));
	if (!err)
		err = fp_engine_start(d->engine);
	if (!err)
		err = ctl_daemon_open_control(d);
	return err;
}

/* Keep the control thread, and the loader threads it starts (they inherit
 * its CPUs), off the CPUs that run workers when there are others: a
 * reload's compile sharing a worker's CPU made the worker wait for it and
 * its RX ring overflow (bench/run/loading.sh at 100 000 frames/s). With a
 * worker on every CPU, or an unpinned one, nothing changes. */
static void ctl_pin_off_workers(const struct fp_engine *e)
{
	cpu_set_t set;
	int cpu;

	if (pthread_getaffinity_np(pthread_self(), sizeof(set), &set))
		return;
	for (uint32_t i = 0; i < fp_engine_nqueues(e); i++) {
		cpu = fp_engine_worker_cpu(e, i);
		if (cpu < 0)
			return;
		CPU_CLR(cpu, &set);
	}
	if (!CPU_COUNT(&set))
		return;
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		fw_dbg("cannot keep the control thread off the workers' CPUs");
}

static void ctl_service_init(struct ctl_daemon *d, uint64_t load_started)
{
	d->sv.config_path = d->path;
	d->sv.cfg = &d->cfg;
	d->sv.engine = d->engine;
	d->sv.started_ns = ctl_mono_ns();
	d->sv.prev = &d->samples[0];
	d->sv.cur = &d->samples[1];
	ctl_rules_in_force(d, load_started, 0);
}

/* Everything that must end before the engine stops: answers first. */
static void ctl_daemon_wind_down(struct ctl_daemon *d)
{
	ctl_capture_end(&d->capture, &d->sv, d->server);
	ctl_waiters_answer(d, &d->waiting, json_pack("{s:b,s:s}", "ok", 0, "error",
						     "reload: the daemon is stopping"));
	ctl_waiters_answer(d, &d->waiting_next, json_pack("{s:b,s:s}", "ok", 0, "error",
							  "reload: the daemon is stopping"));
	if (d->edit.active)
		ctl_server_fail(d->server, d->edit.c, "the daemon is stopping");
	json_decref(d->edit.gone);
	d->edit = (struct ctl_edit){ .active = 0 };
	ctl_loader_abandon(d->reload);
	d->reload = NULL;
	ctl_metrics_close(d->metrics);
	d->metrics = NULL;
	ctl_server_close(d->server); /* flushes nothing more: replies were queued */
	d->server = NULL;
}

/* Blocks of FP_BIG_MIN and up are mapped on their own and unmapped when
 * freed. Left to itself, glibc raises that threshold to the largest block
 * freed so far (the 30 MiB file buffer), and from then on keeps every
 * freed array of a reload in its heap. */
static void ctl_malloc_policy(void)
{
	if (!mallopt(M_MMAP_THRESHOLD, (int)FP_BIG_MIN))
		fw_dbg("mallopt(M_MMAP_THRESHOLD) refused; freed memory may stay with the heap");
}

int ctl_daemon_run(const struct ctl_args *a, int sig_fd)
{
	struct ctl_daemon d = { .path = a->config, .verbose = a->verbose, .running = 1 };
	uint64_t load_started = ctl_mono_ns(), load_ns;
	struct ctl_loaded l;
	char err[CTL_ERR_LEN];
	uint32_t leaked;

	ctl_malloc_policy();
	d.mem = fp_big_pool_create(); /* NULL: every reload maps fresh memory */
	if (ctl_load(d.path, d.mem, &l, err, sizeof(err))) {
		fw_err("%s", err);
		fp_big_pool_unref(d.mem);
		return 1;
	}
	fp_big_pool_drain(d.mem); /* the compiler's scratch: no reload is near */
	load_ns = ctl_mono_ns() - load_started;
	d.cfg = l.cfg;
	ctl_apply_log_level(&d);
	if (!ctl_daemon_start(&d, l.rules) && !ctl_privs_drop()) {
		ctl_pin_off_workers(d.engine);
		d.lint = ctl_lint_job_start(&d.cfg); /* forwarding first: warnings can wait */
		ctl_service_init(&d, ctl_mono_ns() - load_ns);
		fw_info("running: %s (outside) <-> %s (inside), %u queues, %zu rules; "
			"SIGHUP reloads, SIGUSR1 prints counters", d.cfg.port[FP_PORT_OUTSIDE],
			d.cfg.port[FP_PORT_INSIDE], fp_engine_nqueues(d.engine), d.cfg.nrules);
		ctl_notify_init(&d.notify);
		ctl_daemon_ready(&d);
		ctl_event_loop(&d, sig_fd);
		ctl_notify_stopping();
		ctl_daemon_wind_down(&d);
		fp_engine_stop(d.engine); /* the exit table counts every frame */
		ctl_report_stats(d.engine, stdout);
	} else {
		d.status = 1;
	}
	ctl_metrics_close(d.metrics);
	ctl_server_close(d.server);
	ctl_netwatch_close(d.links);
	leaked = fp_engine_destroy(d.engine);
	if (leaked)
		fw_err("%u UMEM frames were not accounted for at exit", leaked);
	ctl_lint_job_end(d.lint);
	ctl_config_fini(&d.cfg);
	fp_big_pool_unref(d.mem);
	return d.status || leaked ? 1 : 0;
}
