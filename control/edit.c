/* control/edit.c - one rule from text, and rule lists with a rule added
 * or removed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "edit.h"

int ctl_edit_parse_rule(const char *text, const char *name, struct fp_rule *out, char *err,
			size_t errlen)
{
	size_t skip = strspn(text, " \t");
	struct fw_config cfg;
	int r;

	if (strncmp(text + skip, "drop", 4) && strncmp(text + skip, "pass", 4)) {
		snprintf(err, errlen, "%s:1:%zu: a rule starts with 'drop' or 'pass'", name, skip + 1);
		return -EINVAL;
	}
	if (strpbrk(text, "\n\r")) {
		snprintf(err, errlen, "%s:1:%zu: a rule is one line", name,
			 (size_t)(strpbrk(text, "\n\r") - text) + 1);
		return -EINVAL;
	}
	r = ctl_config_parse_buf(text, strlen(text), name, &cfg, err, errlen);
	if (r)
		return r;
	if (cfg.nrules != 1) { /* a comment alone: "drop" was inside it */
		snprintf(err, errlen, "%s:1:1: no rule in '%s'", name, text);
		ctl_config_fini(&cfg);
		return -EINVAL;
	}
	*out = cfg.rules[0];
	out->file = CTL_FILE_EDITED;
	out->line = 0;
	ctl_config_fini(&cfg);
	return 0;
}

int ctl_edit_insert(const struct fp_rule *rules, size_t n, const struct fp_rule *r, size_t at,
		    struct fp_rule **out)
{
	size_t pos = at ? at - 1 : n;
	struct fp_rule *a;

	if (pos > n)
		return -EINVAL;
	a = fp_big_alloc(NULL, (n + 1) * sizeof(*a), 0);
	if (!a)
		return -ENOMEM;
	memcpy(a, rules, pos * sizeof(*a));
	a[pos] = *r;
	memcpy(a + pos + 1, rules + pos, (n - pos) * sizeof(*a));
	*out = a;
	return 0;
}

int ctl_edit_remove(const struct fp_rule *rules, size_t n, size_t index, struct fp_rule **out)
{
	struct fp_rule *a;

	if (index < 1 || index > n)
		return -EINVAL;
	a = fp_big_alloc(NULL, (n > 1 ? n - 1 : 1) * sizeof(*a), 0);
	if (!a)
		return -ENOMEM;
	memcpy(a, rules, (index - 1) * sizeof(*a));
	memcpy(a + index - 1, rules + index, (n - index) * sizeof(*a));
	*out = a;
	return 0;
}

void ctl_rule_source(const struct fw_config *cfg, const struct fp_rule *r, char *buf, size_t len)
{
	if (r->file == CTL_FILE_EDITED || r->file >= cfg->nfiles)
		snprintf(buf, len, "xskwallctl");
	else
		snprintf(buf, len, "%s:%u", cfg->files[r->file], r->line);
}
