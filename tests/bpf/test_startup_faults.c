/* tests/bpf/test_startup_faults.c - every start-up resource step fails in
 * turn, and nothing is left behind.
 *
 * The library calls behind each step are wrapped at link time, for this
 * executable only (-Wl,--wrap=SYMBOL, tests/bpf/CMakeLists.txt), so the
 * product code carries no test hooks. A clean start counts the calls of
 * each step; then, for every step and every k below that count, the k-th
 * call fails (with the error that call returns; the socket bind for real,
 * on a queue the device lacks) and, after fp_engine_destroy(), the test
 * checks:
 *  - fp_engine_create (fp_engine_start for thread start and attach)
 *    returned the failed call's error, and a failed create handed back no
 *    engine;
 *  - no XDP program on either veth (bpf_xdp_query);
 *  - no xskwall_redirect program loaded during the case is still loaded,
 *    unless another process holds it (its fd or link in /proc/PID/fdinfo);
 *  - no AF_XDP socket (SO_DOMAIN of every open fd), no socket ring mapping
 *    (/proc/self/maps: a mapped ring keeps its socket alive without an fd),
 *    no fd beyond the ones open before the case (maps, programs, links);
 *  - no thread beyond the ones before the case (/proc/self/task).
 * The engine uses two queues, so every per-queue step also fails at
 * queue 1 after queue 0 succeeded; per-port steps fail at the inside port
 * after the outside one succeeded (an attached program must come off).
 * A bind that meets EBUSY once must be retried and the start succeed.
 * The clean start must succeed, and the same checks must see the programs,
 * sockets, mappings and threads while it runs.
 *
 * The test enters a private network and mount namespace (the veth pair
 * dies with the process; /sys is remounted so /sys/class/net shows it).
 * Exit 0 passed, 1 failed, 77 skipped (not root, no namespaces, no veth,
 * no AF_XDP, no native XDP on veth), the reason printed.
 *
 * Long on purpose: the namespace set-up, one wrapper per wrapped call and
 * the leak checks belong to this one test; each function stays short.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include "fw/abi.h"
#include "fw/log.h"
#include "engine.h"
#include "xskwall_redirect.skel.h"
#include "check.h"

#define NQUEUES 2
#define RING_SIZE 256     /* small UMEMs: 2048 frames per queue */
#define SETTLE_MS 2000    /* kernel releases that may lag a close */
#define BUSY_RETRIES 5
#define MAX_FDS 1024
#define MAX_IDS 8192
#define BAD_QUEUE 4000    /* no such queue: a real bind fails */

/* ---- injection --------------------------------------------------------- */

enum step {
	ST_OPEN, ST_LOAD, ST_INSERT, ST_UMEM, ST_BIND, ST_BIND_BUSY, ST_THREAD, ST_ATTACH, ST_N
};

static const struct step_def {
	const char *name;
	const char *call; /* the wrapped library call */
	enum step slot;   /* whose call counter: the step that owns the call */
	int err;          /* what the failed call returns (-errno); see ST_BIND */
	int in_start;     /* fails fp_engine_start, not fp_engine_create */
	int retried;      /* the engine retries the call: start must succeed */
} steps[ST_N] = {
	[ST_OPEN] = { "program open", "bpf_object__open_skeleton", ST_OPEN, -ENOMEM, 0, 0 },
	[ST_LOAD] = { "program load", "bpf_object__load_skeleton", ST_LOAD, -EPERM, 0, 0 },
	[ST_INSERT] = { "XSKMAP insert", "bpf_map_update_elem", ST_INSERT, -EOPNOTSUPP, 0, 0 },
	[ST_UMEM] = { "UMEM registration", "xsk_umem__create", ST_UMEM, -ENOBUFS, 0, 0 },
	/* a real call, on a queue the device lacks: the kernel refuses the
	 * bind after libxdp has set up and mapped the rings */
	[ST_BIND] = { "socket bind", "xsk_socket__create_shared", ST_BIND, -EINVAL, 0, 0 },
	/* the queue still held by a socket closed moments ago: qpair.c
	 * rebuilds the pair and binds again */
	[ST_BIND_BUSY] = { "socket bind (EBUSY once)", "xsk_socket__create_shared", ST_BIND,
			   -EBUSY, 0, 1 },
	[ST_THREAD] = { "thread start", "pthread_create", ST_THREAD, -EAGAIN, 1, 0 },
	[ST_ATTACH] = { "XDP attach", "bpf_link_create", ST_ATTACH, -EOPNOTSUPP, 1, 0 },
};

