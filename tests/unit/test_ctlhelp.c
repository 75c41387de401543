/* tests/unit/test_ctlhelp.c - xskwallctl's command line (control/ctl/
 * ctl_commands.c): the help generated from the command table lists every
 * command and option, and parsing gives each option its value or a usage
 * error. No daemon needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "expect.h"
#include "config.h"
#include "ctl_cli.h"


/* What ctl_cli_parse prints to `out` and returns for this command line
 * (split at spaces; a->words point into a static argv, as into main's). */
static int parse(char *text, const struct ctl_cli_cmd **cmd, struct ctl_cli_args *a, char **out)
{
	static char *argv[32];
	int argc = 0, rc;
	size_t len;
	FILE *f = open_memstream(out, &len);

	assert_non_null(f);
	for (char *w = strtok(text, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	rc = ctl_cli_parse(argc, argv, f, cmd, a);
	fclose(f);
	return rc;
}

static void expect_in(const char *text, const char *needle, const char *where)
{
	if (!strstr(text, needle))
		fail_msg("'%s' is missing from %s:\n%s", needle, where, text);
}

/* `xskwallctl --help` names every command of the table with its summary. */
static void test_help_lists_every_command(void **state)
{
	const struct ctl_cli_cmd *cmd;
	struct ctl_cli_args a;
	char line[] = "xskwallctl --help", *out;
	unsigned n = 0;

	(void)state;
	expect_num("--help", parse(line, &cmd, &a, &out), CTL_EXIT_DONE);
	for (const struct ctl_cli_cmd *c = ctl_cli_cmds; c->name; c++, n++) {
		char row[128];

		snprintf(row, sizeof(row), "  %-8s %s", c->name, c->summary);
		expect_in(out, row, "xskwallctl --help");
	}
	expect_num("commands in the table", n, 8);
	expect_in(out, "--socket PATH", "xskwallctl --help");
	free(out);
}

/* `xskwallctl CMD --help` has the usage line and every option of CMD. */
static void test_command_help(void **state)
{
	(void)state;
	for (const struct ctl_cli_cmd *c = ctl_cli_cmds; c->name; c++) {
		const struct ctl_cli_cmd *cmd = NULL;
		struct ctl_cli_args a;
		char line[64], usage[256], opt[64], *out;

		snprintf(line, sizeof(line), "xskwallctl %s --help", c->name);
		expect_num(line, parse(line, &cmd, &a, &out), CTL_EXIT_DONE);
		snprintf(usage, sizeof(usage), "usage: xskwallctl %s%s%s\n", c->name,
			 c->synopsis[0] ? " " : "", c->synopsis);
		expect_in(out, usage, c->name);
		for (const struct ctl_cli_opt *o = c->opts; o->name; o++) {
			snprintf(opt, sizeof(opt), "--%s", o->name);
			expect_in(out, opt, c->name);
		}
		expect_in(out, "--json", c->name);
		free(out);
	}
}

static void test_parse_values(void **state)
{
	const struct ctl_cli_cmd *cmd;
	struct ctl_cli_args a;
	char l1[] = "xskwallctl -s /tmp/x.sock add drop proto icmp --at 2 -j", *out;
	char l2[] = "xskwallctl capture --all -c 5 --seconds 3 -w f.pcapng --pcap";

	(void)state;
	expect_num("add", parse(l1, &cmd, &a, &out), 0);
	free(out);
	assert_string_equal(cmd->name, "add");
	assert_string_equal(a.socket, "/tmp/x.sock");
	expect_num("--at", a.at.v, 2);
	expect_num("-j after the command", a.json, 1);
	expect_num("rule words", a.nwords, 3);
	assert_string_equal(a.words[2], "icmp");
	expect_num("capture", parse(l2, &cmd, &a, &out), 0);
	free(out);
	expect_num("--all", a.all, 1);
	expect_num("-c", a.count.v, 5);
	expect_num("--seconds", a.seconds.v, 3);
	expect_num("--pcap", a.pcap, 1);
	assert_string_equal(a.write, "f.pcapng");
}

static void test_socket_default_and_env(void **state)
{
	const struct ctl_cli_cmd *cmd;
	struct ctl_cli_args a;
	char l1[] = "xskwallctl status", l2[] = "xskwallctl status", *out;

	(void)state;
	unsetenv(CTL_CLI_SOCKET_ENV);
	expect_num("status", parse(l1, &cmd, &a, &out), 0);
	free(out);
	assert_string_equal(a.socket, CTL_DEFAULT_CONTROL_SOCKET);
	setenv(CTL_CLI_SOCKET_ENV, "/tmp/env.sock", 1);
	expect_num("status", parse(l2, &cmd, &a, &out), 0);
	free(out);
	assert_string_equal(a.socket, "/tmp/env.sock");
	unsetenv(CTL_CLI_SOCKET_ENV);
}

/* Each is a usage error (exit 2), explained on stderr. */
static void test_usage_errors(void **state)
{
	static const char *const lines[] = {
		"xskwallctl", "xskwallctl nosuch", "xskwallctl status extra",
		"xskwallctl rules --top 0", "xskwallctl rules --top 10001",
		"xskwallctl rules --top 5x", "xskwallctl rules --top -1", "xskwallctl add",
		"xskwallctl stats --bogus", "xskwallctl capture -w", "xskwallctl del",
		"xskwallctl del 1 2", "xskwallctl -s", "xskwallctl capture --snaplen 2049 -w f",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct ctl_cli_cmd *cmd;
		struct ctl_cli_args a;
		char line[128], *out;

		snprintf(line, sizeof(line), "%s", lines[i]);
		expect_num(lines[i], parse(line, &cmd, &a, &out), CTL_EXIT_USAGE);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_every_command),
		cmocka_unit_test(test_command_help),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_socket_default_and_env),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
