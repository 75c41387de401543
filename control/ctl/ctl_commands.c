/* control/ctl/ctl_commands.c - xskwallctl's command table and command
 * line: one row per command (name, usage text, options, handler) from
 * which parsing and every --help are generated. Called by main
 * (xskwallctl.c); the handlers talk to the daemon through ctl_call.c. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "ctl_proto.h"
#include "ctl_cli.h"

#define CTL_CLI_MAX_OPTS 32
#define CTL_CLI_HELP_COL 24

static const struct ctl_cli_opt ctl_global_opts[] = {
	CTL_STR("socket", 's', "PATH", socket,
		"control socket (default: $" CTL_CLI_SOCKET_ENV " or "
		CTL_DEFAULT_CONTROL_SOCKET ")"),
	CTL_FLAG("json", 'j', json, "print the daemon's replies as JSON"),
	CTL_FLAG("help", 'h', help, "print this help, or with a command, the command's"),
	CTL_FLAG("version", 0, version, "print the version"),
	{ NULL },
};

/* Every command also takes these. */
static const struct ctl_cli_opt ctl_common_opts[] = {
	CTL_FLAG("json", 'j', json, "print the daemon's replies as JSON"),
	CTL_FLAG("help", 'h', help, "print this help"),
	{ NULL },
};

static const struct ctl_cli_opt ctl_no_opts[] = { { NULL } };

static const struct ctl_cli_opt ctl_stats_opts[] = {
	CTL_FLAG("watch", 'w', watch, "redraw every second, like top, until Ctrl-C"),
	CTL_UINT("count", 'n', "N", 1, UINT32_MAX, count, "with --watch: stop after N snapshots"),
	{ NULL },
};

static const struct ctl_cli_opt ctl_rules_opts[] = {
	CTL_UINT("top", 't', "N", 1, CTL_RULES_PAGE, top,
		 "only the N rules with the most packets, most first"),
	{ NULL },
};

static const struct ctl_cli_opt ctl_add_opts[] = {
	CTL_UINT("at", 0, "N", 1, UINT32_MAX, at, "insert as rule N (1: first; default: last)"),
	{ NULL },
};

static const struct ctl_cli_opt ctl_capture_opts[] = {
	CTL_FLAG("drops", 'd', drops, "only the frames that are dropped (the default)"),
	CTL_FLAG("all", 'a', all, "every frame the workers see"),
	CTL_UINT("count", 'c', "N", 1, UINT32_MAX, count, "stop after N frames"),
	CTL_UINT("seconds", 't', "S", 1, UINT32_MAX, seconds, "stop after S seconds"),
	CTL_UINT("snaplen", 0, "N", 1, CTL_CAPTURE_SNAPLEN, snaplen,
		 "bytes kept of each frame (default and most: 2048)"),
	CTL_STR("write", 'w', "FILE", write, "write the frames to FILE (required)"),
	CTL_FLAG("pcap", 0, pcap, "classic pcap instead of pcapng (no verdict comments)"),
	{ NULL },
};

const struct ctl_cli_cmd ctl_cli_cmds[] = {
	{ "status", "", "version, uptime, rules, and how each port and queue runs",
	  "Print the daemon's version and uptime, its configuration file, the rules in\n"
	  "force (generation, when and how fast they were loaded, whether add/del made\n"
	  "them differ from the file), and per port and queue: the interface, the XDP\n"
	  "mode, the bind mode, need_wakeup, the worker's CPU and NUMA node, hugepages\n"
	  "and ring sizes.",
	  0, 0, ctl_no_opts, ctl_cmd_status },
	{ "stats", "[--watch [--count N]]", "counters per queue and direction, and totals",
	  "Print the workers' counters per queue and direction and their totals, the\n"
	  "kernel's XDP_STATISTICS per socket, the on-miss counts, and the daemon's\n"
	  "rates (Mpps). --watch redraws every second; with -j it prints one compact\n"
	  "object per line.",
	  0, 0, ctl_stats_opts, ctl_cmd_stats },
	{ "rules", "[--top N]", "the rules in force with file:line and counters",
	  "List the running rules in canonical form with where they were read\n"
	  "(file:line) and the packets and bytes each has matched.",
	  0, 0, ctl_rules_opts, ctl_cmd_rules },
	{ "reload", "", "re-read the configuration file; all or nothing",
	  "Re-read the configuration file and put its rules in force. On an error the\n"
	  "message names FILE:LINE:COL and the rules in force stay (exit 1).",
	  0, 0, ctl_no_opts, ctl_cmd_reload },
	{ "add", "RULE... [--at N]", "insert a rule into the running rules",
	  "Insert RULE (one quoted argument or several words, e.g. drop proto icmp)\n"
	  "into the running rules, atomically. The running rules then differ from the\n"
	  "file until the next reload (status says so).",
	  1, -1, ctl_add_opts, ctl_cmd_add },
	{ "del", "N", "delete rule N from the running rules",
	  "Delete rule N (1-based, as `rules` numbers them) from the running rules,\n"
	  "atomically.",
	  1, 1, ctl_no_opts, ctl_cmd_del },
	{ "trace", "DESCRIPTION...", "which rule a described packet meets, and its verdict",
	  "Describe a packet (e.g. src 198.18.0.1 dst 198.19.0.1 proto icmp icmp type 8\n"
	  "in outside) and print the verdict the running rules give it and which rule\n"
	  "(file:line, text) decides.",
	  1, -1, ctl_no_opts, ctl_cmd_trace },
	{ "capture", "[--drops | --all] [--count N] [--seconds S] [--snaplen N] -w FILE [--pcap]",
	  "write the frames the workers see to a pcapng file",
	  "Write the frames the workers see (only those dropped, or all) to FILE as\n"
	  "pcapng, one interface per port, the verdict and rule in each frame's comment;\n"
	  "or as classic pcap with --pcap. Ends after N frames, S seconds or Ctrl-C.",
	  0, 0, ctl_capture_opts, ctl_cmd_capture },
	{ NULL },
};