/* Only the test's own thread makes these calls (workers make none). */
static struct {
	int step;            /* -1: inject nothing */
	unsigned int k;      /* fail the k-th call (from 0) of `step` */
	int fired;
	char what[64];       /* the call that was failed, in words */
	int ret;             /* what it returned (-errno) */
	unsigned int calls[ST_N]; /* by slot */
	unsigned int busy;   /* real binds that returned EBUSY (retried) */
} inj = { .step = -1 };

/* Count a call of `slot`; 1 when this one is to fail (errno set). */
static int inject(enum step slot)
{
	unsigned int n = inj.calls[slot]++;

	if (inj.step < 0 || steps[inj.step].slot != slot || n != inj.k)
		return 0;
	inj.fired = 1;
	inj.ret = steps[inj.step].err;
	errno = -inj.ret;
	return 1;
}

static int injected_err(void)
{
	return steps[inj.step].err;
}

int __real_bpf_object__open_skeleton(struct bpf_object_skeleton *s,
				     const struct bpf_object_open_opts *opts);
int __wrap_bpf_object__open_skeleton(struct bpf_object_skeleton *s,
				     const struct bpf_object_open_opts *opts);
int __wrap_bpf_object__open_skeleton(struct bpf_object_skeleton *s,
				     const struct bpf_object_open_opts *opts)
{
	if (inject(ST_OPEN)) {
		snprintf(inj.what, sizeof(inj.what), "program %u", inj.k);
		return injected_err();
	}
	return __real_bpf_object__open_skeleton(s, opts);
}

int __real_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s);
int __wrap_bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	if (inject(ST_LOAD)) {
		snprintf(inj.what, sizeof(inj.what), "program %u", inj.k);
		return injected_err();
	}
	return __real_bpf_object__load_skeleton(s);
}

int __real_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int __wrap_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int __wrap_bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	if (inject(ST_INSERT)) {
		snprintf(inj.what, sizeof(inj.what), "slot %u", *(const __u32 *)key);
		return injected_err();
	}
	return __real_bpf_map_update_elem(fd, key, value, flags);
}

int __real_xsk_umem__create(struct xsk_umem **umem, void *area, __u64 size,
			    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
			    const struct xsk_umem_config *config);
int __wrap_xsk_umem__create(struct xsk_umem **umem, void *area, __u64 size,
			    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
			    const struct xsk_umem_config *config);
int __wrap_xsk_umem__create(struct xsk_umem **umem, void *area, __u64 size,
			    struct xsk_ring_prod *fill, struct xsk_ring_cons *comp,
			    const struct xsk_umem_config *config)
{
	if (inject(ST_UMEM)) {
		snprintf(inj.what, sizeof(inj.what), "UMEM %u", inj.k);
		return injected_err();
	}
	return __real_xsk_umem__create(umem, area, size, fill, comp, config);
}

int __real_xsk_socket__create_shared(struct xsk_socket **xsk, const char *ifname, __u32 queue,
				     struct xsk_umem *umem, struct xsk_ring_cons *rx,
				     struct xsk_ring_prod *tx, struct xsk_ring_prod *fill,
				     struct xsk_ring_cons *comp,
				     const struct xsk_socket_config *config);
int __wrap_xsk_socket__create_shared(struct xsk_socket **xsk, const char *ifname, __u32 queue,
				     struct xsk_umem *umem, struct xsk_ring_cons *rx,
				     struct xsk_ring_prod *tx, struct xsk_ring_prod *fill,
				     struct xsk_ring_cons *comp,
				     const struct xsk_socket_config *config);
