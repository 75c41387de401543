/* control/privs.c - drop every capability the running daemon does not
 * need, once start-up is over (ctl_daemon_run calls ctl_privs_drop).
 *
 * Start-up needs more: CAP_BPF and CAP_NET_ADMIN to load and attach the
 * programs, CAP_SYS_ADMIN to read a stale program's name by its id
 * (bpf_prog_get_fd_by_id) and CAP_NET_ADMIN to remove it (netlink),
 * CAP_NET_RAW for the AF_XDP sockets, CAP_IPC_LOCK to pin the UMEMs
 * beyond RLIMIT_MEMLOCK. Afterwards one runtime task needs any: a port's
 * channel count grows, and fp_engine_sync_queues serves the new queues as
 * start-up did (the table below; CAP_IPC_LOCK only while RLIMIT_MEMLOCK
 * is limited). Reloads (parse, compile, RCU publish),
 * link events (rtnetlink, /sys), counters (map and socket fds already
 * held) and shutdown (closing fds, which detaches the links) need none.
 * A restart is a new process: it gets its privileges from whoever starts
 * it, not from this one.
 *
 * Capabilities belong to threads: capset() changes only the calling one,
 * and the workers already run. The main thread applies the sets with
 * libcap-ng; every other thread then applies the same sets to itself in
 * the handler of a real-time signal that carries them (as libcap's psx
 * does), and the main thread waits for every answer. Threads created
 * later inherit the main thread's sets. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <cap-ng.h>
#include "fw/log.h"
#include "privs.h"

#define CTL_PRIVS_WAIT_MS 2000 /* for every thread to answer */

/* A capability the running daemon keeps, and when: needed() says
 * whether this process needs it (NULL: always). */
struct ctl_priv {
	unsigned int cap;
	const char *name;
	const char *why;
	int (*needed)(void);
	const char *why_not; /* logged when needed() says no */
};

#define CTL_PRIV(cap, why, ...) { cap, #cap, why, __VA_ARGS__ }

/* A UMEM registered without CAP_IPC_LOCK is charged to RLIMIT_MEMLOCK:
 * harmless once start-up has raised the limit to unlimited. */
static int ctl_memlock_limited(void)
{
	struct rlimit r;

	return getrlimit(RLIMIT_MEMLOCK, &r) || r.rlim_cur != RLIM_INFINITY;
}

/* What growing queues at runtime needs (fp_engine_add_queue,
 * fp_bpfprog_refresh), found by reading the code and confirmed by the
 * netns tests with each one removed in turn. */
static const struct ctl_priv ctl_runtime_privs[] = {
	CTL_PRIV(CAP_NET_RAW, "AF_XDP sockets for queues added while running", NULL, NULL),
	CTL_PRIV(CAP_IPC_LOCK, "their UMEMs are pinned beyond the locked-memory limit (ulimit -l)",
		 ctl_memlock_limited, "the locked-memory limit (ulimit -l) is unlimited"),
	CTL_PRIV(CAP_BPF, "loading the program's twin when a port's queues grow "
			  "(its BTF, its .rodata map and the program)", NULL, NULL),
	CTL_PRIV(CAP_NET_ADMIN, "the twin is an XDP program (a network-admin type); "
				"busy-poll socket options on the new sockets", NULL, NULL),
};

#define CTL_NPRIVS (sizeof(ctl_runtime_privs) / sizeof(ctl_runtime_privs[0]))

/* The sets every other thread applies to itself: the main thread's, as
 * the kernel reports them once applied. */
struct ctl_privs_order {
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t bounding_keep; /* bit c: keep capability c in the bounding set */
	int drop_bounding;      /* 0: CAP_SETPCAP missing, the bounding set stays */
	int last_cap;
	atomic_int applied, refused;
};

/* The runtime capabilities this process needs and holds, as a mask; says
 * which it does not need here and which it was started without. */
static uint64_t ctl_privs_keep(void)
{
	uint64_t keep = 0;

	capng_get_caps_process();
	for (size_t i = 0; i < CTL_NPRIVS; i++) {
		const struct ctl_priv *p = &ctl_runtime_privs[i];

		if (p->needed && !p->needed())
			fw_info("privileges: dropping %s as well: %s", p->name, p->why_not);
		else if (capng_have_capability(CAPNG_PERMITTED, p->cap))
			keep |= 1ull << p->cap;
		else
			fw_warn("privileges: %s was not granted, so this will fail: %s", p->name,
				p->why);
	}
	return keep;
}

