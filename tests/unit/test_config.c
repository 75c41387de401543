/* tests/unit/test_config.c - control/config_*.c: grammar, defaults, every
 * error path with its exact message, includes, round trips, scale.
 * Fixtures live in tests/data/config/.
 *
 * Long on purpose: one table of cases per part of the grammar, for every
 * documented message; the test functions themselves stay short.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"

#define DATA FW_TEST_DATA "/config"

struct err_case {
	const char *in;
	const char *msg;
};

static int parse(const char *text, struct fw_config *c, char *err)
{
	return ctl_config_parse_buf(text, strlen(text), "demo.conf", c, err,
				    CTL_ERR_LEN);
}

/* The state every failed parse must leave behind. */
static void assert_cfg_empty(const struct fw_config *c)
{
	struct fw_config e;

	ctl_config_init(&e);
	assert_int_equal(c->nrules, 0);
	assert_null(c->rules);
	assert_memory_equal(c, &e, sizeof(e));
}

/* A successful parse of a file with no keys: the defaults, and the one
 * file read. */
static void assert_cfg_defaults(const struct fw_config *c, const char *file)
{
	struct fw_config e;

	ctl_config_init(&e);
	assert_int_equal(c->nfiles, 1);
	assert_string_equal(c->files[0], file);
	e.files = c->files;
	e.nfiles = c->nfiles;
	assert_memory_equal(c, &e, sizeof(e));
}

static struct fp_prefix pfx(const char *addr, unsigned int len)
{
	struct fp_prefix p;

	memset(&p, 0, sizeof(p));
	if (strchr(addr, ':')) {
		p.family = FP_FAMILY_IPV6;
		assert_int_equal(inet_pton(AF_INET6, addr, p.addr), 1);
	} else {
		p.family = FP_FAMILY_IPV4;
		assert_int_equal(inet_pton(AF_INET, addr, p.addr), 1);
	}
	p.len = (uint8_t)len;
	return p;
}

/* In place, so that the padding is zero as the parser leaves it. */
static void rule(struct fp_rule *r, uint8_t action, uint32_t line)
{
	memset(r, 0, sizeof(*r));
	r->action = action;
	r->line = line;
}

static void assert_rule(const struct fp_rule *got, const struct fp_rule *want)
{
	assert_int_equal(got->action, want->action);
	assert_int_equal(got->match, want->match);
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->icmp_type, want->icmp_type);
	assert_int_equal(got->icmp_code, want->icmp_code);
	assert_int_equal(got->in_port, want->in_port);
	assert_int_equal(got->sport_lo, want->sport_lo);
	assert_int_equal(got->sport_hi, want->sport_hi);
	assert_int_equal(got->dport_lo, want->dport_lo);
	assert_int_equal(got->dport_hi, want->dport_hi);
	assert_int_equal(got->line, want->line);
	assert_memory_equal(&got->src, &want->src, sizeof(got->src));
	assert_memory_equal(&got->dst, &want->dst, sizeof(got->dst));
	assert_memory_equal(got, want, sizeof(*got));
}

/* The rules of tests/data/config/demo.conf, in order. */
static void demo_rules(struct fp_rule *w)
{
	rule(&w[0], FP_PASS, 13);
	w[0].match = FP_MATCH_SRC | FP_MATCH_FAMILY;
	w[0].family = FP_FAMILY_IPV4;
	w[0].src = pfx("198.18.200.7", 32);
	rule(&w[1], FP_DROP, 14);
	w[1].match = FP_MATCH_SRC | FP_MATCH_FAMILY;
	w[1].family = FP_FAMILY_IPV4;
	w[1].src = pfx("198.18.200.0", 24);
	rule(&w[2], FP_DROP, 15);
	w[2].match = FP_MATCH_PROTO | FP_MATCH_FAMILY | FP_MATCH_ICMP_TYPE;
	w[2].family = FP_FAMILY_IPV4;
	w[2].proto = 1;
	w[2].icmp_type = 8;
	rule(&w[3], FP_DROP, 16);
	w[3].match = FP_MATCH_DST | FP_MATCH_FAMILY | FP_MATCH_PROTO | FP_MATCH_IN;
	w[3].family = FP_FAMILY_IPV6;
	w[3].dst = pfx("2001:db8:bad::", 48);
	w[3].proto = 17;
	w[3].in_port = FP_PORT_OUTSIDE;
	rule(&w[4], FP_DROP, 17);
	w[4].match = FP_MATCH_PROTO | FP_MATCH_FAMILY | FP_MATCH_ICMP_TYPE |
		     FP_MATCH_ICMP_CODE;
	w[4].family = FP_FAMILY_IPV6;
	w[4].proto = 58;
	w[4].icmp_type = 137;
	w[4].icmp_code = 0;
	rule(&w[5], FP_PASS, 18);
	w[5].match = FP_MATCH_PROTO | FP_MATCH_IN;
	w[5].proto = 6;
	w[5].in_port = FP_PORT_INSIDE;
	rule(&w[6], FP_DROP, 19);
}

static void test_demo(void **state)
{
	struct fp_rule want[7];
	struct fw_config c;
	char err[CTL_ERR_LEN] = "untouched";
	size_t i;

	(void)state;
	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(ctl_config_load(DATA "/demo.conf", NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.port[FP_PORT_OUTSIDE], "eth1");
	assert_string_equal(c.port[FP_PORT_INSIDE], "eth2");
	assert_int_equal(c.queues_all, 0);
	assert_int_equal(c.queue_mask, 0x4f);
	assert_int_equal(c.policy.deflt, FP_DROP);
	assert_int_equal(c.policy.malformed, FP_PASS);
	assert_int_equal(c.policy.non_ip, FP_DROP);
	assert_int_equal(c.on_miss, FP_PASS);
	assert_int_equal(c.xdp_mode, FP_XDP_NATIVE);
	assert_int_equal(c.bind_mode, FP_BIND_COPY);
	assert_int_equal(c.ncpus, 3);
	assert_int_equal(c.cpus[0], 2);
	assert_int_equal(c.cpus[1], 4);
	assert_int_equal(c.cpus[2], 5);
	assert_int_equal(c.cpus[3], 0);
	assert_int_equal(c.nrules, 7);
	assert_true(c.rules_cap >= c.nrules);
	demo_rules(want);
	for (i = 0; i < 7; i++)
		assert_rule(&c.rules[i], &want[i]);
	assert_int_equal(ctl_config_validate_ports(&c, err, sizeof(err)), 0);
	ctl_config_fini(&c);
	assert_cfg_empty(&c);
}

static void test_worker_keys(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("idle-spin-us 0\nbusy-poll on\nbusy-poll-budget 1024\n", &c, err), 0);
	assert_int_equal(c.idle_spin_us, 0);
	assert_int_equal(c.busy_poll, 1);
	assert_int_equal(c.busy_poll_budget, 1024);
	ctl_config_fini(&c);
	assert_int_equal(parse("idle-spin-us 1000000\nbusy-poll off\nbusy-poll-budget 1\n", &c, err), 0);
	assert_int_equal(c.idle_spin_us, 1000000);
	assert_int_equal(c.busy_poll, 0);
	assert_int_equal(c.busy_poll_budget, 1);
	ctl_config_fini(&c);
}