int __wrap_xsk_socket__create_shared(struct xsk_socket **xsk, const char *ifname, __u32 queue,
				     struct xsk_umem *umem, struct xsk_ring_cons *rx,
				     struct xsk_ring_prod *tx, struct xsk_ring_prod *fill,
				     struct xsk_ring_cons *comp,
				     const struct xsk_socket_config *config)
{
	int err;

	if (inject(ST_BIND)) {
		snprintf(inj.what, sizeof(inj.what), "%s queue %u", ifname, queue);
		if (inj.step != ST_BIND)
			return injected_err();
		snprintf(inj.what, sizeof(inj.what), "%s queue %u, asked for queue %d", ifname,
			 queue, BAD_QUEUE);
		err = __real_xsk_socket__create_shared(xsk, ifname, BAD_QUEUE, umem, rx, tx, fill,
						       comp, config);
		if (!err) { /* cannot be: make it a failure all the same */
			xsk_socket__delete(*xsk);
			err = -EINVAL;
		}
		inj.ret = err;
		return err;
	}
	err = __real_xsk_socket__create_shared(xsk, ifname, queue, umem, rx, tx, fill, comp,
					       config);
	inj.busy += err == -EBUSY;
	return err;
}

int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *),
			  void *arg)
{
	if (inject(ST_THREAD)) {
		snprintf(inj.what, sizeof(inj.what), "worker %u", inj.k);
		return -injected_err(); /* pthread_create returns +errno */
	}
	return __real_pthread_create(t, attr, fn, arg);
}

int __real_bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type type,
			   const struct bpf_link_create_opts *opts);
int __wrap_bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type type,
			   const struct bpf_link_create_opts *opts);
int __wrap_bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type type,
			   const struct bpf_link_create_opts *opts)
{
	char name[IF_NAMESIZE] = "?";

	if (inject(ST_ATTACH)) {
		if_indextoname((unsigned int)target_fd, name);
		snprintf(inj.what, sizeof(inj.what), "%s", name);
		return injected_err();
	}
	return __real_bpf_link_create(prog_fd, target_fd, type, opts);
}

/* ---- what a process holds ---------------------------------------------- */

struct idset {
	unsigned int n;
	__u32 id[MAX_IDS];
};

static int list_fds(int *fds, int max)
{
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)) && n < max) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(dir))
			fds[n++] = fd;
	}
	closedir(dir);
	return n;
}

static int count_dir(const char *path)
{
	struct dirent *de;
	DIR *dir = opendir(path);
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		n += de->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* A mapped ring keeps its socket alive with no fd left. */
static int count_socket_maps(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, " socket:[") != NULL;
	if (f)
		fclose(f);
	return n;
}

static int is_xsk(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) && domain == AF_XDP;
}

static int is_ours(__u32 id)
{
	char name[BPF_OBJ_NAME_LEN];

	return !fp_bpf_prog_name(id, name, sizeof(name)) &&
	       !strncmp(name, FW_XDP_PROG_NAME, BPF_OBJ_NAME_LEN - 1);
}

static void list_progs(struct idset *s)
{
	__u32 id = 0;

	s->n = 0;
	while (s->n < MAX_IDS && !bpf_prog_get_next_id(id, &id))
		s->id[s->n++] = id;
}

static int in_set(const struct idset *s, __u32 id)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return 1;
	return 0;
}

/* Does another process hold program `id` (its fd, or a link to it)? */
static int held_elsewhere(__u32 id)
{
	struct dirent *pe, *fe;
	DIR *procs = opendir("/proc");
	int found = 0;

	while (procs && !found && (pe = readdir(procs))) {
		char path[64], line[128];
		DIR *fds;

		if (pe->d_name[0] < '1' || pe->d_name[0] > '9' || atoi(pe->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/fdinfo", pe->d_name);
		fds = opendir(path);
		while (fds && !found && (fe = readdir(fds))) {
			int fd = fe->d_name[0] != '.' ? openat(dirfd(fds), fe->d_name, O_RDONLY) : -1;
			FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
			__u32 v;

			if (fd >= 0 && !f)
				close(fd);
			while (f && !found && fgets(line, sizeof(line), f))
				found = sscanf(line, "prog_id: %u", &v) == 1 && v == id;
			if (f)
				fclose(f);
		}
		if (fds)
			closedir(fds);
	}
	if (procs)
		closedir(procs);
	return found;
}

/* ---- the lab ------------------------------------------------------------ */

static char ifname[FP_NPORTS][IF_NAMESIZE];
static int ifindex[FP_NPORTS];
static int base_fds[MAX_FDS], base_nfds, base_tasks;

/* The id of the XDP program on interface idx, 0 if none, ~0 if unknown. */
static __u32 xdp_prog_on(int idx)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(idx, 0, &q))
		return ~0u;
	return q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id);
}

