/* control/loader.h - a reload's load (load.h), or the compile of an edited
 * rule list, on a thread of its own, so that a slow reload or edit never
 * keeps the daemon from answering its signals and clients. */
#ifndef CTL_LOADER_H
#define CTL_LOADER_H

#include <stddef.h>
#include "load.h"

struct ctl_loader;

/* Run ctl_load(path, mem) on a new thread (which holds a reference on
 * mem while it runs). */
int ctl_loader_start(const char *path, struct fp_big_pool *mem, struct ctl_loader **out);

/* Compile rules[0..n) (a bigmem.h array; ownership taken, even on
 * failure) with policy, the tables from mem, on a new thread (xskwallctl add/del). finish hands
 * back the array in out->cfg.rules (the rest of out->cfg is defaults) and
 * the snapshot in out->rules. */
int ctl_loader_start_compile(struct fp_rule *rules, size_t n, const struct fp_policy *policy,
			     struct fp_big_pool *mem, struct ctl_loader **out);

/* Readable (poll) once the load is over. */
int ctl_loader_fd(const struct ctl_loader *l);

/* Once the fd is readable: join the thread, hand over its result (as
 * ctl_load's) and free the loader. */
int ctl_loader_finish(struct ctl_loader *l, struct ctl_loaded *out, char *err, size_t errlen);

/* Stop waiting for a load that is still running (the daemon is
 * stopping): the thread frees its result and the loader when it ends,
 * or the process ends first. NULL-safe. */
void ctl_loader_abandon(struct ctl_loader *l);

#endif /* CTL_LOADER_H */