static void test_reload_memory_key(void **state)
{
	struct fw_config a, b;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("reload-memory keep\n", &a, err), 0);
	assert_int_equal(a.reload_memory, CTL_RELOAD_MEMORY_KEEP);
	assert_int_equal(parse("reload-memory release\n", &b, err), 0);
	assert_int_equal(b.reload_memory, CTL_RELOAD_MEMORY_RELEASE);
	assert_null(ctl_config_restart_key(&a, &b)); /* a reload may change it */
	ctl_config_fini(&a);
	ctl_config_fini(&b);
	assert_int_equal(parse("reload-memory hold\n", &a, err), -EINVAL);
	assert_non_null(strstr(err, "demo.conf:1:15:"));
	assert_int_equal(parse("reload-memory keep\nreload-memory keep\n", &a, err), -EINVAL);
	assert_non_null(strstr(err, "demo.conf:2:1:"));
}

static void test_defaults(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	memset(&c, 0x55, sizeof(c));
	assert_int_equal(parse("# nothing but comments\n\n   \t\n", &c, err), 0);
	assert_string_equal(c.port[FP_PORT_OUTSIDE], "");
	assert_string_equal(c.port[FP_PORT_INSIDE], "");
	assert_int_equal(c.queues_all, 1);
	assert_int_equal(c.queue_mask, 0);
	assert_int_equal(c.policy.deflt, FP_PASS);
	assert_int_equal(c.policy.malformed, FP_DROP);
	assert_int_equal(c.policy.non_ip, FP_PASS);
	assert_int_equal(c.on_miss, FP_DROP);
	assert_int_equal(c.xdp_mode, FP_XDP_AUTO);
	assert_int_equal(c.bind_mode, FP_BIND_AUTO);
	assert_int_equal(c.ncpus, 0);
	assert_int_equal(c.idle_spin_us, CTL_DEFAULT_IDLE_SPIN_US);
	assert_int_equal(c.busy_poll, 0);
	assert_int_equal(c.busy_poll_budget, CTL_DEFAULT_BUSY_POLL_BUDGET);
	assert_int_equal(c.reload_memory, CTL_RELOAD_MEMORY_RELEASE);
	assert_int_equal(c.nrules, 0);
	assert_null(c.rules);
	assert_string_equal(c.control_socket, CTL_DEFAULT_CONTROL_SOCKET);
	assert_string_equal(c.control_group, "");
	assert_string_equal(c.metrics_listen, "");
	assert_int_equal(c.metrics_rules, CTL_DEFAULT_METRICS_RULES);
	assert_int_equal(c.log_level, FW_LOG_INFO);
	assert_cfg_defaults(&c, "demo.conf");
	ctl_config_fini(&c);

	assert_int_equal(parse("", &c, err), 0);
	assert_cfg_defaults(&c, "demo.conf");
	ctl_config_fini(&c);
	assert_cfg_empty(&c);
}

/* The control socket, metrics and logging keys, and their errors. */
static void test_service_keys(void **state)
{
	const struct err_case errs[] = {
		{ "control-socket run/x.sock", "demo.conf:1:16: 'run/x.sock' is not an absolute path (control-socket /ABSOLUTE/PATH)" },
		{ "control-group 9wheel", "demo.conf:1:15: '9wheel' is not a group name (lower-case letters, digits, '_' and '-', starting with a letter or '_')" },
		{ "metrics-listen localhost:9469", "demo.conf:1:16: 'localhost:9469' is not a numeric address and port (metrics-listen ADDR:PORT|[ADDR6]:PORT)" },
		{ "metrics-listen 127.0.0.1:70000", "demo.conf:1:16: '127.0.0.1:70000': the port must be a number 1-65535 (metrics-listen ADDR:PORT|[ADDR6]:PORT)" },
		{ "metrics-rules 100001", "demo.conf:1:15: '100001' is out of range for metrics-rules (0-100000)" },
		{ "log-level loud", "demo.conf:1:11: 'loud' is not a valid log-level (expected error, warning, info or debug)" },
	};
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("control-socket /run/fw/c.sock\ncontrol-group fwadm\n"
			       "metrics-listen [::1]:9469\nmetrics-rules 7\nlog-level debug\n", &c, err), 0);
	assert_string_equal(c.control_socket, "/run/fw/c.sock");
	assert_string_equal(c.control_group, "fwadm");
	assert_string_equal(c.metrics_listen, "[::1]:9469");
	assert_int_equal(c.metrics_rules, 7);
	assert_int_equal(c.log_level, FW_LOG_DEBUG);
	ctl_config_fini(&c);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		assert_int_not_equal(parse(errs[i].in, &c, err), 0);
		assert_string_equal(err, errs[i].msg);
		assert_cfg_empty(&c);
	}
}

/* Lexical corners: CRLF, no final newline, comments glued to words,
 * `queues all`, overlapping queue ranges, the extremes of every number. */
static void test_lexical(void **state)
{
	const char *text =
		"queues 1-2,2-3\r\n"
		"queues2 # not reached\n";
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("queues 1-2,2-3,63\r\nqueues 1\r\n", &c, err), -EINVAL);
	assert_string_equal(err, "demo.conf:2:1: queues given twice (first at demo.conf:1)");
	assert_int_equal(parse(text, &c, err), -EINVAL);
	assert_string_equal(err, "demo.conf:2:1: unknown keyword 'queues2'");

	assert_int_equal(parse("queues 1-2,2-3,63\r\n"
			       "drop src 10.0.0.0/8#glued comment\r\n"
			       "\tpass icmp type 255 code 255 proto 1\r\n"
			       "drop proto 0 in inside", &c, err), 0);
	assert_int_equal(c.queues_all, 0);
	assert_int_equal(c.queue_mask, (1ull << 63) | 0xe);
	assert_int_equal(c.nrules, 3);
	assert_int_equal(c.rules[0].src.len, 8);
	assert_int_equal(c.rules[1].icmp_type, 255);
	assert_int_equal(c.rules[1].icmp_code, 255);
	assert_int_equal(c.rules[1].match, FP_MATCH_PROTO | FP_MATCH_FAMILY |
			 FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE);
	assert_int_equal(c.rules[2].proto, 0);
	assert_int_equal(c.rules[2].match, FP_MATCH_PROTO | FP_MATCH_IN);
	assert_int_equal(c.rules[2].line, 4);
	ctl_config_fini(&c);

	assert_int_equal(parse("queues all\ncpus 1023\n", &c, err), 0);
	assert_int_equal(c.queues_all, 1);
	assert_int_equal(c.queue_mask, 0);
	assert_int_equal(c.ncpus, 1);
	assert_int_equal(c.cpus[0], 1023);
	ctl_config_fini(&c);
}