static void __attribute__((format(printf, 1, 2), noreturn)) skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(SKIP);
}

/* A private network namespace, and /sys remounted in a private mount
 * namespace so that /sys/class/net shows it (what `ip netns exec` does). */
static void enter_netns(void)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS))
		skip("cannot create network and mount namespaces: %s", strerror(errno));
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL))
		skip("cannot make / a slave mount: %s", strerror(errno));
	if (umount2("/sys", MNT_DETACH) && errno != EINVAL)
		skip("cannot unmount /sys in the test's mount namespace: %s", strerror(errno));
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		skip("cannot mount sysfs for the test's namespace: %s", strerror(errno));
}

static void make_veth(void)
{
	char cmd[512];

	snprintf(ifname[0], IF_NAMESIZE, "xsf%da", (int)getpid());
	snprintf(ifname[1], IF_NAMESIZE, "xsf%db", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s numrxqueues %d numtxqueues %d type veth peer name %s "
		 "numrxqueues %d numtxqueues %d && ip link set %s up && ip link set %s up",
		 ifname[0], NQUEUES, NQUEUES, ifname[1], NQUEUES, NQUEUES, ifname[0], ifname[1]);
	if (system(cmd))
		skip("cannot create a veth pair with %d queues (iproute2 missing, or no veth "
		     "driver?)", NQUEUES);
	for (int p = 0; p < FP_NPORTS; p++)
		ifindex[p] = (int)if_nametoindex(ifname[p]);
	if (!ifindex[0] || !ifindex[1])
		skip("the veth pair %s/%s did not appear", ifname[0], ifname[1]);
}

/* AF_XDP sockets, and xskwall_redirect attached natively to a veth
 * through a bpf_link, before anything of the engine runs. */
static void probe(void)
{
	struct xskwall_redirect_bpf *skel;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	int fd = socket(AF_XDP, SOCK_RAW, 0);

	if (fd < 0)
		skip("the kernel has no AF_XDP sockets: %s", strerror(errno));
	close(fd);
	skel = xskwall_redirect_bpf__open();
	if (!skel || xskwall_redirect_bpf__load(skel)) {
		int err = errno;

		xskwall_redirect_bpf__destroy(skel);
		skip("the kernel refuses to load " FW_XDP_PROG_NAME ": %s", strerror(err));
	}
	fd = bpf_link_create(bpf_program__fd(skel->progs.xskwall_redirect), ifindex[0], BPF_XDP,
			     &opts);
	if (fd < 0) {
		int err = errno;

		xskwall_redirect_bpf__destroy(skel);
		skip("no native XDP on veth through a bpf_link: %s", strerror(err));
	}
	close(fd);
	xskwall_redirect_bpf__destroy(skel);
}

/* ---- one case ------------------------------------------------------------ */

struct outcome {
	int create_rc, start_rc;   /* start_rc: 1 when not called */
	int handed_back;           /* create returned an engine */
	uint32_t nqueues;
	uint32_t unaccounted;      /* fp_engine_destroy's frame count */
	/* while running (the starts that succeed) */
	__u32 running_prog[FP_NPORTS];
	int running_ours[FP_NPORTS];
	int running_xsks, running_maps, running_tasks;
};

static int count_xsks(void)
{
	int fds[MAX_FDS], n = list_fds(fds, MAX_FDS), x = 0;

	for (int i = 0; i < n; i++)
		x += is_xsk(fds[i]);
	return x;
}

