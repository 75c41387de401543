/* control/loader.c - a reload's load (load.h), or the compile of an
 * edited rule list, on a thread of its own.
 *
 * The loader thread and its owner each hold one reference; whoever drops
 * the last one frees the loader (the owner after a join in finish, or the
 * thread itself when the owner abandoned it). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "bigmem.h"
#include "loader.h"

struct ctl_loader {
	char *path;              /* a reload's file; NULL: compile loaded.cfg.rules */
	struct fp_policy policy; /* of a compile */
	struct fp_big_pool *mem; /* a reference: the big arrays come from it */
	int event_fd;
	pthread_t thread;
	atomic_int refs;
	int result;
	struct ctl_loaded loaded;
	char err[CTL_ERR_LEN];
};

static void ctl_loader_free(struct ctl_loader *l)
{
	if (!l->result)
		ctl_loaded_fini(&l->loaded);
	if (l->event_fd >= 0)
		close(l->event_fd);
	free(l->path);
	fp_big_pool_unref(l->mem);
	free(l);
}

static void ctl_loader_unref(struct ctl_loader *l)
{
	if (atomic_fetch_sub(&l->refs, 1) == 1)
		ctl_loader_free(l);
}

static void *ctl_loader_main(void *arg)
{
	struct ctl_loader *l = arg;
	uint64_t one = 1;

	if (l->path) {
		l->result = ctl_load(l->path, l->mem, &l->loaded, l->err, sizeof(l->err));
	} else {
		l->result = fp_ruleset_create_view(l->loaded.cfg.rules, l->loaded.cfg.nrules, &l->policy,
					      l->mem, &l->loaded.rules);
		if (l->result) {
			snprintf(l->err, sizeof(l->err), "cannot compile the rules: %s",
				 ctl_compile_strerror(l->result));
			ctl_config_fini(&l->loaded.cfg);
		}
	}
	if (write(l->event_fd, &one, sizeof(one)) != sizeof(one))
		abort(); /* an eventfd below its maximum always takes 1 */
	ctl_loader_unref(l);
	return NULL;
}

static int ctl_loader_run(struct ctl_loader *l, struct ctl_loader **out)
{
	int err;

	l->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	atomic_init(&l->refs, 2);
	if (l->event_fd < 0) {
		err = -errno;
		ctl_loader_free(l);
		return err;
	}
	err = pthread_create(&l->thread, NULL, ctl_loader_main, l);
	if (err) {
		ctl_loader_free(l);
		return -err;
	}
	*out = l;
	return 0;
}

int ctl_loader_start(const char *path, struct fp_big_pool *mem, struct ctl_loader **out)
{
	struct ctl_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->mem = fp_big_pool_ref(mem);
	l->event_fd = -1;
	l->result = -ECANCELED;
	ctl_config_init(&l->loaded.cfg);
	l->path = strdup(path);
	if (!l->path) {
		ctl_loader_free(l);
		return -ENOMEM;
	}
	return ctl_loader_run(l, out);
}

int ctl_loader_start_compile(struct fp_rule *rules, size_t n, const struct fp_policy *policy,
			     struct fp_big_pool *mem, struct ctl_loader **out)
{
	struct ctl_loader *l = calloc(1, sizeof(*l));

	if (!l) {
		fp_big_free(rules);
		return -ENOMEM;
	}
	l->mem = fp_big_pool_ref(mem);
	l->event_fd = -1;
	ctl_config_init(&l->loaded.cfg);
	l->loaded.cfg.rules = rules;
	l->loaded.cfg.nrules = l->loaded.cfg.rules_cap = n;
	l->result = 0; /* until the thread runs: a failed start frees the rules */
	l->policy = *policy;
	return ctl_loader_run(l, out);
}

int ctl_loader_fd(const struct ctl_loader *l)
{
	return l->event_fd;
}

int ctl_loader_finish(struct ctl_loader *l, struct ctl_loaded *out, char *err, size_t errlen)
{
	int r;

	pthread_join(l->thread, NULL);
	r = l->result;
	if (!r) {
		*out = l->loaded;
		l->result = -ECANCELED; /* handed over: not freed with the loader */
	} else {
		snprintf(err, errlen, "%s", l->err);
	}
	ctl_loader_unref(l);
	return r;
}

void ctl_loader_abandon(struct ctl_loader *l)
{
	if (!l)
		return;
	pthread_detach(l->thread);
	ctl_loader_unref(l);
}