/* `proto icmp` is `icmp`; `proto 1` alone implies no family. */
static void test_proto_family(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("drop proto icmp\ndrop icmp\ndrop proto 1\n"
			       "drop proto icmp6\ndrop proto 58\n"
			       "drop proto icmp icmp type 3\n"
			       "drop proto 58 src 10.0.0.0/8\n", &c, err), 0);
	assert_int_equal(c.nrules, 7);
	assert_int_equal(c.rules[0].match, FP_MATCH_PROTO | FP_MATCH_FAMILY);
	assert_int_equal(c.rules[0].family, FP_FAMILY_IPV4);
	assert_int_equal(c.rules[0].proto, 1);
	c.rules[1].line = c.rules[0].line;
	assert_memory_equal(&c.rules[0], &c.rules[1], sizeof(c.rules[0]));
	assert_int_equal(c.rules[2].match, FP_MATCH_PROTO);
	assert_int_equal(c.rules[2].family, FP_FAMILY_ANY);
	assert_int_equal(c.rules[3].match, FP_MATCH_PROTO | FP_MATCH_FAMILY);
	assert_int_equal(c.rules[3].family, FP_FAMILY_IPV6);
	assert_int_equal(c.rules[3].proto, 58);
	assert_int_equal(c.rules[4].match, FP_MATCH_PROTO);
	assert_int_equal(c.rules[5].icmp_type, 3);
	assert_int_equal(c.rules[6].family, FP_FAMILY_IPV4);
	assert_int_equal(c.rules[6].proto, 58);
	ctl_config_fini(&c);
}

static void check_icmp_name(const char *word, const char *name, int value)
{
	struct fw_config c;
	char text[128], err[CTL_ERR_LEN];

	snprintf(text, sizeof(text), "drop %s type %s\n", word, name);
	assert_int_equal(parse(text, &c, err), 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].icmp_type, value);
	assert_int_equal(c.rules[0].proto, strcmp(word, "icmp") ? 58 : 1);
	ctl_config_fini(&c);
}

static void test_icmp_names(void **state)
{
	static const struct { const char *name; int v; } v4[] = {
		{ "echo-reply", 0 }, { "destination-unreachable", 3 },
		{ "dest-unreachable", 3 }, { "source-quench", 4 },
		{ "redirect", 5 }, { "echo-request", 8 },
		{ "router-advertisement", 9 }, { "router-solicitation", 10 },
		{ "time-exceeded", 11 }, { "parameter-problem", 12 },
		{ "timestamp-request", 13 }, { "timestamp-reply", 14 },
		{ "info-request", 15 }, { "info-reply", 16 },
		{ "address-mask-request", 17 }, { "address-mask-reply", 18 },
	}, v6[] = {
		{ "destination-unreachable", 1 }, { "dest-unreachable", 1 },
		{ "packet-too-big", 2 }, { "time-exceeded", 3 },
		{ "parameter-problem", 4 }, { "echo-request", 128 },
		{ "echo-reply", 129 }, { "mld-listener-query", 130 },
		{ "mld-listener-report", 131 }, { "mld-listener-done", 132 },
		{ "mld-listener-reduction", 132 }, { "nd-router-solicit", 133 },
		{ "nd-router-advert", 134 }, { "nd-neighbor-solicit", 135 },
		{ "nd-neighbor-advert", 136 }, { "nd-redirect", 137 },
		{ "router-renumbering", 138 }, { "mld2-listener-report", 143 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		check_icmp_name("icmp", v4[i].name, v4[i].v);
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		check_icmp_name("icmp6", v6[i].name, v6[i].v);
}

static void run_err_cases(const struct err_case *cases, size_t n)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&c, 0xAA, sizeof(c));
		memset(err, 0, sizeof(err));
		assert_int_equal(parse(cases[i].in, &c, err), -EINVAL);
		assert_string_equal(err, cases[i].msg);
		assert_cfg_empty(&c);
	}
}

static void test_errors_keys(void **state)
{
	static const struct err_case cases[] = {
		{ "polcy pass", "demo.conf:1:1: unknown keyword 'polcy'" },
		{ "# c\n  \tpolcy pass", "demo.conf:2:4: unknown keyword 'polcy'" },
		{ "Drop", "demo.conf:1:1: unknown keyword 'Drop'" },
		{ "policy", "demo.conf:1:7: missing argument after 'policy'" },
		{ "policy   # nothing", "demo.conf:1:7: missing argument after 'policy'" },
		{ "port outside", "demo.conf:1:13: missing argument after 'outside'" },
		{ "include", "demo.conf:1:8: missing argument after 'include'" },
		{ "policy drop pass",
		  "demo.conf:1:13: extra argument 'pass' (usage: policy pass|drop)" },
		{ "port outside eth1 eth2",
		  "demo.conf:1:19: extra argument 'eth2' (usage: port outside|inside IFNAME)" },
		{ "policy maybe",
		  "demo.conf:1:8: 'maybe' is not a valid policy (expected pass or drop)" },
		{ "on-miss PASS",
		  "demo.conf:1:9: 'PASS' is not a valid on-miss (expected pass or drop)" },
		{ "xdp-mode fast",
		  "demo.conf:1:10: 'fast' is not a valid xdp-mode (expected auto, native or generic)" },
		{ "bind-mode zerocopy",
		  "demo.conf:1:11: 'zerocopy' is not a valid bind-mode (expected auto, zero-copy or copy)" },
		{ "busy-poll yes",
		  "demo.conf:1:11: 'yes' is not a valid busy-poll (expected off or on)" },
		{ "idle-spin-us 1000001",
		  "demo.conf:1:14: '1000001' is out of range for idle-spin-us (0-1000000)" },
		{ "idle-spin-us 99999999999",
		  "demo.conf:1:14: '99999999999' is out of range for idle-spin-us (0-1000000)" },
		{ "idle-spin-us -5",
		  "demo.conf:1:14: '-5' is not a number (idle-spin-us takes 0-1000000)" },
		{ "busy-poll-budget 0",
		  "demo.conf:1:18: '0' is out of range for busy-poll-budget (1-1024)" },
		{ "busy-poll-budget 64k",
		  "demo.conf:1:18: '64k' is not a number (busy-poll-budget takes 1-1024)" },
		{ "busy-poll-budget",
		  "demo.conf:1:17: missing argument after 'busy-poll-budget'" },
		{ "port sideways eth1",
		  "demo.conf:1:6: 'sideways' is not a port (expected outside or inside)" },
		{ "port outside eth0123456789abc",
		  "demo.conf:1:14: interface name 'eth0123456789abc' is longer than 15 characters" },
		{ "port outside a/b", "demo.conf:1:14: interface name 'a/b' contains '/'" },
		{ "port inside eth0:1", "demo.conf:1:13: interface name 'eth0:1' contains ':'" },
		{ "port outside .", "demo.conf:1:14: '.' is not a valid interface name" },
		{ "port outside ..", "demo.conf:1:14: '..' is not a valid interface name" },
		{ "port outside eth\x01",
		  "demo.conf:1:14: interface name 'eth\x01' contains whitespace or a control character" },
		{ "port outside eth1\nport inside eth1",
		  "demo.conf:2:13: 'eth1' is already port outside (at demo.conf:1)" },
		{ "port inside eth1\nport outside eth1",
		  "demo.conf:2:14: 'eth1' is already port inside (at demo.conf:1)" },
		{ "pass\0x", "demo.conf:1:5: NUL byte in line" },
	};

	(void)state;
	run_err_cases(cases, sizeof(cases) / sizeof(cases[0]) - 1);
	/* the NUL case needs an explicit length */
	{
		struct fw_config c;
		char err[CTL_ERR_LEN];

		assert_int_equal(ctl_config_parse_buf("pass\0x", 6, "demo.conf", &c,
						      err, sizeof(err)), -EINVAL);
		assert_string_equal(err, cases[sizeof(cases) / sizeof(cases[0]) - 1].msg);
		assert_cfg_empty(&c);
		/* a NUL inside a comment is only a comment */
		assert_int_equal(ctl_config_parse_buf("pass # \0x", 9, "demo.conf", &c,
						      err, sizeof(err)), 0);
		assert_int_equal(c.nrules, 1);
		ctl_config_fini(&c);
	}
}

