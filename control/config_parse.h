/* control/config_parse.h - what the configuration parser's files share
 * (private to control/config_*.c).
 *
 * The parser is four modules around one parse state (struct ctl_parse):
 * config_read.c reads files and includes, splits lines into words and
 * writes every error as FILE:LINE:COL; config_keys.c holds the key table
 * (with its reload column) and each key's value parsing; config_rules.c
 * the rule grammar and its name tables; config_format.c writes a rule
 * back. Each line's first word is looked up in the key table; rule lines
 * ("drop"/"pass") go to the rule grammar. */
#ifndef CTL_CONFIG_PARSE_H
#define CTL_CONFIG_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "config.h"

#define CTL_MAX_TOKENS 64 /* words on one line */
#define CTL_MAX_IFNAME (IF_NAMESIZE - 1)

/* Keys that may be given only once; where each was first seen. */
enum ctl_once {
	CTL_ONCE_NONE = -1,
	CTL_ONCE_PORT_OUT = 0,
	CTL_ONCE_PORT_IN,
	CTL_ONCE_QUEUES,
	CTL_ONCE_POLICY,
	CTL_ONCE_ON_MISS,
	CTL_ONCE_MALFORMED,
	CTL_ONCE_NON_IP,
	CTL_ONCE_XDP_MODE,
	CTL_ONCE_BIND_MODE,
	CTL_ONCE_CPUS,
	CTL_ONCE_IDLE_SPIN,
	CTL_ONCE_BUSY_POLL,
	CTL_ONCE_BUSY_BUDGET,
	CTL_ONCE_CONTROL_SOCKET,
	CTL_ONCE_CONTROL_GROUP,
	CTL_ONCE_METRICS_LISTEN,
	CTL_ONCE_METRICS_RULES,
	CTL_ONCE_LOG_LEVEL,
	CTL_ONCE_RELOAD_MEMORY,
	CTL_ONCE_N,
};

struct ctl_tok {
	char *s;      /* NUL-terminated, inside the file's buffer */
	uint32_t col; /* 1-based byte column */
};

struct ctl_line {
	struct ctl_tok tok[CTL_MAX_TOKENS];
	int n;
	uint32_t end_col; /* column just past the last word */
};

struct ctl_file {
	const char *name;
	uint32_t line;
	int depth; /* 0: the top file; includes add one */
};

struct ctl_seen {
	char *file; /* NULL: not seen yet */
	uint32_t line;
};

struct ctl_parse {
	struct fw_config *cfg;
	struct fp_big_pool *mem;     /* where big arrays come from (bigmem.h) */
	const struct ctl_file *file; /* innermost file, for messages */
	char *err;
	size_t errlen;
	struct ctl_seen seen[CTL_ONCE_N];
	uint32_t files;              /* read so far, the main file included */
	uint64_t bytes;              /* read so far, every file */
	uint32_t file_index;         /* the current file's index in cfg->files */
};

struct ctl_name {
	const char *name;
	uint8_t value;
};

/* One row of the key table (config_keys.c). */
struct ctl_key {
	const char *name;
	int min_args, max_args;
	int (*apply)(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l);
	int once;                     /* enum ctl_once */
	const struct ctl_name *names; /* ctl_key_enum: accepted values */
	size_t off;                   /* ctl_key_enum/uint: the field of fw_config */
	uint8_t verdict;              /* ctl_key_rule: the action */
	const char *usage;
	uint32_t lo, hi;              /* ctl_key_uint: accepted range */
	/* NULL: a reload may change this key; else whether a and b agree on
	 * it (a reload that changes it is refused: it needs a restart) */
	int (*same)(const struct fw_config *a, const struct fw_config *b, const struct ctl_key *k);
};


/* ---- config_read.c ---- */

/* Write "FILE:LINE:COL: message" for the current line; returns -EINVAL. */
__attribute__((format(printf, 3, 4)))
int ctl_err(struct ctl_parse *p, uint32_t col, const char *fmt, ...);

/* "out of memory" at the current line; returns -ENOMEM. */
int ctl_oom(struct ctl_parse *p);

/* Add `name` to cfg->files (once per name); its index into *index. */
int ctl_file_register(struct ctl_parse *p, const char *name, uint32_t *index);

/* The `include` key. */
int ctl_key_include(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l);

/* ---- config_keys.c ---- */

/* Look the line's first word up in the key table and apply it. */
int ctl_dispatch(struct ctl_parse *p, struct ctl_line *l);

/* Decimal digits only, the whole of s[0..n); -EINVAL or -ERANGE. */
int ctl_num(const char *s, size_t n, uint32_t *out);

const struct ctl_name *ctl_name_find(const struct ctl_name *n, const char *s);

/* The name of `value` in the table, or NULL. */
const char *ctl_name_of(const struct ctl_name *n, uint8_t value);

/* "a, b or c" from a names table, for "expected ..." hints. */
const char *ctl_names_join(const struct ctl_name *n, char *buf, size_t len);

/* A name from the table or a number 0..255 (see config_keys.c). */
int ctl_byte(struct ctl_parse *p, const struct ctl_tok *t, const struct ctl_name *names,
	     const char *what, const char *hint, uint8_t *out);

extern const struct ctl_name ctl_port_names[];
extern const struct ctl_name ctl_verdicts[];

/* ---- config_rules.c ---- */

/* The `drop` and `pass` keys: one rule. */
int ctl_key_rule(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l);

/* `proto` names: icmp, icmp6, tcp, udp, dccp, sctp, udplite. */
extern const struct ctl_name ctl_protos[];

#endif /* CTL_CONFIG_PARSE_H */