static void run_engine(struct outcome *o)
{
	const struct fp_policy pol = { .deflt = FP_PASS, .malformed = FP_DROP, .non_ip = FP_PASS };
	struct fp_engine_cfg cfg = {
		.queue_mask = 0,             /* every rx queue: both */
		.miss_action = FW_MISS_DROP,
		.xdp_mode = FP_XDP_NATIVE,   /* one attach per port, no fallback */
		.bind_mode = FP_BIND_COPY,   /* one bind per socket, no fallback */
		.ring_size = RING_SIZE,
	};
	struct fp_engine *e = NULL;
	struct fp_ruleset *rs = NULL;

	memset(o, 0, sizeof(*o));
	o->start_rc = 1;
	for (int p = 0; p < FP_NPORTS; p++)
		snprintf(cfg.ifname[p], IF_NAMESIZE, "%s", ifname[p]);
	o->create_rc = fp_ruleset_create(NULL, 0, &pol, &rs);
	if (!o->create_rc)
		o->create_rc = fp_engine_create(&cfg, rs, &e);
	o->handed_back = e != NULL;
	if (!o->create_rc) {
		o->nqueues = fp_engine_nqueues(e);
		o->start_rc = fp_engine_start(e);
	}
	if (!o->create_rc && !o->start_rc) {
		for (int p = 0; p < FP_NPORTS; p++) {
			o->running_prog[p] = xdp_prog_on(ifindex[p]);
			o->running_ours[p] = o->running_prog[p] && is_ours(o->running_prog[p]);
		}
		o->running_xsks = count_xsks();
		o->running_maps = count_socket_maps();
		o->running_tasks = count_dir("/proc/self/task");
	}
	o->unaccounted = fp_engine_destroy(e);
}

struct leftovers {
	__u32 xdp[FP_NPORTS];  /* attached program ids */
	int xsks;              /* AF_XDP sockets open */
	int maps;              /* socket (ring) mappings */
	int nfds;              /* fds beyond the baseline */
	int new_fd[16];
	int tasks;
	int nprogs;            /* new xskwall programs nobody else holds */
	__u32 prog[8];
};

static void measure(struct leftovers *l, const struct idset *before)
{
	static struct idset now;
	int fds[MAX_FDS], n = list_fds(fds, MAX_FDS);

	memset(l, 0, sizeof(*l));
	for (int p = 0; p < FP_NPORTS; p++)
		l->xdp[p] = xdp_prog_on(ifindex[p]);
	for (int i = 0; i < n; i++) {
		int known = 0;

		l->xsks += is_xsk(fds[i]);
		for (int j = 0; j < base_nfds && !known; j++)
			known = fds[i] == base_fds[j];
		if (!known && l->nfds < 16)
			l->new_fd[l->nfds] = fds[i];
		l->nfds += !known;
	}
	l->tasks = count_dir("/proc/self/task");
	l->maps = count_socket_maps();
	list_progs(&now);
	for (unsigned int i = 0; i < now.n; i++) {
		if (in_set(before, now.id[i]) || !is_ours(now.id[i]) || held_elsewhere(now.id[i]))
			continue;
		if (l->nprogs < 8)
			l->prog[l->nprogs] = now.id[i];
		l->nprogs++;
	}
}

