/* control/load.c - parse, check, compile; all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "load.h"

int ctl_load(const char *path, struct fp_big_pool *mem, struct ctl_loaded *out, char *err,
	     size_t errlen)
{
	int r;

	out->rules = NULL;
	r = ctl_config_load(path, mem, &out->cfg, err, errlen);
	if (!r)
		r = ctl_config_validate_ports(&out->cfg, err, errlen);
	if (!r) {
		r = fp_ruleset_create_view(out->cfg.rules, out->cfg.nrules, &out->cfg.policy, mem,
					   &out->rules);
		if (r)
			snprintf(err, errlen, "%s: cannot compile the rules: %s", path,
				 ctl_compile_strerror(r));
	}
	if (r)
		ctl_loaded_fini(out);
	return r;
}

const char *ctl_compile_strerror(int err)
{
	if (err == -E2BIG)
		return "too many overlapping port ranges (more than the 16777216 "
		       "entries the port indexes may have)";
	return strerror(-err);
}

void ctl_loaded_fini(struct ctl_loaded *l)
{
	fp_ruleset_destroy(l->rules);
	l->rules = NULL;
	ctl_config_fini(&l->cfg);
}
