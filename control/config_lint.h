/* control/config_lint.h - rules that can never match: one identical to
 * an earlier rule, or one an earlier rule of a single match (or none)
 * fully covers. Warnings, not errors: the configuration stays valid.
 * Linear in the rules (hash lookups per rule, one per prefix length in
 * use); --check, start-up and every reload run it. */
#ifndef CTL_CONFIG_LINT_H
#define CTL_CONFIG_LINT_H

#include <stddef.h>
#include "config.h"

/* Rule `later` (index into cfg->rules) can never match because of rule
 * `earlier`; identical: the two rules are the same text. */
typedef void (*ctl_lint_fn)(void *arg, const struct fw_config *cfg, size_t earlier, size_t later,
			    int identical);

/* Call fn for every rule that can never match, in file order. Returns
 * how many, or -ENOMEM (nothing reported then). */
long ctl_config_lint(const struct fw_config *cfg, ctl_lint_fn fn, void *arg);

/* "FILE:LINE: this rule ..." for one finding, into buf. */
void ctl_lint_format(const struct fw_config *cfg, size_t earlier, size_t later, int identical,
		     char *buf, size_t len);

/* Log the findings as warnings (at most CTL_LINT_SHOWN, then how many
 * more); returns how many there were. For --check, start-up and reloads. */
#define CTL_LINT_SHOWN 20
long ctl_lint_report(const struct fw_config *cfg);

#endif /* CTL_CONFIG_LINT_H */