static void ctl_opt_help(const struct ctl_cli_opt *o, FILE *f)
{
	char lhs[64];

	snprintf(lhs, sizeof(lhs), "%c%c%c --%s%s%s", o->letter ? '-' : ' ',
		 o->letter ? o->letter : ' ', o->letter ? ',' : ' ', o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(f, "  %-*s %s\n", CTL_CLI_HELP_COL, lhs, o->help);
}

static void ctl_opts_help(const struct ctl_cli_opt *opts, FILE *f)
{
	for (const struct ctl_cli_opt *o = opts; o->name; o++)
		ctl_opt_help(o, f);
}

void ctl_cli_help(FILE *f)
{
	fprintf(f, "usage: xskwallctl [-s PATH] [-j] COMMAND [ARGS]\n\n"
		   "Ask the xskwall daemon through its control socket.\n\nOptions:\n");
	ctl_opts_help(ctl_global_opts, f);
	fprintf(f, "\nCommands:\n");
	for (const struct ctl_cli_cmd *c = ctl_cli_cmds; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n'xskwallctl COMMAND --help' shows a command's arguments.\n"
		   "Exit status: 0 ok; 1 the daemon refused (its error on stderr); 2 usage\n"
		   "error; 3 the daemon cannot be reached.\n");
}

void ctl_cli_cmd_help(const struct ctl_cli_cmd *cmd, FILE *f)
{
	fprintf(f, "usage: xskwallctl %s%s%s\n\n%s\n\nOptions:\n", cmd->name,
		cmd->synopsis[0] ? " " : "", cmd->synopsis, cmd->help);
	ctl_opts_help(cmd->opts, f);
	ctl_opts_help(ctl_common_opts, f);
}

int ctl_cli_usage(const struct ctl_cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xskwallctl: %s%s", cmd ? cmd->name : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'xskwallctl %s%s--help'.\n", cmd ? cmd->name : "", cmd ? " " : "");
	return CTL_EXIT_USAGE;
}

/* --- parsing ---------------------------------------------------------- */

/* Decimal digits only, the whole string, within [min, max]. */
static int ctl_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int ctl_opt_apply(const struct ctl_cli_cmd *cmd, const struct ctl_cli_opt *o,
			 const char *arg, struct ctl_cli_args *a)
{
	char *field = (char *)a + o->field;
	struct ctl_cli_uint *u = (struct ctl_cli_uint *)field;

	switch (o->kind) {
	case CTL_OPT_FLAG:
		*(int *)field = 1;
		return 0;
	case CTL_OPT_STR:
		*(const char **)field = arg;
		return 0;
	case CTL_OPT_UINT:
		if (ctl_parse_uint(arg, o->min, o->max, &u->v))
			return ctl_cli_usage(cmd, "--%s: '%s' is not a number from %llu to %llu",
					     o->name, arg, (unsigned long long)o->min,
					     (unsigned long long)o->max);
		u->set = 1;
		return 0;
	}
	return CTL_EXIT_USAGE;
}

/* getopt's tables from option rows; val is 256 + the row's index. */
static int ctl_getopt_tables(const struct ctl_cli_opt **rows, int n, struct option *longopts,
			     char *shortopts, const char *prefix)
{
	char *s = shortopts + strlen(strcpy(shortopts, prefix));

	for (int i = 0; i < n; i++) {
		int has_arg = rows[i]->kind == CTL_OPT_FLAG ? no_argument : required_argument;

		longopts[i] = (struct option){ rows[i]->name, has_arg, NULL, 256 + i };
		if (rows[i]->letter) {
			*s++ = rows[i]->letter;
			if (has_arg == required_argument)
				*s++ = ':';
		}
	}
	*s = '\0';
	longopts[n] = (struct option){ 0 };
	return 0;
}

