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
 * decided by an earlier one (config_lint.c) whose every match holds for
 * all of the later rule's packets (prefixes, protocol, ICMP type and
 * code, ingress port, family, and port ranges: a port rule never covers
 * a rule without ports). Seeds: tests/data/fuzz-config-seeds/. */
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

static int fuzz_prefix_holds(const struct fp_prefix *e, const struct fp_prefix *r)
{
	unsigned i, len = e->len;

	if (e->family != r->family || e->len > r->len)
		return 0;
	for (i = 0; i < len / 8; i++)
		if (e->addr[i] != r->addr[i])
			return 0;
	return len % 8 == 0 ||
	       !((e->addr[len / 8] ^ r->addr[len / 8]) & (0xff00u >> (len % 8)));
}

/* E's range on one side holds all of R's packets: R's range within it,
 * or, where R does not match that side, E's range is 0-65535 (R has
 * ports through its other side; the caller checked that). */
static int fuzz_ports_hold(uint32_t em, uint32_t rm, uint32_t bit, unsigned elo,
			   unsigned ehi, unsigned rlo, unsigned rhi)
{
	if (!(em & bit))
		return 1;
	if (!(rm & bit))
		return elo == 0 && ehi == 65535;
	return elo <= rlo && rhi <= ehi;
}

/* Every match of e holds for every packet r matches (what the lint
 * claims when it says e decides all of r's packets). */
static int fuzz_covers(const struct fp_rule *e, const struct fp_rule *r)
{
	uint32_t em = e->match, rm = r->match, ports = FP_MATCH_SPORT | FP_MATCH_DPORT;

	if ((em & FP_MATCH_FAMILY) && (!(rm & FP_MATCH_FAMILY) || e->family != r->family))
		return 0;
	if ((em & FP_MATCH_SRC) && (!(rm & FP_MATCH_SRC) || !fuzz_prefix_holds(&e->src, &r->src)))
		return 0;
	if ((em & FP_MATCH_DST) && (!(rm & FP_MATCH_DST) || !fuzz_prefix_holds(&e->dst, &r->dst)))
		return 0;
	if ((em & FP_MATCH_PROTO) && (!(rm & FP_MATCH_PROTO) || e->proto != r->proto))
		return 0;
	if ((em & FP_MATCH_ICMP_TYPE) && (!(rm & FP_MATCH_ICMP_TYPE) || e->icmp_type != r->icmp_type))
		return 0;
	if ((em & FP_MATCH_ICMP_CODE) && (!(rm & FP_MATCH_ICMP_CODE) || e->icmp_code != r->icmp_code))
		return 0;
	if ((em & FP_MATCH_IN) && (!(rm & FP_MATCH_IN) || e->in_port != r->in_port))
		return 0;
	if ((em & ports) && !(rm & ports))
		return 0; /* a later fragment has no ports */
	return fuzz_ports_hold(em, rm, FP_MATCH_SPORT, e->sport_lo, e->sport_hi, r->sport_lo,
			       r->sport_hi) &&
	       fuzz_ports_hold(em, rm, FP_MATCH_DPORT, e->dport_lo, e->dport_hi, r->dport_lo,
			       r->dport_hi);
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
	if (!fuzz_covers(&c->rules[earlier], &c->rules[later]))
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
