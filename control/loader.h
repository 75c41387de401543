/* control/loader.h - a configuration read, checked and compiled into a
 * rule snapshot: in the foreground (start-up, --check) or, for a reload,
 * on a thread of its own, so that a slow reload never keeps the daemon
 * from answering its signals. */
#ifndef CTL_LOADER_H
#define CTL_LOADER_H

#include <stddef.h>
#include "config.h"
#include "ruleset.h"

struct ctl_loaded {
	struct fw_config cfg;
	struct fp_ruleset *rules;
};

/* Parse `path`, check its ports, compile its rules. On failure returns
 * nonzero with the reason in err, and *out is empty (nothing to free). */
int ctl_load(const char *path, struct ctl_loaded *out, char *err, size_t errlen);

/* Free what a successful ctl_load gave; the result is empty again. */
void ctl_loaded_fini(struct ctl_loaded *l);

struct ctl_loader;

/* Run ctl_load(path) on a new thread. */
int ctl_loader_start(const char *path, struct ctl_loader **out);

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
