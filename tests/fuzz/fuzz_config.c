/* tests/fuzz/fuzz_config.c - libFuzzer target for ctl_config_parse_buf().
 *
 * The buffer is named "/nonexistent/fuzz.conf", so relative includes
 * resolve under a directory that does not exist (and `..` cannot climb out
 * of it) and fail cleanly; inputs that include an absolute path are
 * skipped so the fuzzer never reads or globs the real file system.
 *
 * Oracles beyond "no crash, no leak": a failed parse leaves the config as
 * after init and says FILE:LINE:COL; every parsed rule formats back to a
 * line that parses to the identical rule; a rule found never to match is
 * decided by an earlier one (config_lint.c). Seeds: tests/data/fuzz-config-seeds/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_lint.h"

#define FUZZ_NAME "/nonexistent/fuzz.conf"
#define FUZZ_MAX_ROUNDTRIP 64

/* An absolute include could read anything; leave those inputs out. */
static int fuzz_absolute_include(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *hit;

	while ((hit = memmem(p, (size_t)(end - p), "include", 7)) != NULL) {
		p = hit + 7;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
				   *p == '\v' || *p == '\f'))
			p++;
		if (p < end && *p == '/')
			return 1;
	}
	return 0;
}

static void fuzz_check_empty(const struct fw_config *c)
{
	struct fw_config e;

	ctl_config_init(&e);
	if (memcmp(c, &e, sizeof(e)) != 0)
		abort();
}

static void fuzz_round_trip(const struct fp_rule *r)
{
	struct fw_config c;
	char line[512], err[CTL_ERR_LEN];
	struct fp_rule want;
	int n;

	memcpy(&want, r, sizeof(want)); /* padding included */
	n = ctl_rule_format(r, line, sizeof(line));
	if (n <= 0 || (size_t)n >= sizeof(line))
		abort();
	if (ctl_config_parse_buf(line, (size_t)n, "roundtrip", &c, err, sizeof(err)) ||
	    c.nrules != 1)
		abort();
	want.line = 1;
	if (memcmp(&c.rules[0], &want, sizeof(want)) != 0)
		abort();
	ctl_config_fini(&c);
}

/* A rule that can never match is decided by an earlier one; an
 * identical one has the same action; the message formats. */
static void fuzz_check_finding(void *arg, const struct fw_config *c, size_t earlier,
			       size_t later, int identical)
{
	char msg[2 * CTL_ERR_LEN];

	(void)arg;
	if (earlier >= later || later >= c->nrules)
		abort();
	if (identical && c->rules[earlier].action != c->rules[later].action)
		abort();
	ctl_lint_format(c, earlier, later, identical, msg, sizeof(msg));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];
	size_t i;
	int rc;

	if (fuzz_absolute_include(data, size))
		return 0;
	rc = ctl_config_parse_buf((const char *)data, size, FUZZ_NAME, &c, err,
				  sizeof(err));
	if (rc) {
		fuzz_check_empty(&c);
		if (strncmp(err, FUZZ_NAME ":", sizeof(FUZZ_NAME)) != 0 &&
		    strncmp(err, "/nonexistent/", 13) != 0)
			abort();
		return 0;
	}
	for (i = 0; i < c.nrules && i < FUZZ_MAX_ROUNDTRIP; i++)
		fuzz_round_trip(&c.rules[i]);
	(void)ctl_config_validate_ports(&c, err, sizeof(err));
	if (!ctl_config_same_ports(&c, &c))
		abort();
	if (ctl_config_lint(&c, fuzz_check_finding, NULL) < 0)
		abort();
	ctl_config_fini(&c);
	return 0;
}