static int ctl_privs_last_cap(void)
{
	int c = 0;

	while (c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
		c++;
	return c;
}

static const char *ctl_capng_error(int rc)
{
	switch (rc) {
	case -2: return "PR_CAPBSET_DROP failed";
	case -3: return "the bounding set could not be read back";
	case -4: return "CAP_SETPCAP is missing";
	case -5: return "capset failed";
	case -6: return "the ambient set could not be cleared";
	default: return "libcap-ng is not initialised";
	}
}

/* This (the main) thread: libcap-ng, then the sets as the kernel has them. */
static int ctl_privs_apply_self(struct ctl_privs_order *o)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	int rc;

	capng_clear(CAPNG_SELECT_ALL);
	for (size_t i = 0; i < CTL_NPRIVS; i++)
		if (o->bounding_keep >> ctl_runtime_privs[i].cap & 1)
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
				     ctl_runtime_privs[i].cap);
	rc = capng_apply(o->drop_bounding ? CAPNG_SELECT_ALL
					  : CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	if (rc) {
		fw_err("privileges: cannot drop capabilities: %s", ctl_capng_error(rc));
		return -EPERM;
	}
	if (syscall(SYS_capget, &hdr, o->data)) {
		rc = -errno;
		fw_err("privileges: cannot read the new sets back: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

/* Another thread, in the signal handler: prctl and capset only
 * (async-signal-safe). Ignores signals that did not come from this process. */
static void ctl_privs_on_signal(int sig, siginfo_t *si, void *ucontext)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct ctl_privs_order *o = si->si_value.sival_ptr;
	int saved_errno = errno, bad = 0;

	(void)sig;
	(void)ucontext;
	if (si->si_code != SI_QUEUE || si->si_pid != getpid() || !o)
		return;
	for (int c = 0; o->drop_bounding && c <= o->last_cap; c++)
		if (!(o->bounding_keep >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			bad = 1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		bad = 1;
	if (syscall(SYS_capset, &hdr, o->data))
		bad = 1;
	atomic_fetch_add(bad ? &o->refused : &o->applied, 1);
	errno = saved_errno;
}

static int ctl_privs_signal_thread(pid_t tid, int sig, struct ctl_privs_order *o)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = o;
	if (syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si))
		return -errno;
	return 0;
}

/* Signal every thread but this one; *sent counts those that will answer
 * (a thread that ended meanwhile will not). */
static int ctl_privs_signal_others(int sig, struct ctl_privs_order *o, int *sent)
{
	DIR *dir = opendir("/proc/self/task");
	pid_t self = gettid();
	struct dirent *de;
	int err = 0;

	*sent = 0;
	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);

		if (tid <= 0 || tid == self)
			continue;
		err = ctl_privs_signal_thread(tid, sig, o);
		if (!err)
			(*sent)++;
		else if (err == -ESRCH)
			err = 0;
	}
	closedir(dir);
	return err;
}

static int ctl_privs_wait(struct ctl_privs_order *o, int sent)
{
	struct timespec ms = { 0, 1000 * 1000 };

	for (int t = 0; t < CTL_PRIVS_WAIT_MS; t++) {
		if (atomic_load(&o->applied) + atomic_load(&o->refused) >= sent)
			return atomic_load(&o->refused) ? -EPERM : 0;
		nanosleep(&ms, NULL);
	}
	return -ETIMEDOUT;
}

/* -ETIMEDOUT: a thread has not answered and may still read *o, so the
 * handler stays and the caller must not free o. */
static int ctl_privs_drop_others(struct ctl_privs_order *o, int *nthreads)
{
	struct sigaction sa = { .sa_sigaction = ctl_privs_on_signal,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigaction old;
	int sig = SIGRTMIN, sent, err, waited;

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old))
		return -errno;
	err = ctl_privs_signal_others(sig, o, &sent);
	waited = ctl_privs_wait(o, sent);
	if (waited == -ETIMEDOUT) {
		fw_err("privileges: %d of %d threads did not drop their capabilities within %d ms",
		       sent - atomic_load(&o->applied) - atomic_load(&o->refused), sent,
		       CTL_PRIVS_WAIT_MS);
		return waited;
	}
	sigaction(sig, &old, NULL);
	if (err)
		fw_err("privileges: cannot reach every thread: %s", strerror(-err));
	else if (waited)
		fw_err("privileges: %d of %d threads could not drop their capabilities",
		       atomic_load(&o->refused), sent);
	*nthreads = sent + 1;
	return err ? err : waited;
}

static void ctl_privs_report(const struct ctl_privs_order *o, int nthreads)
{
	for (size_t i = 0; i < CTL_NPRIVS; i++)
		if (o->bounding_keep >> ctl_runtime_privs[i].cap & 1)
			fw_info("privileges: kept %s: %s", ctl_runtime_privs[i].name,
				ctl_runtime_privs[i].why);
	fw_info("privileges: every other capability dropped from the effective, permitted, "
		"inheritable and ambient sets%s of all %d threads",
		o->drop_bounding ? " and the bounding set" : "", nthreads);
	if (!o->drop_bounding)
		fw_warn("privileges: CAP_SETPCAP was not granted: the bounding set stays as the "
			"service manager set it");
}

int ctl_privs_drop(void)
{
	struct ctl_privs_order *o = calloc(1, sizeof(*o));
	int nthreads = 1, err;

	if (!o) {
		fw_err("privileges: cannot drop capabilities: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	o->bounding_keep = ctl_privs_keep();
	o->drop_bounding = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	o->last_cap = ctl_privs_last_cap();
	err = ctl_privs_apply_self(o);
	if (!err)
		err = ctl_privs_drop_others(o, &nthreads);
	if (err == -ETIMEDOUT)
		return err; /* o stays: a late handler may still read it */
	if (!err)
		ctl_privs_report(o, nthreads);
	free(o);
	return err;
}
