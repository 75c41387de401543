/* tests/fuzz/fuzz_request.c - libFuzzer target for the control socket's
 * request parser (ctl_request_parse) and what a parsed request's text
 * reaches without a daemon: the rule grammar (add) and the packet
 * tracer (trace), against a small compiled rule set.
 *
 * Oracles beyond "no crash, no leak": a parsed request names a known
 * command, its text is NUL-terminated within CTL_TEXT_MAX, its numbers
 * are within the protocol's bounds; a refused one says why; a traced
 * packet's verdict is the one its rule (or the policy) gives. Seeds:
 * tests/data/fuzz-request-seeds/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "ctl_proto.h"
#include "ctl_request.h"
#include "edit.h"
#include "ruleset.h"
#include "trace.h"

static const struct fp_ruleset *fuzz_rules(void)
{
	static struct fp_ruleset *rs;
	static const char text[] = "drop src 198.18.9.0/24\ndrop icmp type 8\n"
				   "pass proto tcp in inside\ndrop dst 2001:db8::/64\n";
	struct fw_config cfg;
	char err[CTL_ERR_LEN];

	if (rs)
		return rs;
	if (ctl_config_parse_buf(text, sizeof(text) - 1, "fuzz.conf", &cfg, err, sizeof(err)) ||
	    fp_ruleset_create(cfg.rules, cfg.nrules, &cfg.policy, &rs))
		abort();
	ctl_config_fini(&cfg);
	return rs;
}

static void fuzz_check_request(const struct ctl_request *req)
{
	if (req->cmd > CTL_CMD_CAPTURE || !strcmp(ctl_cmd_name(req->cmd), "?"))
		abort();
	if (strnlen(req->text, CTL_TEXT_MAX) == CTL_TEXT_MAX)
		abort();
	if (req->limit > CTL_RULES_PAGE || req->snaplen > CTL_CAPTURE_SNAPLEN)
		abort();
}

static void fuzz_follow(const struct ctl_request *req)
{
	const struct fp_ruleset *rs = fuzz_rules();
	char err[CTL_ERR_LEN];
	struct ctl_trace t;
	struct fp_rule r;

	if (req->cmd == CTL_CMD_ADD && ctl_edit_parse_rule(req->text, "rule", &r, err, sizeof(err)) &&
	    strncmp(err, "rule:1:", 7))
		abort();
	if (req->cmd != CTL_CMD_TRACE)
		return;
	if (ctl_trace_run(rs, req->text, &t, err, sizeof(err))) {
		if (strncmp(err, "packet", 6))
			abort();
		return;
	}
	if (t.dec.rule != FP_NO_RULE && t.dec.verdict != fp_ruleset_rule(rs, t.dec.rule)->action)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request *req = malloc(sizeof(*req));
	char err[CTL_ERR_LEN];

	if (!req)
		return 0;
	if (ctl_request_parse((const char *)data, size, req, err, sizeof(err))) {
		if (!err[0])
			abort();
	} else {
		fuzz_check_request(req);
		fuzz_follow(req);
	}
	free(req);
	return 0;
}