static void test_errors_lists(void **state)
{
	static const struct err_case cases[] = {
		{ "queues 5-3", "demo.conf:1:8: range '5-3' ends before it starts" },
		{ "queues 64", "demo.conf:1:8: '64' is out of range (queue ids are 0-63)" },
		{ "queues 0-64", "demo.conf:1:8: '0-64' is out of range (queue ids are 0-63)" },
		{ "queues 0,2,64", "demo.conf:1:12: '64' is out of range (queue ids are 0-63)" },
		{ "queues 99999999999",
		  "demo.conf:1:8: '99999999999' is out of range (queue ids are 0-63)" },
		{ "queues x", "demo.conf:1:8: 'x' is not a queue id or a range (N or N-M)" },
		{ "queues 1,,2", "demo.conf:1:10: '' is not a queue id or a range (N or N-M)" },
		{ "queues 1-", "demo.conf:1:8: '1-' is not a queue id or a range (N or N-M)" },
		{ "queues -1", "demo.conf:1:8: '-1' is not a queue id or a range (N or N-M)" },
		{ "queues +1", "demo.conf:1:8: '+1' is not a queue id or a range (N or N-M)" },
		{ "queues 0x3", "demo.conf:1:8: '0x3' is not a queue id or a range (N or N-M)" },
		{ "queues 1-2-3", "demo.conf:1:8: '1-2-3' is not a queue id or a range (N or N-M)" },
		{ "cpus 0-1024", "demo.conf:1:6: '0-1024' is out of range (cpus are 0-1023)" },
		{ "cpus 3-1", "demo.conf:1:6: range '3-1' ends before it starts" },
		{ "cpus 0-1023,5", "demo.conf:1:13: too many cpus (at most 1024)" },
	};

	(void)state;
	run_err_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_errors_rules(void **state)
{
	static const struct err_case cases[] = {
		{ "drop src 198.18.0.0/33",
		  "demo.conf:1:10: '198.18.0.0/33' is not an IPv4 or IPv6 prefix" },
		{ "drop src 198.18.0.1/24",
		  "demo.conf:1:10: '198.18.0.1/24' has host bits set (did you mean 198.18.0.0/24?)" },
		{ "drop dst 2001:db8::1/64",
		  "demo.conf:1:10: '2001:db8::1/64' has host bits set (did you mean 2001:db8::/64?)" },
		{ "drop src 10.0.0.1/0",
		  "demo.conf:1:10: '10.0.0.1/0' has host bits set (did you mean 0.0.0.0/0?)" },
		{ "drop src localhost", "demo.conf:1:10: 'localhost' is not an IPv4 or IPv6 prefix" },
		{ "drop src 10.0.0.0/", "demo.conf:1:10: '10.0.0.0/' is not an IPv4 or IPv6 prefix" },
		{ "drop src 10.0.0.0/+8", "demo.conf:1:10: '10.0.0.0/+8' is not an IPv4 or IPv6 prefix" },
		{ "drop src 10.0.0/8", "demo.conf:1:10: '10.0.0/8' is not an IPv4 or IPv6 prefix" },
		{ "drop src /8", "demo.conf:1:10: '/8' is not an IPv4 or IPv6 prefix" },
		{ "drop src 2001:db8::/129",
		  "demo.conf:1:10: '2001:db8::/129' is not an IPv4 or IPv6 prefix" },
		{ "drop src fe80::1%eth0", "demo.conf:1:10: 'fe80::1%eth0' is not an IPv4 or IPv6 prefix" },
		{ "drop src", "demo.conf:1:9: missing argument after 'src'" },
		{ "drop src 10.0.0.0/8 src 10.0.0.0/8",
		  "demo.conf:1:21: 'src' given twice in one rule" },
		{ "drop proto 1 proto 1", "demo.conf:1:14: 'proto' given twice in one rule" },
		{ "drop icmp type 8 icmp", "demo.conf:1:18: 'icmp' given twice in one rule" },
		{ "drop in inside in inside", "demo.conf:1:16: 'in' given twice in one rule" },
		{ "drop src 10.0.0.0/8 dst 2001:db8::/32",
		  "demo.conf:1:25: src and dst are of different families ('10.0.0.0/8' is IPv4, '2001:db8::/32' is IPv6)" },
		{ "drop icmp src 2001:db8::/32",
		  "demo.conf:1:15: IPv6 prefix '2001:db8::/32' cannot be used with icmp (use icmp6)" },
		{ "drop src 10.0.0.0/8 icmp6",
		  "demo.conf:1:21: icmp6 cannot be used with IPv4 prefix '10.0.0.0/8' (use icmp)" },
		{ "drop proto icmp6 dst 10.0.0.0/8",
		  "demo.conf:1:22: IPv4 prefix '10.0.0.0/8' cannot be used with icmp6 (use icmp)" },
		{ "drop dst 2001:db8::/32 proto icmp",
		  "demo.conf:1:30: icmp cannot be used with IPv6 prefix '2001:db8::/32' (use icmp6)" },
		{ "drop proto tcp icmp type 8", "demo.conf:1:16: 'icmp' conflicts with 'proto tcp'" },
		{ "drop icmp proto udp", "demo.conf:1:11: 'proto udp' conflicts with 'icmp'" },
		{ "drop icmp icmp6", "demo.conf:1:11: 'icmp6' conflicts with 'icmp'" },
		{ "drop icmp code 0", "demo.conf:1:11: 'code' needs a 'type' before it" },
		{ "drop icmp type", "demo.conf:1:15: missing argument after 'type'" },
		{ "drop icmp type 8 code", "demo.conf:1:22: missing argument after 'code'" },
		{ "drop type 8", "demo.conf:1:6: 'type' must follow 'icmp' or 'icmp6'" },
		{ "drop icmp type 3 in inside code 1",
		  "demo.conf:1:28: 'code' must follow 'icmp' or 'icmp6' and a type" },
		{ "drop icmp type 256",
		  "demo.conf:1:16: '256' is out of range for an ICMP type (0-255)" },
		{ "drop icmp6 type 4294967296",
		  "demo.conf:1:17: '4294967296' is out of range for an ICMPv6 type (0-255)" },
		{ "drop icmp type echo-reqest",
		  "demo.conf:1:16: 'echo-reqest' is not an ICMP type (a name or 0-255)" },
		{ "drop icmp type packet-too-big",
		  "demo.conf:1:16: 'packet-too-big' is not an ICMP type (a name or 0-255)" },
		{ "drop icmp6 type source-quench",
		  "demo.conf:1:17: 'source-quench' is not an ICMPv6 type (a name or 0-255)" },
		{ "drop icmp type 8 code x", "demo.conf:1:23: 'x' is not an ICMP code (0-255)" },
		{ "drop icmp type 8 code 300",
		  "demo.conf:1:23: '300' is out of range for an ICMP code (0-255)" },
		{ "drop proto 300", "demo.conf:1:12: '300' is out of range for a protocol (0-255)" },
		{ "drop proto -1",
		  "demo.conf:1:12: '-1' is not a protocol (icmp, icmp6, tcp, udp, dccp, sctp, udplite or 0-255)" },
		{ "drop proto gre",
		  "demo.conf:1:12: 'gre' is not a protocol (icmp, icmp6, tcp, udp, dccp, sctp, udplite or 0-255)" },
		{ "drop in middle", "demo.conf:1:9: 'middle' is not a port (expected outside or inside)" },
		{ "drop in", "demo.conf:1:8: missing argument after 'in'" },
		{ "pass foo", "demo.conf:1:6: unknown match 'foo' (expected src, dst, proto, icmp, icmp6 or in)" },
		{ "drop src 10.0.0.0/8 SRC 10.0.0.0/8",
		  "demo.conf:1:21: unknown match 'SRC' (expected src, dst, proto, icmp, icmp6 or in)" },
	};

	(void)state;
	run_err_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* sport/dport: where they may stand, their numbers and ranges. */
static void test_errors_ports(void **state)
{
	static const struct err_case cases[] = {
		{ "drop dport 80",
		  "demo.conf:1:6: 'dport' must follow 'proto P', P a protocol with ports (tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop sport 80 proto tcp",
		  "demo.conf:1:6: 'sport' must follow 'proto P', P a protocol with ports (tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop icmp dport 80",
		  "demo.conf:1:11: 'dport' must follow 'proto P', P a protocol with ports (tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop proto icmp dport 80",
		  "demo.conf:1:17: 'proto icmp' has no ports ('dport' needs tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop proto 47 sport 1",
		  "demo.conf:1:15: 'proto 47' has no ports ('sport' needs tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop proto icmp6 sport 1-2",
		  "demo.conf:1:18: 'proto icmp6' has no ports ('sport' needs tcp, udp, dccp, sctp, udplite or its number)" },
		{ "drop proto tcp src 10.0.0.0/8 dport 22",
		  "demo.conf:1:31: 'dport' must follow 'proto tcp' directly" },
		{ "drop proto 17 in inside sport 53",
		  "demo.conf:1:25: 'sport' must follow 'proto 17' directly" },
		{ "drop proto tcp dport 22 dport 23", "demo.conf:1:25: 'dport' given twice in one rule" },
		{ "drop proto tcp sport 1 dport 2 sport 1",
		  "demo.conf:1:32: 'sport' given twice in one rule" },
		{ "drop proto udp dport 22 in outside dport 23",
		  "demo.conf:1:36: 'dport' given twice in one rule" },
		{ "drop proto tcp dport", "demo.conf:1:21: missing argument after 'dport'" },
		{ "drop proto tcp sport 1 dport", "demo.conf:1:29: missing argument after 'dport'" },
		{ "drop proto tcp dport 443-80", "demo.conf:1:22: range '443-80' ends before it starts" },
		{ "drop proto tcp dport 65536", "demo.conf:1:22: '65536' is out of range (ports are 0-65535)" },
		{ "drop proto tcp dport 1-65536",
		  "demo.conf:1:22: '1-65536' is out of range (ports are 0-65535)" },
		{ "drop proto tcp sport 99999999999",
		  "demo.conf:1:22: '99999999999' is out of range (ports are 0-65535)" },
		{ "drop proto tcp dport http",
		  "demo.conf:1:22: 'http' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport -1", "demo.conf:1:22: '-1' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport 1-", "demo.conf:1:22: '1-' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport -", "demo.conf:1:22: '-' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport 1-2-3",
		  "demo.conf:1:22: '1-2-3' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport 0x50", "demo.conf:1:22: '0x50' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp dport 1,2", "demo.conf:1:22: '1,2' is not a port or a range (P or P-Q)" },
		{ "drop proto tcp Dport 1",
		  "demo.conf:1:16: unknown match 'Dport' (expected src, dst, proto, icmp, icmp6 or in)" },
	};

	(void)state;
	run_err_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* What sport and dport put in the rule; the protocol names with ports. */
static void test_ports(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(parse("drop proto tcp dport 22\n"
			       "pass proto udp sport 53 dport 1024-65535 src 10.0.0.0/8\n"
			       "drop proto sctp dport 0-65535 sport 0\n"
			       "drop proto dccp\ndrop proto udplite sport 007-0080\n"
			       "drop proto 6 sport 65535\n", &c, err), 0);
	assert_int_equal(c.nrules, 6);
	assert_int_equal(c.rules[0].match, FP_MATCH_PROTO | FP_MATCH_DPORT);
	assert_int_equal(c.rules[0].proto, FP_PROTO_TCP);
	assert_int_equal(c.rules[0].dport_lo, 22);
	assert_int_equal(c.rules[0].dport_hi, 22);
	assert_int_equal(c.rules[0].sport_lo, 0);
	assert_int_equal(c.rules[0].sport_hi, 0);
	assert_int_equal(c.rules[1].match, FP_MATCH_PROTO | FP_MATCH_SPORT | FP_MATCH_DPORT |
			 FP_MATCH_SRC | FP_MATCH_FAMILY);
	assert_int_equal(c.rules[1].sport_lo, 53);
	assert_int_equal(c.rules[1].sport_hi, 53);
	assert_int_equal(c.rules[1].dport_lo, 1024);
	assert_int_equal(c.rules[1].dport_hi, 65535);
	assert_int_equal(c.rules[2].proto, FP_PROTO_SCTP);
	assert_int_equal(c.rules[2].match, FP_MATCH_PROTO | FP_MATCH_SPORT | FP_MATCH_DPORT);
	assert_int_equal(c.rules[2].dport_lo, 0);
	assert_int_equal(c.rules[2].dport_hi, 65535);
	assert_int_equal(c.rules[3].proto, FP_PROTO_DCCP);
	assert_int_equal(c.rules[3].match, FP_MATCH_PROTO);
	assert_int_equal(c.rules[4].proto, FP_PROTO_UDPLITE);
	assert_int_equal(c.rules[4].sport_lo, 7);
	assert_int_equal(c.rules[4].sport_hi, 80);
	assert_int_equal(c.rules[5].proto, FP_PROTO_TCP);
	assert_int_equal(c.rules[5].match, FP_MATCH_PROTO | FP_MATCH_SPORT);
	assert_int_equal(c.rules[5].sport_lo, 65535);
	assert_int_equal(c.rules[5].dport_hi, 0);
	ctl_config_fini(&c);
}

static void test_too_many_words(void **state)
{
	struct fw_config c;
	char text[256], err[CTL_ERR_LEN], want[CTL_ERR_LEN];
	int i;

	(void)state;
	strcpy(text, "drop");
	for (i = 1; i < 65; i++)
		strcat(text, " x");
	assert_int_equal(parse(text, &c, err), -EINVAL);
	snprintf(want, sizeof(want),
		 "demo.conf:1:%d: too many words on one line (at most 64)", 4 + 64 * 2);
	assert_string_equal(err, want);
	assert_cfg_empty(&c);
}

static void test_twice(void **state)
{
	static const char *keys[][2] = {
		{ "port outside", "port outside eth1\n# c\nport outside eth3" },
		{ "port inside", "port inside eth1\n# c\nport inside eth3" },
		{ "queues", "queues 1\n# c\nqueues all" },
		{ "policy", "policy pass\n# c\npolicy pass" },
		{ "on-miss", "on-miss drop\n# c\non-miss pass" },
		{ "policy-malformed", "policy-malformed drop\n# c\npolicy-malformed drop" },
		{ "policy-non-ip", "policy-non-ip pass\n# c\npolicy-non-ip drop" },
		{ "xdp-mode", "xdp-mode auto\n# c\nxdp-mode auto" },
		{ "bind-mode", "bind-mode copy\n# c\nbind-mode zero-copy" },
		{ "cpus", "cpus 1\n# c\ncpus 2" },
		{ "idle-spin-us", "idle-spin-us 0\n# c\nidle-spin-us 0" },
		{ "busy-poll", "busy-poll on\n# c\nbusy-poll off" },
		{ "busy-poll-budget", "busy-poll-budget 8\n# c\nbusy-poll-budget 8" },
	};
	struct fw_config c;
	char err[CTL_ERR_LEN], want[CTL_ERR_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(want, sizeof(want),
			 "demo.conf:3:1: %s given twice (first at demo.conf:1)", keys[i][0]);
		assert_int_equal(parse(keys[i][1], &c, err), -EINVAL);
		assert_string_equal(err, want);
		assert_cfg_empty(&c);
	}
}

static void test_include(void **state)
{
	static const char *want[] = {
		"10.0.0.1", "10.0.0.5", "10.0.0.10", "10.0.0.20", "10.0.0.21", "10.9.9.9",
	};
	static const uint32_t lines[] = { 2, 2, 3, 1, 2, 7 };
	struct fw_config c;
	char err[CTL_ERR_LEN];
	struct fp_prefix p;
	size_t i;

	(void)state;
	assert_int_equal(ctl_config_load(DATA "/inc/main.conf", NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.port[FP_PORT_OUTSIDE], "eth1");
	assert_string_equal(c.port[FP_PORT_INSIDE], "eth2");
	assert_int_equal(c.nrules, 6);
	for (i = 0; i < 6; i++) {
		p = pfx(want[i], 32);
		assert_memory_equal(&c.rules[i].src, &p, sizeof(p));
		assert_int_equal(c.rules[i].line, lines[i]);
	}
	ctl_config_fini(&c);
}

static void test_include_errors(void **state)
{
	static const struct err_case cases[] = {
		{ DATA "/inc/missing.conf",
		  DATA "/inc/missing.conf:2:9: cannot open '" DATA
		  "/inc/no-such-file.rules': No such file or directory" },
		{ DATA "/inc/bad.conf",
		  DATA "/inc/sub/bad.rules:3:10: '10.0.0.256' is not an IPv4 or IPv6 prefix" },
		{ DATA "/inc/twice.conf",
		  DATA "/inc/sub/policy.rules:2:1: policy given twice (first at " DATA
		  "/inc/twice.conf:1)" },
		{ DATA "/inc/loop.conf",
		  DATA "/inc/loop.conf:2:9: cannot include 'loop.conf': includes nested deeper than 8 (include loop?)" },
		{ DATA "/depth/l0.conf",
		  DATA "/depth/l8.conf:2:9: cannot include 'l9.conf': includes nested deeper than 8 (include loop?)" },
		{ DATA "/inc/dir.conf",
		  DATA "/inc/dir.conf:1:9: cannot read '" DATA "/inc/sub': Is a directory" },
	};
	struct fw_config c;
	char err[CTL_ERR_LEN];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&c, 0xAA, sizeof(c));
		rc = ctl_config_load(cases[i].in, NULL, &c, err, sizeof(err));
		assert_true(rc < 0);
		assert_string_equal(err, cases[i].msg);
		assert_cfg_empty(&c);
	}
	/* eight nested includes are still fine */
	assert_int_equal(ctl_config_load(DATA "/depth/l1.conf", NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nrules, 9);
	assert_int_equal(c.rules[8].src.addr[3], 9);
	ctl_config_fini(&c);
}

/* A buffer's includes are relative to the directory of its name. */
static void test_include_from_buf(void **state)
{
	const char *text = "include inc/sub/one.rules\ninclude inc/d/*.nomatch\n";
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	assert_int_equal(ctl_config_parse_buf(text, strlen(text), DATA "/x.conf", &c,
					      err, sizeof(err)), 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].line, 2);
	ctl_config_fini(&c);
	text = "include " DATA "/inc/sub/one.rules\n";
	assert_int_equal(ctl_config_parse_buf(text, strlen(text), "/nonexistent/x.conf",
					      &c, err, sizeof(err)), 0);
	assert_int_equal(c.nrules, 1);
	ctl_config_fini(&c);
}

static void test_load_errors(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(ctl_config_load(DATA "/nope.conf", NULL, &c, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, DATA "/nope.conf: cannot open: No such file or directory");
	assert_cfg_empty(&c);
	assert_int_equal(ctl_config_load(DATA "/inc", NULL, &c, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, DATA "/inc: cannot read: Is a directory");
	assert_cfg_empty(&c);
	/* no error buffer at all is allowed */
	assert_int_equal(ctl_config_load(DATA "/nope.conf", NULL, &c, NULL, 0), -ENOENT);
	assert_int_equal(parse("polcy", &c, NULL), -EINVAL);
	assert_int_equal(ctl_config_parse_buf("polcy", 5, "demo.conf", &c, err, 10), -EINVAL);
	assert_string_equal(err, "demo.conf");
}

/* ---- reading limits: only regular files, bounded sizes and counts ---- */

static char limits_dir[] = "/tmp/xskwall-limits.XXXXXX";

static void write_file(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;

	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

static char *limits_path(const char *name)
{
	static char path[4][256];
	static int next;

	next = (next + 1) % 4;
	snprintf(path[next], sizeof(path[next]), "%s/%s", limits_dir, name);
	return path[next];
}

static void load_fails(const char *path, const char *want)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	memset(&c, 0xAA, sizeof(c));
	assert_true(ctl_config_load(path, NULL, &c, err, sizeof(err)) < 0);
	assert_string_equal(err, want);
	assert_cfg_empty(&c);
}

/* A device or a FIFO is refused at once (it used to hang, or read 2 GB). */
static void test_limit_file_types(void **state)
{
	char want[512], *fifo = limits_path("fifo");

	(void)state;
	load_fails("/dev/zero", "/dev/zero: cannot read: not a regular file (a character device)");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(want, sizeof(want), "%s: cannot read: not a regular file (a FIFO)", fifo);
	load_fails(fifo, want);
	write_file(limits_path("fifo.conf"), "port outside a0\ninclude fifo\n");
	snprintf(want, sizeof(want), "%s:2:9: cannot read '%s': not a regular file (a FIFO)",
		 limits_path("fifo.conf"), fifo);
	load_fails(limits_path("fifo.conf"), want);
	write_file(limits_path("dev.conf"), "include /dev/zero\n");
	snprintf(want, sizeof(want),
		 "%s:1:9: cannot read '/dev/zero': not a regular file (a character device)",
		 limits_path("dev.conf"));
	load_fails(limits_path("dev.conf"), want);
	unlink(fifo);
}

/* A file over CTL_MAX_FILE_BYTES (sparse: nothing is written). */
static void test_limit_file_size(void **state)
{
	char want[512], *big = limits_path("big.rules");
	int fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)CTL_MAX_FILE_BYTES + 1), 0);
	close(fd);
	snprintf(want, sizeof(want), "%s: cannot read: more than the %u bytes a configuration "
		 "file may have", big, CTL_MAX_FILE_BYTES);
	load_fails(big, want);
	write_file(limits_path("big.conf"), "# a big include\ninclude big.rules\n");
	snprintf(want, sizeof(want), "%s:2:9: cannot read '%s': more than the %u bytes a "
		 "configuration file may have", limits_path("big.conf"), big, CTL_MAX_FILE_BYTES);
	load_fails(limits_path("big.conf"), want);
	unlink(big);
}

/* Eight small files, each including the next ten times, would expand to
 * 10^7 rules: the file count stops it at once. */
static void test_limit_fan_out(void **state)
{
	char want[512], name[32];

	(void)state;
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "fan%d.conf", i);
		if (i == 7) {
			write_file(limits_path(name), "drop src 198.18.0.1\n");
			continue;
		}
		write_file(limits_path(name), "include fan%d.conf\ninclude fan%d.conf\n"
			   "include fan%d.conf\ninclude fan%d.conf\ninclude fan%d.conf\n"
			   "include fan%d.conf\ninclude fan%d.conf\ninclude fan%d.conf\n"
			   "include fan%d.conf\ninclude fan%d.conf\n", i + 1, i + 1, i + 1, i + 1,
			   i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
	}
	/* Depth first: fan0..fan3 are files 1-4, the first fan4 is file 5;
	 * under it nine whole fan5 trees (111 files each) end at 1004, the
	 * tenth fan5 is 1005, its first fan6 tree (11 files) ends at 1016,
	 * the next fan6 is 1017, and its 8th include of fan7 is file 1025. */
	snprintf(want, sizeof(want), "%s:8:9: cannot read '%s': more than %u files in the "
		 "configuration (an include counts each time it is read)", limits_path("fan6.conf"),
		 limits_path("fan7.conf"), CTL_MAX_FILES);
	load_fails(limits_path("fan0.conf"), want);
}

