/* control/edit.h - the running rules changed by xskwallctl: one rule
 * parsed with the configuration's grammar, and rule lists with one rule
 * inserted or removed (the daemon compiles and publishes the result as
 * a new snapshot, all or nothing, like a reload). */
#ifndef CTL_EDIT_H
#define CTL_EDIT_H

#include <stddef.h>
#include "config.h"

/* fp_rule.file of a rule added by xskwallctl (it has no file). */
#define CTL_FILE_EDITED UINT32_MAX

/* Exactly one `drop ...` or `pass ...` rule, named `name` in errors
 * ("NAME:1:COL: message"). -EINVAL. */
int ctl_edit_parse_rule(const char *text, const char *name, struct fp_rule *out, char *err,
			size_t errlen);

/* A new array (a bigmem.h block, like cfg->rules): rules with r inserted
 * before 1-based position `at` (0 or n + 1: appended). -EINVAL (at out
 * of range), -ENOMEM. */
int ctl_edit_insert(const struct fp_rule *rules, size_t n, const struct fp_rule *r, size_t at,
		    struct fp_rule **out);

/* A new array (a bigmem.h block): rules without the 1-based `index`.
 * -EINVAL, -ENOMEM. */
int ctl_edit_remove(const struct fp_rule *rules, size_t n, size_t index, struct fp_rule **out);

/* Where rule r came from: "FILE:LINE", or "xskwallctl" for an added one. */
void ctl_rule_source(const struct fw_config *cfg, const struct fp_rule *r, char *buf, size_t len);

#endif /* CTL_EDIT_H */