static int is_clean(const struct leftovers *l)
{
	return !l->xdp[0] && !l->xdp[1] && !l->xsks && !l->maps && !l->nfds &&
	       l->tasks == base_tasks && !l->nprogs;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Some releases run after close() returns (a thread's exit after join, a
 * link's detach): allow them SETTLE_MS before calling anything a leak. */
static void settle(struct leftovers *l, const struct idset *before)
{
	for (int waited = 0;; waited += 20) {
		measure(l, before);
		if (is_clean(l) || waited >= SETTLE_MS)
			return;
		sleep_ms(20);
	}
}

static int case_failures;

#define EXPECT(cond, ...)                                  \
	do {                                               \
		if (!(cond)) {                             \
			printf("FAIL - %s: ", label);       \
			printf(__VA_ARGS__);               \
			printf("\n");                      \
			case_failures++;                   \
		}                                          \
	} while (0)

static void check_leftovers(const char *label, const struct leftovers *l)
{
	for (int p = 0; p < FP_NPORTS; p++)
		EXPECT(!l->xdp[p], "%s carries XDP program id %u after destroy, expected none",
		       ifname[p], l->xdp[p]);
	EXPECT(!l->nprogs, "%d %s program(s) loaded by this case still loaded (first id %u), "
	       "expected 0", l->nprogs, FW_XDP_PROG_NAME, l->prog[0]);
	EXPECT(!l->xsks, "%d AF_XDP socket(s) open after destroy, expected 0", l->xsks);
	EXPECT(!l->maps, "%d socket ring mapping(s) after destroy, expected 0", l->maps);
	EXPECT(l->tasks == base_tasks, "%d thread(s) after destroy, expected %d", l->tasks,
	       base_tasks);
	EXPECT(!l->nfds, "%d fd(s) open after destroy, expected %d", base_nfds + l->nfds,
	       base_nfds);
	for (int i = 0; i < l->nfds && i < 16; i++) {
		char path[64], target[256] = "?";
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", l->new_fd[i]);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 1] = '\0';
		printf("  left open: fd %d -> %s\n", l->new_fd[i], target);
	}
}

/* A start that must succeed; while it runs, the checks see what they later
 * must not (so they can fail). */
static void check_running(const char *label, const struct outcome *o)
{
	EXPECT(!o->create_rc, "fp_engine_create returned %d (%s), expected 0", o->create_rc,
	       strerror(-o->create_rc));
	EXPECT(!o->create_rc && !o->start_rc, "fp_engine_start returned %d (%s), expected 0",
	       o->start_rc, strerror(o->start_rc < 0 ? -o->start_rc : 0));
	EXPECT(o->nqueues == NQUEUES, "the engine used %u queue(s), expected %d", o->nqueues,
	       NQUEUES);
	for (int p = 0; p < FP_NPORTS; p++)
		EXPECT(o->running_ours[p],
		       "while running, %s carries XDP program id %u, expected %s", ifname[p],
		       o->running_prog[p], FW_XDP_PROG_NAME);
	EXPECT(o->running_xsks == FP_NPORTS * NQUEUES,
	       "while running, %d AF_XDP socket(s) open, expected %d", o->running_xsks,
	       FP_NPORTS * NQUEUES);
	EXPECT(o->running_maps >= FP_NPORTS * NQUEUES,
	       "while running, %d socket ring mapping(s), expected at least %d", o->running_maps,
	       FP_NPORTS * NQUEUES);
	EXPECT(o->running_tasks == base_tasks + NQUEUES, "while running, %d thread(s), expected %d",
	       o->running_tasks, base_tasks + NQUEUES);
	EXPECT(!o->unaccounted, "fp_engine_destroy reports %u unaccounted frame(s), expected 0",
	       o->unaccounted);
}

/* The clean start; it also counts each step's calls (rerun while a real
 * bind met EBUSY, as in run_fault). */
static int run_clean(void)
{
	const char *label = "clean start";
	static struct idset before;
	struct leftovers l;
	struct outcome o;

	case_failures = 0;
	for (int attempt = 0;; attempt++) {
		list_progs(&before);
		memset(&inj, 0, sizeof(inj));
		inj.step = -1;
		run_engine(&o);
		settle(&l, &before);
		check_leftovers(label, &l);
		if (!inj.busy || attempt == BUSY_RETRIES)
			break;
		printf("  (%s: a real bind returned EBUSY; rerun)\n", label);
		sleep_ms(300);
	}
	check_running(label, &o);
	for (int s = 0; s < ST_N; s++)
		EXPECT(steps[s].slot != (enum step)s || inj.calls[s] >= 2,
		       "%u call(s) of %s, expected at least 2 (first and later)", inj.calls[s],
		       steps[s].call);
	printf("%s - clean start: created, started (%s, %s on %u queues), destroyed; "
	       "calls:", case_failures ? "FAIL" : "ok", ifname[0], ifname[1], o.nqueues);
	for (int s = 0; s < ST_N; s++)
		if (steps[s].slot == (enum step)s)
			printf(" %s %u", steps[s].call, inj.calls[s]);
	printf("\n");
	failures += !!case_failures;
	return case_failures;
}

/* Fail the k-th call of step s; rerun while a real bind met EBUSY (the
 * previous case's sockets not yet released by the kernel), which retries
 * inside the engine and shifts the count. */
static void run_fault(enum step s, unsigned int k, unsigned int ncalls)
{
	const struct step_def *d = &steps[s];
	static struct idset before;
	char label[160];
	struct leftovers l;
	struct outcome o;
	int rc;

	case_failures = 0; /* a leak in an attempt that is rerun still counts */
	for (int attempt = 0;; attempt++) {
		list_progs(&before);
		memset(&inj, 0, sizeof(inj));
		inj.step = (int)s;
		inj.k = k;
		run_engine(&o);
		inj.step = -1;
		snprintf(label, sizeof(label), "%s fails, call %u of %u (%s: %s)", d->name, k + 1,
			 ncalls, d->call, inj.fired ? inj.what : "never reached");
		settle(&l, &before);
		check_leftovers(label, &l);
		if (!inj.busy || d->retried || attempt == BUSY_RETRIES)
			break;
		printf("  (%s: a real bind returned EBUSY; rerun)\n", label);
		sleep_ms(300);
	}
	rc = d->in_start ? o.start_rc : o.create_rc;
	EXPECT(inj.fired, "the injection point was never reached");
	if (d->retried) {
		check_running(label, &o);
		if (!case_failures)
			printf("ok - %s: retried, started with %d sockets and %d workers; nothing "
			       "left after destroy\n", label, o.running_xsks, NQUEUES);
		failures += !!case_failures;
		return;
	}
	EXPECT(!d->in_start || !o.create_rc, "fp_engine_create returned %d (%s), expected 0",
	       o.create_rc, strerror(-o.create_rc));
	EXPECT(rc == inj.ret, "fp_engine_%s returned %d (%s), expected %d (%s), the failed call's",
	       d->in_start ? "start" : "create", rc, rc > 0 ? "not called" : strerror(-rc),
	       inj.ret, strerror(-inj.ret));
	EXPECT(d->in_start || !o.handed_back, "the failed fp_engine_create handed back an engine");
	EXPECT(!o.unaccounted, "fp_engine_destroy reports %u unaccounted frame(s), expected 0",
	       o.unaccounted);
	if (!case_failures)
		printf("ok - %s: fp_engine_%s returned %s; no XDP program, program, socket, "
		       "mapping, fd or thread left\n", label, d->in_start ? "start" : "create", strerror(-rc));
	failures += !!case_failures;
}

int main(void)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	unsigned int ncalls[ST_N];
	struct timespec t0, t1;
	char cmd[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid())
		skip("needs root (namespaces, BPF, AF_XDP)");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enter_netns();
	make_veth();
	setrlimit(RLIMIT_MEMLOCK, &unlimited); /* as the daemon does; root has CAP_IPC_LOCK */
	probe();
	fw_log_set_level(FW_LOG_ERR); /* each failure's own message stays */

	base_nfds = list_fds(base_fds, MAX_FDS);
	base_tasks = count_dir("/proc/self/task");
	if (run_clean()) {
		printf("the clean start failed: no fault injected\n");
		return check_summary();
	}
	memcpy(ncalls, inj.calls, sizeof(ncalls));
	for (int s = 0; s < ST_N; s++)
		for (unsigned int k = 0; k < ncalls[steps[s].slot]; k++) {
			sleep_ms(50); /* lets the kernel release the last sockets */
			run_fault((enum step)s, k, ncalls[steps[s].slot]);
		}
	snprintf(cmd, sizeof(cmd), "ip link del %s", ifname[0]);
	if (system(cmd))
		printf("note: could not delete %s (the namespace takes it along)\n", ifname[0]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f s\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return check_summary();
}
