/* control/daemon.c - start-up, the event loop, reload, shutdown.
 *
 * One control thread waits in poll() on three sources: signals (a
 * signalfd), the ports' link notifications (netwatch.h) and, while a
 * reload runs, its loader thread (loader.h); it wakes in time for the
 * service manager's watchdog, when one asks for pings (notify.h). So a reload, however long it
 * takes, never delays SIGTERM or SIGUSR1. A reload parses the whole file
 * into a fresh config and compiles a fresh snapshot; only when both
 * succeed is the snapshot published (RCU) and the config swapped.
 * Anything else leaves the running rules untouched. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <cap-ng.h>
#include "fw/log.h"
#include "daemon.h"
#include "engine.h"
#include "loader.h"
#include "netwatch.h"
#include "notify.h"
#include "ports.h"
#include "privs.h"
#include "report.h"

enum ctl_poll_slot { CTL_POLL_SIGNAL, CTL_POLL_LINK, CTL_POLL_LOADER, CTL_POLL_N };

struct ctl_daemon {
	const char *path;
	struct fw_config cfg; /* the configuration in force */
	struct fp_engine *engine;
	struct ctl_netwatch *links;
	struct ctl_ports ports;
	struct ctl_notify notify;  /* the service manager, if one listens */
	struct ctl_loader *reload; /* the reload in progress, if any */
	int reload_again;          /* SIGHUP during a reload: one more after it */
	int running;
	int status;                /* the exit status once stopped */
};

int ctl_check(const char *path)
{
	struct ctl_loaded l;
	char err[CTL_ERR_LEN];

	if (ctl_load(path, &l, err, sizeof(err))) {
		fw_err("%s", err);
		return 1;
	}
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

static void ctl_reload_start(struct ctl_daemon *d)
{
	int err;

	if (d->reload) {
		d->reload_again = 1;
		fw_info("reload requested while one is running: another one follows it");
		return;
	}
	err = ctl_loader_start(d->path, &d->reload);
	if (err)
		fw_err("reload failed: cannot start the loader: %s; keeping the %zu rules in force",
		       strerror(-err), d->cfg.nrules);
	else
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

static void ctl_reload_apply(struct ctl_daemon *d, struct ctl_loaded *next)
{
	const char *changed = ctl_config_restart_key(&d->cfg, &next->cfg);
	char keys[256];

	if (changed) {
		fw_err("reload failed: %s changed (a reload may not change %s), which needs a "
		       "restart; keeping the %zu rules in force", changed,
		       ctl_config_restart_keys(keys, sizeof(keys)), d->cfg.nrules);
		ctl_loaded_fini(next);
		return;
	}
	if (fp_engine_publish_rules(d->engine, next->rules)) {
		fw_err("reload failed: out of memory for the rules' counters; keeping the %zu "
		       "rules in force", d->cfg.nrules);
		ctl_config_fini(&next->cfg);
		return;
	}
	ctl_config_fini(&d->cfg);
	d->cfg = next->cfg;
	fw_info("reloaded %s: %zu rules in force (generation %llu)", d->path, d->cfg.nrules,
		(unsigned long long)fp_engine_rules_generation(d->engine));
}

static void ctl_reload_done(struct ctl_daemon *d)
{
	struct ctl_loaded next;
	char err[CTL_ERR_LEN];
	int r;

	r = ctl_loader_finish(d->reload, &next, err, sizeof(err));
	d->reload = NULL;
	if (r) {
		fw_err("%s", err);
		fw_err("reload failed; keeping the %zu rules in force", d->cfg.nrules);
	} else {
		ctl_reload_apply(d, &next);
	}
	ctl_daemon_ready(d);
	if (d->reload_again) {
		d->reload_again = 0;
		ctl_reload_start(d);
	}
}

static void ctl_handle_signal(struct ctl_daemon *d, int sig_fd)
{
	struct signalfd_siginfo si;

	if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	switch (si.ssi_signo) {
	case SIGHUP:
		ctl_reload_start(d);
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

static void ctl_event_loop(struct ctl_daemon *d, int sig_fd)
{
	struct pollfd pfd[CTL_POLL_N];

	pfd[CTL_POLL_SIGNAL] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	pfd[CTL_POLL_LINK] = (struct pollfd){ .fd = ctl_netwatch_fd(d->links), .events = POLLIN };
	while (d->running) {
		pfd[CTL_POLL_LOADER] = (struct pollfd){
			.fd = d->reload ? ctl_loader_fd(d->reload) : -1, .events = POLLIN };
		if (poll(pfd, CTL_POLL_N, ctl_notify_timeout_ms(&d->notify)) < 0) {
			if (errno == EINTR)
				continue;
			fw_err("poll: %s; stopping", strerror(errno));
			d->status = 1;
			return;
		}
		ctl_notify_watchdog(&d->notify);
		if (pfd[CTL_POLL_SIGNAL].revents)
			ctl_handle_signal(d, sig_fd);
		if (d->running && pfd[CTL_POLL_LINK].revents)
			ctl_handle_links(d);
		if (d->running && d->reload && pfd[CTL_POLL_LOADER].revents)
			ctl_reload_done(d);
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

/* Engine, link watch and port state, in that order. */
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
	return err;
}

int ctl_daemon_run(const struct ctl_args *a, int sig_fd)
{
	struct ctl_daemon d = { .path = a->config, .running = 1 };
	struct ctl_loaded l;
	char err[CTL_ERR_LEN];
	uint32_t leaked;

	if (ctl_load(d.path, &l, err, sizeof(err))) {
		fw_err("%s", err);
		return 1;
	}
	d.cfg = l.cfg;
	if (!ctl_daemon_start(&d, l.rules) && !ctl_privs_drop()) {
		fw_info("running: %s (outside) <-> %s (inside), %u queues, %zu rules; "
			"SIGHUP reloads, SIGUSR1 prints counters", d.cfg.port[FP_PORT_OUTSIDE],
			d.cfg.port[FP_PORT_INSIDE], fp_engine_nqueues(d.engine), d.cfg.nrules);
		ctl_notify_init(&d.notify);
		ctl_daemon_ready(&d);
		ctl_event_loop(&d, sig_fd);
		ctl_notify_stopping();
		ctl_loader_abandon(d.reload);
		fp_engine_stop(d.engine); /* the exit table counts every frame */
		ctl_report_stats(d.engine, stdout);
	} else {
		d.status = 1;
	}
	ctl_netwatch_close(d.links);
	leaked = fp_engine_destroy(d.engine);
	if (leaked)
		fw_err("%u UMEM frames were not accounted for at exit", leaked);
	ctl_config_fini(&d.cfg);
	return d.status || leaked ? 1 : 0;
}