/* More than CTL_MAX_CONFIG_BYTES in all: one 1 MiB file included 300 times. */
static void test_limit_total_bytes(void **state)
{
	size_t mib = 1u << 20;
	char *line = malloc(mib), want[512];
	FILE *f;

	(void)state;
	assert_non_null(line);
	memset(line, 'x', mib - 1);
	line[0] = '#';
	line[mib - 1] = '\n';
	f = fopen(limits_path("mib.rules"), "w");
	assert_non_null(f);
	assert_int_equal(fwrite(line, 1, mib, f), mib);
	assert_int_equal(fclose(f), 0);
	free(line);
	f = fopen(limits_path("bytes.conf"), "w");
	assert_non_null(f);
	for (int i = 0; i < 300; i++)
		fprintf(f, "include mib.rules\n");
	assert_int_equal(fclose(f), 0);
	/* bytes.conf (5 400 bytes) and 255 includes of 1 MiB fit; the 256th
	 * brings the total over CTL_MAX_CONFIG_BYTES (256 MiB). */
	snprintf(want, sizeof(want), "%s:256:9: cannot read '%s': the configuration would exceed "
		 "%u bytes in all", limits_path("bytes.conf"), limits_path("mib.rules"),
		 CTL_MAX_CONFIG_BYTES);
	load_fails(limits_path("bytes.conf"), want);
}

