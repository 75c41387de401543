/* tests/unit/test_request.c - the control socket's requests (ctl_request.c):
 * every command parses, every kind of bad request gets its message; one
 * rule from text (edit.c); and trace (trace.c) agrees with the classifier
 * on described packets, ports included. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"
#include "ctl_request.h"
#include "edit.h"
#include "ruleset.h"
#include "trace.h"

static int parse(const char *line, struct ctl_request *req, char *err)
{
	return ctl_request_parse(line, strlen(line), req, err, CTL_ERR_LEN);
}

static void test_good(void **state)
{
	struct ctl_request req;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"status\"}", &req, err), 0);
	assert_int_equal(req.cmd, CTL_CMD_STATUS);
	assert_int_equal(parse("{\"cmd\":\"rules\",\"offset\":5,\"limit\":10,\"top\":3}", &req, err), 0);
	assert_int_equal(req.cmd, CTL_CMD_RULES);
	assert_int_equal(req.offset, 5);
	assert_int_equal(req.limit, 10);
	assert_int_equal(req.top, 3);
	assert_int_equal(parse("{\"cmd\":\"add\",\"rule\":\"drop proto icmp\",\"at\":2}", &req, err), 0);
	assert_string_equal(req.text, "drop proto icmp");
	assert_int_equal(req.at, 2);
	assert_int_equal(parse("{\"cmd\":\"capture\",\"what\":\"all\",\"count\":4,\"seconds\":2}", &req, err), 0);
	assert_int_equal(req.capture_all, 1);
	assert_int_equal(req.count, 4);
	assert_int_equal(req.seconds, 2);
	assert_int_equal(parse("{\"cmd\":\"del\",\"index\":1}", &req, err), 0);
	assert_int_equal(req.index, 1);
}

static void test_bad(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "{\"cmd\":", "malformed JSON at column 7: unexpected token near end of file" },
		{ "[1]", "a request is a JSON object" },
		{ "{\"cmd\":1}", "the request has no \"cmd\" string" },
		{ "{\"cmd\":\"halt\"}", "unknown command 'halt'" },
		{ "{\"cmd\":\"status\",\"x\":1}", "status: unknown member 'x'" },
		{ "{\"cmd\":\"del\"}", "del: 'index' is required" },
		{ "{\"cmd\":\"del\",\"index\":-1}", "del: 'index' must be a whole number in range" },
		{ "{\"cmd\":\"rules\",\"limit\":10001}", "rules: 'limit' must be a whole number in range" },
		{ "{\"cmd\":\"add\",\"rule\":7}", "add: 'rule' must be a string without NUL bytes, shorter than 4096 bytes" },
		{ "{\"cmd\":\"add\",\"rule\":\"drop\\u0000\"}", "malformed JSON at column 32: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"drop\\u0000\"'" },
		{ "{\"cmd\":\"capture\",\"what\":\"some\"}", "capture: 'what' must be \"drops\" or \"all\"" },
		{ "{\"cmd\":\"status\",\"cmd\":\"stats\"}", "malformed JSON at column 21: duplicate object key near '\"cmd\"'" },
	};
	struct ctl_request req;
	char err[CTL_ERR_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(parse(cases[i].in, &req, err), 0);
		if (strcmp(err, cases[i].msg))
			fail_msg("%s: measured '%s', expected '%s'", cases[i].in, err, cases[i].msg);
	}
}

static void test_edit_rule(void **state)
{
	struct fp_rule r;
	char err[CTL_ERR_LEN], text[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(ctl_edit_parse_rule("drop src 198.18.0.0/24 proto icmp", "rule", &r, err,
					     sizeof(err)), 0);
	ctl_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "drop src 198.18.0.0/24 proto icmp");
	assert_int_equal(r.file, CTL_FILE_EDITED);
	assert_int_equal(ctl_edit_parse_rule("pass dport 443 sport 1024-65535 proto tcp", "rule", &r,
					     err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "rule:1:6: 'dport' must follow 'proto P', P a protocol with ports "
			    "(tcp, udp, dccp, sctp, udplite or its number)");
	assert_int_equal(ctl_edit_parse_rule("pass proto tcp dport 443 sport 1024-65535", "rule", &r,
					     err, sizeof(err)), 0);
	ctl_rule_format(&r, text, sizeof(text));
	assert_string_equal(text, "pass proto tcp sport 1024-65535 dport 443");
	assert_int_not_equal(ctl_edit_parse_rule("port outside x", "rule", &r, err, sizeof(err)), 0);
	assert_string_equal(err, "rule:1:1: a rule starts with 'drop' or 'pass'");
	assert_int_not_equal(ctl_edit_parse_rule("drop src 1.2.3.4/33", "rule", &r, err, sizeof(err)), 0);
	assert_string_equal(err, "rule:1:10: '1.2.3.4/33' is not an IPv4 or IPv6 prefix");
	assert_int_not_equal(ctl_edit_parse_rule("drop\ndrop", "rule", &r, err, sizeof(err)), 0);
	assert_string_equal(err, "rule:1:5: a rule is one line");
}

/* A described packet and the decision the rules must give it. */
struct trace_case {
	const char *pkt;
	int verdict;
	uint32_t rule;
};

/* Trace every case through rs; a wrong decision names the packet. */
static void expect_traces(const struct fp_ruleset *rs, const struct trace_case *cases, size_t n)
{
	char err[CTL_ERR_LEN];
	struct ctl_trace t;

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ctl_trace_run(rs, cases[i].pkt, &t, err, sizeof(err)), 0);
		if (t.dec.verdict != cases[i].verdict || t.dec.rule != cases[i].rule)
			fail_msg("%s: measured verdict %d rule %u, expected %d and %u", cases[i].pkt,
				 t.dec.verdict, t.dec.rule, cases[i].verdict, cases[i].rule);
	}
}

