/* control/load.h - a configuration read, checked and compiled into a rule
 * snapshot: what start-up, --check and every reload (control/loader.h,
 * on its own thread) do before anything is put in force. */
#ifndef CTL_LOAD_H
#define CTL_LOAD_H

#include <stddef.h>
#include "config.h"
#include "ruleset.h"

struct ctl_loaded {
	struct fw_config cfg;
	struct fp_ruleset *rules;
};

/* Parse `path`, check its ports, compile its rules, with the big arrays
 * from mem (bigmem.h; NULL: fresh mappings). On failure returns nonzero
 * with the reason in err, and *out is empty (nothing to free). */
int ctl_load(const char *path, struct fp_big_pool *mem, struct ctl_loaded *out, char *err,
	     size_t errlen);

/* Why fp_ruleset_create refused rules the parser accepted (-ENOMEM, or
 * -E2BIG past a compiled-size limit of README's "Limits"). */
const char *ctl_compile_strerror(int err);

/* Free what a successful ctl_load gave; the result is empty again. */
void ctl_loaded_fini(struct ctl_loaded *l);

#endif /* CTL_LOAD_H */
