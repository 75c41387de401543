/* control/daemon.c - start-up, the signal loop, reload, shutdown.
 *
 * A reload parses the whole file into a fresh config and compiles a fresh
 * snapshot; only when both succeed is the snapshot published (RCU) and the
 * config swapped. Anything else leaves the running rules untouched. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <cap-ng.h>
#include "fw/log.h"
#include "config.h"
#include "daemon.h"
#include "engine.h"
#include "report.h"

struct ctl_daemon {
	const char *path;
	struct fw_config cfg; /* the configuration in force */
	struct fp_engine *engine;
};

static int ctl_load(const char *path, struct fw_config *cfg, struct fp_ruleset **rs)
{
	char err[CTL_ERR_LEN];
	int r;

	r = ctl_config_load(path, cfg, err, sizeof(err));
	if (!r)
		r = ctl_config_validate_ports(cfg, err, sizeof(err));
	if (!r && rs) {
		r = fp_ruleset_create(cfg->rules, cfg->nrules, &cfg->policy, rs);
		if (r)
			snprintf(err, sizeof(err), "%s: cannot compile the rules: %s", path,
				 strerror(-r));
	}
	if (r) {
		fw_err("%s", err);
		ctl_config_fini(cfg);
	}
	return r;
}

int ctl_check(const char *path)
{
	struct fp_ruleset *rs = NULL;
	struct fw_config cfg;

	if (ctl_load(path, &cfg, &rs))
		return 1;
	printf("%s: ok, %zu rules\n", path, cfg.nrules);
	fp_ruleset_destroy(rs);
	ctl_config_fini(&cfg);
	return 0;
}

static void ctl_engine_cfg(const struct fw_config *c, struct fp_engine_cfg *ec)
{
	static const int xdp_modes[] = { FP_XDP_AUTO, FP_XDP_NATIVE, FP_XDP_GENERIC };
	static const int bind_modes[] = { FP_BIND_AUTO, FP_BIND_ZEROCOPY, FP_BIND_COPY };

	memset(ec, 0, sizeof(*ec));
	for (int p = 0; p < FP_NPORTS; p++)
		snprintf(ec->ifname[p], sizeof(ec->ifname[p]), "%s", c->port[p]);
	ec->queue_mask = c->queues_all ? 0 : c->queue_mask;
	ec->miss_action = c->on_miss == FP_PASS ? FW_MISS_PASS : FW_MISS_DROP;
	ec->xdp_mode = xdp_modes[c->xdp_mode];
	ec->bind_mode = bind_modes[c->bind_mode];
	ec->ncpus = c->ncpus;
	ec->cpus = c->cpus;
	ec->idle_spin_ns = (uint64_t)c->idle_spin_us * 1000;
	ec->busy_poll_budget = c->busy_poll ? c->busy_poll_budget : 0;
}

static void ctl_reload(struct ctl_daemon *d)
{
	size_t active = fp_ruleset_count(fp_engine_rules(d->engine));
	struct fp_ruleset *rs;
	struct fw_config next;

	if (ctl_load(d->path, &next, &rs)) {
		fw_err("reload failed; keeping the %zu rules in force", active);
		return;
	}
	if (!ctl_config_same_ports(&d->cfg, &next)) {
		fw_err("reload failed: ports, queues, on-miss, xdp-mode, bind-mode, cpus, "
		       "idle-spin-us or busy-poll changed, which needs a restart; "
		       "keeping the %zu rules in force", active);
		fp_ruleset_destroy(rs);
		ctl_config_fini(&next);
		return;
	}
	fp_engine_publish_rules(d->engine, rs);
	ctl_config_fini(&d->cfg);
	d->cfg = next;
	fw_info("reloaded %s: %zu rules in force (generation %llu)", d->path, d->cfg.nrules,
		(unsigned long long)d->engine->rules_generation);
}

/* Returns 1 to keep running, 0 to stop. */
static int ctl_handle_signal(struct ctl_daemon *d, int sig_fd)
{
	struct signalfd_siginfo si;

	if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
		return errno == EINTR || errno == EAGAIN;
	switch (si.ssi_signo) {
	case SIGHUP:
		ctl_reload(d);
		return 1;
	case SIGUSR1:
		ctl_report_stats(d->engine, stdout);
		return 1;
	default:
		fw_info("signal %u: stopping", si.ssi_signo);
		return 0;
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

int ctl_daemon_run(const struct ctl_args *a, int sig_fd)
{
	struct ctl_daemon d = { .path = a->config };
	struct fp_engine_cfg ec;
	struct fp_ruleset *rs;
	uint32_t leaked;
	int err;

	if (ctl_load(d.path, &d.cfg, &rs))
		return 1;
	ctl_raise_memlock();
	ctl_engine_cfg(&d.cfg, &ec);
	err = fp_engine_create(&ec, rs, &d.engine);
	if (!err)
		err = fp_engine_start(d.engine);
	if (!err) {
		fw_info("running: %s (outside) <-> %s (inside), %u queues, %zu rules; "
			"SIGHUP reloads, SIGUSR1 prints counters", d.cfg.port[FP_PORT_OUTSIDE],
			d.cfg.port[FP_PORT_INSIDE], d.engine->nqueues, d.cfg.nrules);
		while (ctl_handle_signal(&d, sig_fd))
			;
		fp_engine_stop(d.engine); /* the exit table counts every frame */
		ctl_report_stats(d.engine, stdout);
	}
	leaked = fp_engine_destroy(d.engine);
	if (leaked)
		fw_err("%u UMEM frames were not accounted for at exit", leaked);
	ctl_config_fini(&d.cfg);
	return err || leaked ? 1 : 0;
}