/* More than CTL_MAX_RULES rules: a 20 000-rule file included 101 times. */
static void test_limit_rules(void **state)
{
	char want[512];
	FILE *f;

	(void)state;
	f = fopen(limits_path("many.rules"), "w");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "drop src 198.18.%d.%d\n", i / 256, i % 256);
	assert_int_equal(fclose(f), 0);
	f = fopen(limits_path("rules.conf"), "w");
	assert_non_null(f);
	for (int i = 0; i < 101; i++)
		fprintf(f, "include many.rules\n");
	assert_int_equal(fclose(f), 0);
	snprintf(want, sizeof(want), "%s:1:1: more than %u rules in the configuration",
		 limits_path("many.rules"), CTL_MAX_RULES);
	load_fails(limits_path("rules.conf"), want);
}

static int limits_setup(void **state)
{
	(void)state;
	return mkdtemp(limits_dir) ? 0 : -1;
}

static int limits_teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", limits_dir);
	return system(cmd) ? -1 : 0;
}

static void test_round_trip(void **state)
{
	static const struct err_case cases[] = {  /* in, canonical */
		{ "drop src 198.18.5.0/24 proto udp in outside",
		  "drop src 198.18.5.0/24 proto udp in outside" },
		{ "drop icmp type echo-request code 0", "drop icmp type 8 code 0" },
		{ "pass", "pass" },
		{ "drop in inside dst 2001:db8::/32 src 2001:db8:1::1",
		  "drop src 2001:db8:1::1 dst 2001:db8::/32 in inside" },
		{ "drop proto icmp", "drop proto icmp" },
		{ "drop icmp", "drop proto icmp" },
		{ "drop proto 1", "drop proto 1" },
		{ "drop proto 1 src 10.0.0.0/8", "drop src 10.0.0.0/8 proto icmp" },
		{ "drop proto 58 src 10.0.0.0/8", "drop src 10.0.0.0/8 proto 58" },
		{ "drop proto icmp6 dst 2001:db8::/32", "drop dst 2001:db8::/32 proto icmp6" },
		{ "pass icmp6 type nd-neighbor-solicit", "pass icmp6 type 135" },
		{ "drop proto 6", "drop proto tcp" },
		{ "drop proto 0", "drop proto 0" },
		{ "drop src 0.0.0.0/0", "drop src 0.0.0.0/0" },
		{ "drop dst ::/0 proto 255", "drop dst ::/0 proto 255" },
		{ "pass src ::ffff:192.0.2.1", "pass src ::ffff:192.0.2.1" },
		{ "drop src 10.1.2.3/32", "drop src 10.1.2.3" },
		{ "drop proto 132", "drop proto sctp" },
		{ "drop proto 33", "drop proto dccp" },
		{ "drop proto 136", "drop proto udplite" },
		{ "drop proto tcp dport 22", "drop proto tcp dport 22" },
		{ "drop proto tcp dport 22-22", "drop proto tcp dport 22" },
		{ "drop in inside dst 2001:db8::/32 proto udp dport 53 sport 1024-65535",
		  "drop dst 2001:db8::/32 proto udp sport 1024-65535 dport 53 in inside" },
		{ "pass proto 6 sport 0-65535", "pass proto tcp sport 0-65535" },
		{ "drop proto 132 sport 0 dport 65535", "drop proto sctp sport 0 dport 65535" },
		{ "drop proto 33 dport 1-2", "drop proto dccp dport 1-2" },
		{ "drop proto udplite sport 007", "drop proto udplite sport 7" },
	};
	struct fw_config a, b;
	char err[CTL_ERR_LEN], buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].in, &a, err), 0);
		assert_int_equal(a.nrules, 1);
		assert_int_equal(ctl_rule_format(&a.rules[0], buf, sizeof(buf)),
				 (int)strlen(cases[i].msg));
		assert_string_equal(buf, cases[i].msg);
		assert_int_equal(parse(buf, &b, err), 0);
		assert_int_equal(b.nrules, 1);
		assert_rule(&b.rules[0], &a.rules[0]);
		ctl_config_fini(&a);
		ctl_config_fini(&b);
	}
}