static int ctl_row_by_letter(const struct ctl_cli_opt **rows, int n, int c)
{
	for (int i = 0; i < n; i++)
		if (rows[i]->letter == c)
			return i;
	return -1;
}

static int ctl_bad_option(const struct ctl_cli_cmd *cmd, int c, char **argv)
{
	const char *what = c == ':' ? "needs an argument" : "is unknown";

	if (optopt > 0 && optopt < 256)
		return ctl_cli_usage(cmd, "option '-%c' %s", optopt, what);
	return ctl_cli_usage(cmd, "option '%s' %s", argv[optind - 1], what);
}

/* Parse the options of `rows` from argv[1..]; stop at the first word
 * when `prefix` starts with '+'. 0 or CTL_EXIT_USAGE; optind is left at
 * the first word. */
static int ctl_getopt(const struct ctl_cli_cmd *cmd, const struct ctl_cli_opt **rows, int n,
		      const char *prefix, int argc, char **argv, struct ctl_cli_args *a)
{
	struct option longopts[CTL_CLI_MAX_OPTS + 1];
	char shortopts[3 * CTL_CLI_MAX_OPTS + 4];
	int c, i, err;

	ctl_getopt_tables(rows, n, longopts, shortopts, prefix);
	optind = 0; /* glibc: start afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return ctl_bad_option(cmd, c, argv);
		i = c >= 256 ? c - 256 : ctl_row_by_letter(rows, n, c);
		err = ctl_opt_apply(cmd, rows[i], optarg, a);
		if (err)
			return err;
	}
	return 0;
}

/* Pointers to the rows of up to two tables ending in a NULL name. */
static int ctl_rows(const struct ctl_cli_opt *t1, const struct ctl_cli_opt *t2,
		    const struct ctl_cli_opt **rows)
{
	int n = 0;

	for (const struct ctl_cli_opt *o = t1; o && o->name; o++)
		rows[n++] = o;
	for (const struct ctl_cli_opt *o = t2; o && o->name; o++)
		rows[n++] = o;
	return n;
}

static const struct ctl_cli_cmd *ctl_cmd_find(const char *name)
{
	for (const struct ctl_cli_cmd *c = ctl_cli_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int ctl_parse_global(int argc, char **argv, FILE *out, struct ctl_cli_args *a)
{
	const struct ctl_cli_opt *rows[CTL_CLI_MAX_OPTS];
	int n = ctl_rows(ctl_global_opts, NULL, rows);
	int err = ctl_getopt(NULL, rows, n, "+:", argc, argv, a);

	if (err)
		return err;
	if (a->help) {
		ctl_cli_help(out);
		return CTL_EXIT_DONE;
	}
	if (a->version) {
		fprintf(out, "xskwallctl %s\n", XSKWALL_VERSION);
		return CTL_EXIT_DONE;
	}
	if (optind >= argc)
		return ctl_cli_usage(NULL, "a command is needed (status, stats, rules, ...)");
	return 0;
}

static int ctl_parse_cmd(const struct ctl_cli_cmd *cmd, int argc, char **argv, FILE *out,
			 struct ctl_cli_args *a)
{
	const struct ctl_cli_opt *rows[CTL_CLI_MAX_OPTS];
	int n = ctl_rows(cmd->opts, ctl_common_opts, rows);
	int err = ctl_getopt(cmd, rows, n, ":", argc, argv, a);

	if (err)
		return err;
	if (a->help) {
		ctl_cli_cmd_help(cmd, out);
		return CTL_EXIT_DONE;
	}
	a->words = argv + optind;
	a->nwords = argc - optind;
	if (a->nwords < cmd->min_words)
		return ctl_cli_usage(cmd, "arguments missing: %s %s", cmd->name, cmd->synopsis);
	if (cmd->max_words >= 0 && a->nwords > cmd->max_words)
		return ctl_cli_usage(cmd, "unexpected argument '%s'", a->words[cmd->max_words]);
	return 0;
}

int ctl_cli_parse(int argc, char **argv, FILE *out, const struct ctl_cli_cmd **cmd,
		  struct ctl_cli_args *a)
{
	const char *env = getenv(CTL_CLI_SOCKET_ENV);
	int err, first;

	memset(a, 0, sizeof(*a));
	a->socket = env && *env ? env : CTL_DEFAULT_CONTROL_SOCKET;
	err = ctl_parse_global(argc, argv, out, a);
	if (err)
		return err;
	first = optind;
	*cmd = ctl_cmd_find(argv[first]);
	if (!*cmd)
		return ctl_cli_usage(NULL, "unknown command '%s'", argv[first]);
	return ctl_parse_cmd(*cmd, argc - first, argv + first, out, a);
}
