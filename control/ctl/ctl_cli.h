/* control/ctl/ctl_cli.h - xskwallctl's command line: the command table's
 * row and option types and what the options parse into (ctl_commands.c),
 * the helpers every handler shares (ctl_call.c: talking to the daemon;
 * ctl_json.c: reading its replies), and the handlers: ctl_show.c (status,
 * stats, rules), ctl_change.c (reload, add, del, trace) and ctl_capture.c
 * (capture). */
#ifndef CTL_CLI_H
#define CTL_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#define CTL_CLI_SOCKET_ENV "XSKWALL_SOCKET"
/* How long to wait for a reply line (a reload of a large file is slow;
 * a capture waits without limit). */
#define CTL_CLI_REPLY_TIMEOUT_MS 120000

enum ctl_cli_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,      /* the daemon answered ok:false, or the reply was unusable */
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_UNREACHABLE = 3, /* no connection to the daemon */
	CTL_EXIT_DONE = -1,       /* parsing only: --help/--version printed, exit 0 */
};

struct ctl_cli_uint {
	int set;
	uint64_t v;
};

/* Everything the command line said. */
struct ctl_cli_args {
	const char *socket;          /* -s PATH, $XSKWALL_SOCKET, or the default */
	int json;                    /* -j */
	int help;                    /* -h */
	int version;                 /* --version */
	struct ctl_cli_uint at, count, seconds, snaplen, top;
	int watch, drops, all, pcap; /* flags */
	const char *write;           /* capture -w FILE */
	int nwords;                  /* the command's words after its options */
	char **words;
};

enum ctl_cli_kind {
	CTL_OPT_FLAG, /* int field set to 1 */
	CTL_OPT_UINT, /* struct ctl_cli_uint, strictly parsed, in [min, max] */
	CTL_OPT_STR,  /* const char * field */
};

/* One option row: its help is generated from these fields. */
struct ctl_cli_opt {
	const char *name; /* long name */
	char letter;      /* short form, or 0 */
	enum ctl_cli_kind kind;
	const char *arg;  /* the argument's name in help ("N", "FILE") */
	uint64_t min, max;
	size_t field;     /* offsetof(struct ctl_cli_args, ...) */
	const char *help;
};

#define CTL_FLAG(n, l, f, h) { n, l, CTL_OPT_FLAG, NULL, 0, 0, offsetof(struct ctl_cli_args, f), h }
#define CTL_UINT(n, l, a, lo, hi, f, h) \
	{ n, l, CTL_OPT_UINT, a, lo, hi, offsetof(struct ctl_cli_args, f), h }
#define CTL_STR(n, l, a, f, h) { n, l, CTL_OPT_STR, a, 0, 0, offsetof(struct ctl_cli_args, f), h }

struct ctl_cli_cmd;
typedef int (*ctl_cli_handler)(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);

/* One command row: name, usage text, words, options, handler. */
struct ctl_cli_cmd {
	const char *name;
	const char *synopsis;  /* what follows the name in the usage line */
	const char *summary;   /* one line, for `xskwallctl --help` */
	const char *help;      /* a paragraph, for `xskwallctl CMD --help` */
	int min_words, max_words; /* max_words -1: no limit */
	const struct ctl_cli_opt *opts; /* ends with a row whose name is NULL */
	ctl_cli_handler run;
};

/* The table (ctl_commands.c), ending with a row whose name is NULL. */
extern const struct ctl_cli_cmd ctl_cli_cmds[];

/* Parse the whole command line: global options, the command, its options
 * and words. 0 with *cmd set; CTL_EXIT_DONE after --help/--version;
 * CTL_EXIT_USAGE (explained on stderr). */
int ctl_cli_parse(int argc, char **argv, FILE *out, const struct ctl_cli_cmd **cmd,
		  struct ctl_cli_args *a);

/* The generated help: all commands, or one command's. */
void ctl_cli_help(FILE *f);
void ctl_cli_cmd_help(const struct ctl_cli_cmd *cmd, FILE *f);

/* --- for the handlers (ctl_call.c, but ctl_cli_usage: ctl_commands.c) -- */

/* Usage error: "xskwallctl: CMD: MESSAGE" and the hint; CTL_EXIT_USAGE. */
int ctl_cli_usage(const struct ctl_cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Connect (printing why not) and send `req` (its reference is taken;
 * NULL: out of memory). CTL_EXIT_OK with *c open, else the exit status,
 * the reason printed. */
struct ctl_client;
int ctl_cli_request(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a, json_t *req,
		    struct ctl_client **c);

/* The next reply object. CTL_EXIT_OK with *reply set; CTL_EXIT_OK with
 * *reply NULL when stop_fd (-1: none) fired first; CTL_EXIT_FAILED with
 * *reply set when the daemon said ok:false (its error printed on stderr,
 * the reply on stdout under -j); else CTL_EXIT_FAILED, *reply NULL, the
 * reason printed. */
int ctl_cli_reply(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a,
		  struct ctl_client *c, int stop_fd, json_t **reply);

/* One connection, one request, its first reply: ctl_cli_request then
 * ctl_cli_reply. The caller drops *reply (json_decref is NULL-safe). */
int ctl_cli_call(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a, json_t *req,
		 int stop_fd, json_t **reply);

/* Connect to the daemon (printing why not): CTL_EXIT_OK or
 * CTL_EXIT_UNREACHABLE. */
int ctl_cli_connect(const struct ctl_cli_args *a, struct ctl_client **c);

/* The daemon's "error" on stderr as "xskwallctl: CMD: ERROR" (once, when
 * the error starts with "CMD: " itself). */
void ctl_cli_daemon_error(const struct ctl_cli_cmd *cmd, const json_t *reply);

/* "xskwallctl: CMD: WHAT: strerror(-err)" on stderr; CTL_EXIT_FAILED. */
int ctl_cli_fail(const struct ctl_cli_cmd *cmd, const char *what, int err);

/* SIGINT and SIGTERM become readable events on the returned signalfd
 * (or -errno), so a handler that waits can end cleanly; *old keeps the
 * signal mask. _drain consumes what arrived; _close drains, closes and
 * restores *old. */
int ctl_cli_stop_fd_open(sigset_t *old);
void ctl_cli_stop_fd_drain(int fd);
void ctl_cli_stop_fd_close(int fd, const sigset_t *old);

/* Print a reply as indented JSON on stdout. CTL_EXIT_OK. */
int ctl_cli_print_json(const json_t *reply);

/* Members of a reply, with defaults when absent or of another type. */
long long ctl_json_int(const json_t *o, const char *key);
double ctl_json_num(const json_t *o, const char *key);
const char *ctl_json_str(const json_t *o, const char *key, const char *dflt);

/* A scalar as text: integers as digits, reals with up to 3 decimals,
 * true/false as yes/no, null and anything else as "-". */
const char *ctl_json_text(const json_t *v, char *buf, size_t n);

/* "drop by rule 3 (FILE:LINE): TEXT", "pass by policy", "drop by
 * policy-malformed"... from a trace reply or a captured frame: members
 * verdict, reason, and the rule (an object {index, rule, file, line} or
 * an index with the text in rule_text). with_where: add (FILE:LINE). */
void ctl_cli_verdict_text(const json_t *o, int with_where, char *buf, size_t n);

/* Handlers. */
int ctl_cmd_status(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_stats(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_rules(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_reload(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_add(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_del(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_trace(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);
int ctl_cmd_capture(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a);

#endif /* CTL_CLI_H */