static void test_format_demo_and_truncation(void **state)
{
	struct fw_config a, b;
	char err[CTL_ERR_LEN], buf[256], small[8];
	size_t i;

	(void)state;
	assert_int_equal(ctl_config_load(DATA "/demo.conf", NULL, &a, err, sizeof(err)), 0);
	for (i = 0; i < a.nrules; i++) {
		ctl_rule_format(&a.rules[i], buf, sizeof(buf));
		assert_int_equal(parse(buf, &b, err), 0);
		b.rules[0].line = a.rules[i].line;
		assert_rule(&b.rules[0], &a.rules[i]);
		ctl_config_fini(&b);
	}
	assert_int_equal(ctl_rule_format(&a.rules[1], small, sizeof(small)),
			 (int)strlen("drop src 198.18.200.0/24"));
	assert_string_equal(small, "drop sr");
	assert_int_equal(ctl_rule_format(&a.rules[1], NULL, 0),
			 (int)strlen("drop src 198.18.200.0/24"));
	ctl_config_fini(&a);
}

static void test_validate_ports(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];

	(void)state;
	ctl_config_init(&c);
	assert_int_equal(ctl_config_validate_ports(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "config: 'port outside' is missing");
	strcpy(c.port[FP_PORT_OUTSIDE], "eth1");
	assert_int_equal(ctl_config_validate_ports(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "config: 'port inside' is missing");
	strcpy(c.port[FP_PORT_INSIDE], "eth1");
	assert_int_equal(ctl_config_validate_ports(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "config: 'port outside' and 'port inside' are the same interface");
	strcpy(c.port[FP_PORT_INSIDE], "eth2");
	assert_int_equal(ctl_config_validate_ports(&c, err, sizeof(err)), 0);
	memset(&c, 0, sizeof(c));
	strcpy(c.port[FP_PORT_INSIDE], "eth2");
	assert_int_equal(ctl_config_validate_ports(&c, NULL, 0), -EINVAL);
}

static void test_same_ports(void **state)
{
	static const char *base = "port outside eth1\nport inside eth2\nqueues 0-3\n"
				  "on-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\n";
	static const char *differ[] = {
		"port outside eth9\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth9\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues 0-2\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues all\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss pass\nxdp-mode native\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode generic\nbind-mode copy\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode auto\ncpus 1,2\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 2,1\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\nidle-spin-us 5\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\nbusy-poll on\n",
		"port outside eth1\nport inside eth2\nqueues 0-3\non-miss drop\nxdp-mode native\nbind-mode copy\ncpus 1,2\nbusy-poll-budget 16\n",
	};
	struct fw_config a, b;
	char err[CTL_ERR_LEN], text[512];
	size_t i;

	(void)state;
	assert_int_equal(parse(base, &a, err), 0);
	/* rules and policies may change on reload */
	snprintf(text, sizeof(text), "%spolicy drop\npolicy-non-ip drop\ndrop\n", base);
	assert_int_equal(parse(text, &b, err), 0);
	assert_true(ctl_config_same_ports(&a, &b));
	ctl_config_fini(&b);
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		assert_int_equal(parse(differ[i], &b, err), 0);
		assert_false(ctl_config_same_ports(&a, &b));
		ctl_config_fini(&b);
	}
	ctl_config_fini(&a);
}

static char *gen_rules(size_t n, size_t *len)
{
	size_t cap = n * 48 + 64, off = 0, i;
	char *buf = malloc(cap);

	assert_non_null(buf);
	off += (size_t)snprintf(buf, cap, "port outside eth1\nport inside eth2\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, cap - off,
					"drop src 10.%zu.%zu.0/24 proto udp\n",
					(i >> 8) & 0xff, i & 0xff);
	*len = off;
	return buf;
}

static void test_scale(void **state)
{
	struct fw_config c;
	char err[CTL_ERR_LEN];
	size_t len;
	char *buf = gen_rules(100000, &len);

	(void)state;
	assert_int_equal(ctl_config_parse_buf(buf, len, "big.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nrules, 100000);
	assert_int_equal(c.rules[99999].line, 100002);
	assert_int_equal(c.rules[99999].src.addr[1], (99999 >> 8) & 0xff);
	assert_int_equal(c.rules[99999].src.addr[2], 99999 & 0xff);
	assert_int_equal(c.rules[99999].proto, 17);
	ctl_config_fini(&c);
	assert_cfg_empty(&c);

	/* an error on the very last line throws all of it away */
	len += (size_t)sprintf(buf + len, "queues 64\n");
	memset(&c, 0xAA, sizeof(c));
	assert_int_equal(ctl_config_parse_buf(buf, len, "big.conf", &c, err,
					      sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "big.conf:100003:8: '64' is out of range (queue ids are 0-63)");
	assert_cfg_empty(&c);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_service_keys),
		cmocka_unit_test(test_worker_keys),
		cmocka_unit_test(test_reload_memory_key),
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_proto_family),
		cmocka_unit_test(test_icmp_names),
		cmocka_unit_test(test_errors_keys),
		cmocka_unit_test(test_errors_lists),
		cmocka_unit_test(test_errors_rules),
		cmocka_unit_test(test_errors_ports),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_too_many_words),
		cmocka_unit_test(test_twice),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_include_from_buf),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_demo_and_truncation),
		cmocka_unit_test(test_validate_ports),
		cmocka_unit_test(test_same_ports),
		cmocka_unit_test(test_scale),
		cmocka_unit_test_setup_teardown(test_limit_file_types, limits_setup, NULL),
		cmocka_unit_test(test_limit_file_size),
		cmocka_unit_test(test_limit_fan_out),
		cmocka_unit_test(test_limit_total_bytes),
		cmocka_unit_test_teardown(test_limit_rules, limits_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