static void test_trace(void **state)
{
	static const char conf[] = "drop src 198.18.9.0/24\ndrop icmp type 8 in outside\n"
				   "pass proto tcp\ndrop dst 2001:db8::/64\n";
	static const struct trace_case cases[] = {
		{ "src 198.18.9.1 dst 198.18.1.1 proto udp in outside", FP_DROP, 0 },
		{ "src 198.18.1.1 dst 198.18.9.1 proto icmp icmp type 8 in outside", FP_DROP, 1 },
		{ "src 198.18.1.1 dst 198.18.9.1 proto icmp icmp type 8 in inside", FP_PASS, FP_NO_RULE },
		{ "src 198.18.1.1 dst 198.18.2.1 proto tcp in inside", FP_PASS, 2 },
		{ "src 2001:db8:1::1 dst 2001:db8::5 proto udp in inside", FP_DROP, 3 },
	};
	struct fw_config cfg;
	struct fp_ruleset *rs;
	struct ctl_trace t;
	char err[CTL_ERR_LEN], desc[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(ctl_config_parse_buf(conf, sizeof(conf) - 1, "t.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(fp_ruleset_create(cfg.rules, cfg.nrules, &cfg.policy, &rs), 0);
	expect_traces(rs, cases, sizeof(cases) / sizeof(cases[0]));
	ctl_trace_run(rs, cases[1].pkt, &t, err, sizeof(err));
	ctl_trace_format(&t, desc, sizeof(desc));
	assert_string_equal(desc, "src 198.18.1.1 dst 198.18.9.1 icmp type 8 in outside");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.1 proto udp in outside", &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet: a packet needs 'src ADDR' and 'dst ADDR'");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.0/24 dst 198.18.1.1 proto udp in outside", &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet: src and dst must be single addresses, not prefixes");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.1 dst 198.18.1.300 proto udp", &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet:1:20: '198.18.1.300' is not an IPv4 or IPv6 prefix");
	fp_ruleset_destroy(rs);
	ctl_config_fini(&cfg);
}

/* sport and dport in a description: the frame carries them, and port
 * rules decide it as the workers would. */
static void test_trace_ports(void **state)
{
	static const char conf[] = "pass proto tcp sport 1024-65535 dport 22 src 198.18.0.0/16\n"
				   "drop proto tcp dport 22\ndrop proto udp dport 53\n"
				   "pass proto sctp sport 0-65535\ndrop proto 136 dport 0\n";
	static const struct trace_case cases[] = {
		{ "src 198.18.1.1 dst 198.19.1.1 proto tcp sport 40000 dport 22 in outside", FP_PASS, 0 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto tcp sport 1023 dport 22 in outside", FP_DROP, 1 },
		{ "src 10.1.1.1 dst 198.19.1.1 proto tcp sport 65535 dport 22 in outside", FP_DROP, 1 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto 6 dport 22 in inside", FP_DROP, 1 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto tcp sport 22 dport 23 in inside", FP_PASS, FP_NO_RULE },
		{ "src 198.18.1.1 dst 198.19.1.1 proto udp dport 53 sport 53 in outside", FP_DROP, 2 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto udp dport 54 in outside", FP_PASS, FP_NO_RULE },
		{ "src 2001:db8::1 dst 2001:db8::2 proto udp dport 53 in inside", FP_DROP, 2 },
		{ "src 2001:db8::1 dst 2001:db8::2 proto sctp in inside", FP_PASS, 3 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto udplite sport 9 in outside", FP_DROP, 4 },
		{ "src 198.18.1.1 dst 198.19.1.1 proto udplite dport 1 in outside", FP_PASS, FP_NO_RULE },
		{ "src 198.18.1.1 dst 198.19.1.1 proto dccp sport 1 dport 22 in outside", FP_PASS, FP_NO_RULE },
	};
	struct fw_config cfg;
	struct fp_ruleset *rs;
	struct ctl_trace t;
	char err[CTL_ERR_LEN], desc[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(ctl_config_parse_buf(conf, sizeof(conf) - 1, "t.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(fp_ruleset_create(cfg.rules, cfg.nrules, &cfg.policy, &rs), 0);
	expect_traces(rs, cases, sizeof(cases) / sizeof(cases[0]));
	ctl_trace_run(rs, cases[5].pkt, &t, err, sizeof(err));
	ctl_trace_format(&t, desc, sizeof(desc));
	assert_string_equal(desc, "src 198.18.1.1 dst 198.19.1.1 proto udp sport 53 dport 53 in outside");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.1 dst 198.19.1.1 proto tcp dport 1-2 in outside",
					   &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet: sport and dport must be single ports, not ranges");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.1 dst 198.19.1.1 proto icmp dport 1 in outside",
					   &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet:1:42: 'proto icmp' has no ports ('dport' needs tcp, udp, dccp, "
			    "sctp, udplite or its number)");
	assert_int_not_equal(ctl_trace_run(rs, "src 198.18.1.1 dst 198.19.1.1 sport 1 proto tcp in outside",
					   &t, err, sizeof(err)), 0);
	assert_string_equal(err, "packet:1:31: 'sport' must follow 'proto P', P a protocol with ports "
			    "(tcp, udp, dccp, sctp, udplite or its number)");
	fp_ruleset_destroy(rs);
	ctl_config_fini(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_edit_rule),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_trace_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
