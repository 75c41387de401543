/* control/lint_report.c - the configuration's never-matching rules
 * (config_lint.h) as log warnings. */
#include <stdio.h>
#include "fw/log.h"
#include "config_lint.h"

static void ctl_lint_warn(void *arg, const struct fw_config *cfg, size_t earlier, size_t later,
			  int identical)
{
	long *shown = arg;
	char msg[2 * CTL_ERR_LEN];

	if ((*shown)++ >= CTL_LINT_SHOWN)
		return;
	ctl_lint_format(cfg, earlier, later, identical, msg, sizeof(msg));
	fw_warn("%s", msg);
}

long ctl_lint_report(const struct fw_config *cfg)
{
	long shown = 0, found = ctl_config_lint(cfg, ctl_lint_warn, &shown);

	if (found < 0)
		fw_warn("out of memory looking for rules that can never match");
	else if (found > CTL_LINT_SHOWN)
		fw_warn("%ld rules can never match in all (the first %d are named above)", found,
			CTL_LINT_SHOWN);
	return found;
}
