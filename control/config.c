/* control/config.c - the configuration file -> struct fw_config.
 *
 * Owns the grammar documented in docs/configuration.md. Called by the
 * daemon at start-up and on reload, by `xskwall --check`, by the unit
 * tests and by the fuzzer; it touches nothing but the config it is given.
 *
 * How it works: a file is read into memory in one go and split into lines
 * and tokens in place (NULs written over the blanks), so a line costs no
 * allocation; only the rules array grows (doubling). Each line's first word
 * is looked up in ctl_keys[] (one row per key: argument counts, apply
 * function, usage); rule lines ("drop"/"pass") run their words through
 * ctl_matches[]. Every error is reported once, where it is found, as
 * "FILE:LINE:COL: message"; the caller then frees everything, so a config
 * is either complete or empty. Addresses go through inet_pton only. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define CTL_MAX_TOKENS 64     /* words on one line */
#define CTL_MAX_IFNAME (IF_NAMESIZE - 1)
#define CTL_PROTO_ICMP 1
#define CTL_PROTO_ICMP6 58

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
	const struct ctl_file *file; /* innermost file, for messages */
	char *err;
	size_t errlen;
	struct ctl_seen seen[CTL_ONCE_N];
	uint32_t files;              /* read so far, the main file included */
	uint64_t bytes;              /* read so far, every file */
};

struct ctl_name {
	const char *name;
	uint8_t value;
};

struct ctl_key {
	const char *name;
	int min_args, max_args;
	int (*apply)(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l);
	int once;                     /* enum ctl_once */
	const struct ctl_name *names; /* ctl_key_enum: accepted values */
	size_t off;                   /* ctl_key_enum: uint8_t field of fw_config */
	uint8_t verdict;              /* ctl_key_rule: the action */
	const char *usage;
	uint32_t lo, hi;              /* ctl_key_uint: accepted range */
};

/* State of one rule line while its matches are read. */
struct ctl_rule_ctx {
	struct fp_rule *r;
	struct ctl_line *l;
	int i;                             /* next word */
	uint32_t used;                     /* bit i: ctl_matches[i] seen */
	const struct ctl_tok *proto_kw;    /* what set r->proto ... */
	const struct ctl_tok *proto_val;   /* ... and its value, if any */
	const struct ctl_tok *fam_tok;     /* what set r->family */
	int fam_from_prefix;
};

static int ctl_parse_text(struct ctl_parse *p, const char *name, char *buf,
			  size_t len, int depth);

/* ---- messages ---------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int ctl_err(struct ctl_parse *p, uint32_t col, const char *fmt, ...)
{
	char msg[CTL_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u:%u: %s", p->file->name,
			 p->file->line, col, msg);
	return -EINVAL;
}

static int ctl_oom(struct ctl_parse *p)
{
	ctl_err(p, 1, "out of memory");
	return -ENOMEM;
}

/* "a, b or c" from a names table, for "expected ..." hints. */
static const char *ctl_names_join(const struct ctl_name *n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; n[i].name && off < len; i++) {
		const char *sep = i == 0 ? "" : n[i + 1].name ? ", " : " or ";

		off += snprintf(buf + off, len - off, "%s%s", sep, n[i].name);
	}
	return buf;
}

/* ---- small parsers ----------------------------------------------------- */

/* Decimal digits only, the whole of s[0..n); -EINVAL or -ERANGE. */
static int ctl_num(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static const struct ctl_name *ctl_name_find(const struct ctl_name *n, const char *s)
{
	for (; n->name; n++)
		if (strcmp(n->name, s) == 0)
			return n;
	return NULL;
}

/* A name from the table or a number 0..255; `what` names the value and
 * `hint` says what is accepted. */
static int ctl_byte(struct ctl_parse *p, const struct ctl_tok *t,
		    const struct ctl_name *names, const char *what,
		    const char *hint, uint8_t *out)
{
	const struct ctl_name *n = names ? ctl_name_find(names, t->s) : NULL;
	uint32_t v;
	int err;

	if (n) {
		*out = n->value;
		return 0;
	}
	err = ctl_num(t->s, strlen(t->s), &v);
	if (err == -EINVAL)
		return ctl_err(p, t->col, "'%s' is not %s %s (%s)", t->s,
			       what[0] == 'I' ? "an" : "a", what, hint);
	if (err || v > 255)
		return ctl_err(p, t->col, "'%s' is out of range for %s %s (0-255)",
			       t->s, what[0] == 'I' ? "an" : "a", what);
	*out = (uint8_t)v;
	return 0;
}

/* ---- single-valued keys ------------------------------------------------ */

static int ctl_once(struct ctl_parse *p, int slot, const struct ctl_tok *t,
		    const char *label)
{
	struct ctl_seen *s = &p->seen[slot];

	if (s->file)
		return ctl_err(p, t->col, "%s given twice (first at %s:%u)",
			       label, s->file, s->line);
	s->file = strdup(p->file->name);
	if (!s->file)
		return ctl_oom(p);
	s->line = p->file->line;
	return 0;
}

static int ctl_key_enum(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	const struct ctl_name *n = ctl_name_find(k->names, t->s);
	char exp[128];

	if (!n)
		return ctl_err(p, t->col, "'%s' is not a valid %s (expected %s)",
			       t->s, k->name, ctl_names_join(k->names, exp, sizeof(exp)));
	*((uint8_t *)p->cfg + k->off) = n->value;
	return 0;
}

/* A number in [k->lo, k->hi] into the uint32_t field at k->off. */
static int ctl_key_uint(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	uint32_t v;
	int err;

	err = ctl_num(t->s, strlen(t->s), &v);
	if (err == -EINVAL)
		return ctl_err(p, t->col, "'%s' is not a number (%s takes %u-%u)",
			       t->s, k->name, k->lo, k->hi);
	if (err || v < k->lo || v > k->hi)
		return ctl_err(p, t->col, "'%s' is out of range for %s (%u-%u)",
			       t->s, k->name, k->lo, k->hi);
	memcpy((char *)p->cfg + k->off, &v, sizeof(v));
	return 0;
}

/* ---- ports ------------------------------------------------------------- */

static const struct ctl_name ctl_port_names[] = {
	{ "outside", FP_PORT_OUTSIDE },
	{ "inside", FP_PORT_INSIDE },
	{ NULL, 0 },
};

static int ctl_ifname(struct ctl_parse *p, const struct ctl_tok *t)
{
	size_t n = strlen(t->s), i;

	if (n == 0)
		return ctl_err(p, t->col, "interface name is empty");
	if (n > CTL_MAX_IFNAME)
		return ctl_err(p, t->col, "interface name '%s' is longer than %d characters",
			       t->s, CTL_MAX_IFNAME);
	if (strcmp(t->s, ".") == 0 || strcmp(t->s, "..") == 0)
		return ctl_err(p, t->col, "'%s' is not a valid interface name", t->s);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t->s[i];

		if (c == '/' || c == ':')
			return ctl_err(p, t->col, "interface name '%s' contains '%c'",
				       t->s, c);
		if (c <= ' ' || c == 0x7f)
			return ctl_err(p, t->col,
				       "interface name '%s' contains whitespace or a control character",
				       t->s);
	}
	return 0;
}

static int ctl_port_slot(int port)
{
	return port == FP_PORT_OUTSIDE ? CTL_ONCE_PORT_OUT : CTL_ONCE_PORT_IN;
}

static int ctl_key_port(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	const struct ctl_tok *side = &l->tok[1], *ifn = &l->tok[2];
	const struct ctl_name *n = ctl_name_find(ctl_port_names, side->s);
	const struct ctl_seen *first;
	char label[32];
	int err, other;

	(void)k;
	if (!n)
		return ctl_err(p, side->col,
			       "'%s' is not a port (expected outside or inside)", side->s);
	snprintf(label, sizeof(label), "port %s", n->name);
	err = ctl_once(p, ctl_port_slot(n->value), &l->tok[0], label);
	if (!err)
		err = ctl_ifname(p, ifn);
	if (err)
		return err;
	other = n->value == FP_PORT_OUTSIDE ? FP_PORT_INSIDE : FP_PORT_OUTSIDE;
	first = &p->seen[ctl_port_slot(other)];
	if (strcmp(p->cfg->port[other], ifn->s) == 0)
		return ctl_err(p, ifn->col, "'%s' is already port %s (at %s:%u)",
			       ifn->s, ctl_port_names[other].name, first->file,
			       first->line);
	memcpy(p->cfg->port[n->value], ifn->s, strlen(ifn->s) + 1);
	return 0;
}

/* ---- queues and cpus: "N", "N-M", comma separated ---------------------- */

struct ctl_list {
	const char *what; /* "queue id", "cpu" */
	uint32_t max;
	int (*add)(struct ctl_parse *p, uint32_t lo, uint32_t hi);
};

static int ctl_list_elem(struct ctl_parse *p, const struct ctl_list *li,
			 const char *s, size_t n, uint32_t col)
{
	const char *dash = memchr(s, '-', n);
	size_t n1 = dash ? (size_t)(dash - s) : n;
	uint32_t lo = 0, hi = 0;
	int e1, e2;

	e1 = ctl_num(s, n1, &lo);
	e2 = dash ? ctl_num(dash + 1, n - n1 - 1, &hi) : e1;
	if (!dash)
		hi = lo;
	if (e1 == -EINVAL || e2 == -EINVAL)
		return ctl_err(p, col, "'%.*s' is not a %s or a range (N or N-M)",
			       (int)n, s, li->what);
	if (e1 || e2 || lo > li->max || hi > li->max)
		return ctl_err(p, col, "'%.*s' is out of range (%ss are 0-%u)",
			       (int)n, s, li->what, li->max);
	if (lo > hi)
		return ctl_err(p, col, "range '%.*s' ends before it starts",
			       (int)n, s);
	if (li->add(p, lo, hi))
		return ctl_err(p, col, "too many %ss (at most %d)", li->what,
			       CTL_MAX_CPUS);
	return 0;
}

static int ctl_list(struct ctl_parse *p, const struct ctl_list *li,
		    const struct ctl_tok *t)
{
	const char *s = t->s;
	int err;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);

		err = ctl_list_elem(p, li, s, n, t->col + (uint32_t)(s - t->s));
		if (err || !comma)
			return err;
		s = comma + 1;
	}
}

static int ctl_add_queues(struct ctl_parse *p, uint32_t lo, uint32_t hi)
{
	for (; lo <= hi; lo++)
		p->cfg->queue_mask |= 1ull << lo;
	return 0;
}

static int ctl_add_cpus(struct ctl_parse *p, uint32_t lo, uint32_t hi)
{
	struct fw_config *c = p->cfg;

	if (hi - lo >= CTL_MAX_CPUS - c->ncpus)
		return -E2BIG;
	for (; lo <= hi; lo++)
		c->cpus[c->ncpus++] = (uint16_t)lo;
	return 0;
}

static int ctl_key_queues(struct ctl_parse *p, const struct ctl_key *k,
			  struct ctl_line *l)
{
	static const struct ctl_list li = {
		"queue id", CTL_MAX_QUEUES - 1, ctl_add_queues
	};

	(void)k;
	if (strcmp(l->tok[1].s, "all") == 0) {
		p->cfg->queues_all = 1;
		p->cfg->queue_mask = 0;
		return 0;
	}
	p->cfg->queues_all = 0;
	p->cfg->queue_mask = 0;
	return ctl_list(p, &li, &l->tok[1]);
}

static int ctl_key_cpus(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	static const struct ctl_list li = { "cpu", CTL_MAX_CPUS - 1, ctl_add_cpus };

	(void)k;
	p->cfg->ncpus = 0;
	return ctl_list(p, &li, &l->tok[1]);
}

/* ---- include ----------------------------------------------------------- */

/* What reading one file gave: the text (NUL-terminated), or what went
 * wrong as "<what>: <detail>" for the caller to place in its message. */
struct ctl_text {
	char *buf;
	size_t len;
	const char *what;  /* "cannot open" or "cannot read" */
	char detail[128];
};

static const char *ctl_file_type(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

/* Open without blocking (a FIFO must not hang us) and accept only a
 * regular file of at most `max` bytes. */
static int ctl_open_regular(const char *path, size_t max, struct ctl_text *t, size_t *size)
{
	struct stat st;
	int fd;

	t->what = "cannot open";
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
		return -errno;
	}
	t->what = "cannot read";
	if (fstat(fd, &st)) {
		snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
		close(fd);
		return -EIO;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		snprintf(t->detail, sizeof(t->detail), S_ISDIR(st.st_mode) ? "%s" :
			 "not a regular file (%s)", S_ISDIR(st.st_mode) ? strerror(EISDIR) :
			 ctl_file_type(st.st_mode));
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	*size = (size_t)st.st_size;
	return fd;
}

/* Read a whole regular file of at most `max` bytes into t->buf; -errno,
 * -EFBIG past max (the caller names the limit). */
static int ctl_read_file(const char *path, size_t max, struct ctl_text *t)
{
	size_t size = 0, len = 0;
	ssize_t n;
	int fd;

	memset(t, 0, sizeof(*t));
	fd = ctl_open_regular(path, max, t, &size);
	if (fd < 0)
		return fd;
	t->buf = malloc(size + 2); /* one byte more shows growth; one for the NUL */
	if (!t->buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < size + 1) {
		n = read(fd, t->buf + len, size + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				snprintf(t->detail, sizeof(t->detail), "%s", strerror(errno));
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!t->detail[0] && len > size && len <= max)
		snprintf(t->detail, sizeof(t->detail), "it grew while it was read");
	if (t->detail[0] || len > max) {
		free(t->buf);
		t->buf = NULL;
		return t->detail[0] ? -EIO : -EFBIG;
	}
	t->buf[len] = '\0';
	t->len = len;
	return 0;
}

/* Count one more file of `len` bytes against the configuration's limits;
 * on excess, t->detail says which. */
static int ctl_budget_file(struct ctl_parse *p, struct ctl_text *t)
{
	if (++p->files > CTL_MAX_FILES)
		snprintf(t->detail, sizeof(t->detail),
			 "more than %u files in the configuration (an include counts each time it is read)",
			 CTL_MAX_FILES);
	else if ((p->bytes += t->len) > CTL_MAX_CONFIG_BYTES)
		snprintf(t->detail, sizeof(t->detail),
			 "the configuration would exceed %u bytes in all", CTL_MAX_CONFIG_BYTES);
	else
		return 0;
	return -EFBIG;
}

/* The limit a file met, for its message. */
static void ctl_file_too_big(struct ctl_text *t)
{
	t->what = "cannot read";
	snprintf(t->detail, sizeof(t->detail), "more than the %u bytes a configuration file may have",
		 CTL_MAX_FILE_BYTES);
}

static int ctl_include_file(struct ctl_parse *p, const struct ctl_tok *tok,
			    const char *path)
{
	struct ctl_text t;
	int err;

	err = ctl_read_file(path, CTL_MAX_FILE_BYTES, &t);
	if (err == -ENOMEM)
		return ctl_oom(p);
	if (err == -EFBIG)
		ctl_file_too_big(&t);
	if (!err && ctl_budget_file(p, &t))
		err = -EFBIG;
	if (err) {
		ctl_err(p, tok->col, "%s '%s': %s", t.what, path, t.detail);
		free(t.buf);
		return err;
	}
	err = ctl_parse_text(p, path, t.buf, t.len, p->file->depth + 1);
	free(t.buf);
	return err;
}

static int ctl_include_glob(struct ctl_parse *p, const struct ctl_tok *t,
			    const char *pattern)
{
	glob_t g;
	size_t i;
	int err = 0, rc;

	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return 0;                 /* an empty conf.d is fine */
	if (rc == GLOB_NOSPACE)
		err = ctl_oom(p);
	else if (rc)
		err = ctl_err(p, t->col, "cannot read '%s'", pattern);
	for (i = 0; !err && i < g.gl_pathc; i++)
		err = ctl_include_file(p, t, g.gl_pathv[i]);
	globfree(&g);
	return err;
}

/* Relative paths are relative to the including file's directory. */
static char *ctl_include_path(const char *from, const char *path)
{
	const char *slash = strrchr(from, '/');
	size_t dlen = slash ? (size_t)(slash - from) + 1 : 0;
	size_t plen = strlen(path);
	char *out;

	if (path[0] == '/')
		dlen = 0;
	out = malloc(dlen + plen + 1);
	if (!out)
		return NULL;
	memcpy(out, from, dlen);
	memcpy(out + dlen, path, plen + 1);
	return out;
}

static int ctl_key_include(struct ctl_parse *p, const struct ctl_key *k,
			   struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	char *path;
	int err;

	(void)k;
	if (p->file->depth >= CTL_MAX_INCLUDE_DEPTH)
		return ctl_err(p, t->col,
			       "cannot include '%s': includes nested deeper than %d (include loop?)",
			       t->s, CTL_MAX_INCLUDE_DEPTH);
	path = ctl_include_path(p->file->name, t->s);
	if (!path)
		return ctl_oom(p);
	if (strpbrk(t->s, "*?["))
		err = ctl_include_glob(p, t, path);
	else
		err = ctl_include_file(p, t, path);
	free(path);
	return err;
}

/* ---- rules: matches ---------------------------------------------------- */

static const struct ctl_name ctl_icmp_types[] = {
	{ "echo-reply", 0 },
	{ "destination-unreachable", 3 },
	{ "dest-unreachable", 3 },
	{ "source-quench", 4 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicitation", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp-request", 13 },
	{ "timestamp-reply", 14 },
	{ "info-request", 15 },
	{ "info-reply", 16 },
	{ "address-mask-request", 17 },
	{ "address-mask-reply", 18 },
	{ NULL, 0 },
};

static const struct ctl_name ctl_icmp6_types[] = {
	{ "destination-unreachable", 1 },
	{ "dest-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "mld-listener-done", 132 },
	{ "mld-listener-reduction", 132 },
	{ "nd-router-solicit", 133 },
	{ "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 },
	{ "nd-neighbor-advert", 136 },
	{ "nd-redirect", 137 },
	{ "router-renumbering", 138 },
	{ "mld2-listener-report", 143 },
	{ NULL, 0 },
};

/* `proto` names; value 0 in the family column means "any family". */
static const struct ctl_name ctl_protos[] = {
	{ "icmp", CTL_PROTO_ICMP },
	{ "icmp6", CTL_PROTO_ICMP6 },
	{ "tcp", 6 },
	{ "udp", 17 },
	{ NULL, 0 },
};

static const char *ctl_family_word(uint8_t proto)
{
	return proto == CTL_PROTO_ICMP ? "icmp" : "icmp6";
}

/* The next word after kw, or "missing argument" at the end of the line. */
static int ctl_arg(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		   const struct ctl_tok *kw, const struct ctl_tok **out)
{
	if (rc->i >= rc->l->n)
		return ctl_err(p, rc->l->end_col, "missing argument after '%s'", kw->s);
	*out = &rc->l->tok[rc->i++];
	return 0;
}

/* The next word if it is `word` (an optional keyword), else NULL. */
static const struct ctl_tok *ctl_opt(struct ctl_rule_ctx *rc, const char *word)
{
	if (rc->i < rc->l->n && strcmp(rc->l->tok[rc->i].s, word) == 0)
		return &rc->l->tok[rc->i++];
	return NULL;
}

static int ctl_family_conflict(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			       const struct ctl_tok *t, int is_prefix, uint8_t fam)
{
	uint8_t old = rc->r->family, ip = rc->r->proto;

	if (is_prefix && rc->fam_from_prefix)
		return ctl_err(p, t->col,
			       "src and dst are of different families ('%s' is IPv%u, '%s' is IPv%u)",
			       rc->fam_tok->s, old, t->s, fam);
	if (is_prefix)
		return ctl_err(p, t->col, "IPv%u prefix '%s' cannot be used with %s (use %s)",
			       fam, t->s, ctl_family_word(ip),
			       fam == FP_FAMILY_IPV4 ? "icmp" : "icmp6");
	return ctl_err(p, t->col, "%s cannot be used with IPv%u prefix '%s' (use %s)",
		       ctl_family_word(ip), old, rc->fam_tok->s,
		       old == FP_FAMILY_IPV4 ? "icmp" : "icmp6");
}

static int ctl_set_family(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			  const struct ctl_tok *t, int is_prefix, uint8_t fam)
{
	struct fp_rule *r = rc->r;

	if ((r->match & FP_MATCH_FAMILY) && r->family != fam)
		return ctl_family_conflict(p, rc, t, is_prefix, fam);
	if (!(r->match & FP_MATCH_FAMILY) || is_prefix) {
		rc->fam_tok = t;
		rc->fam_from_prefix = is_prefix;
	}
	r->match |= FP_MATCH_FAMILY;
	r->family = fam;
	return 0;
}

static int ctl_set_proto(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			 const struct ctl_tok *kw, const struct ctl_tok *val,
			 uint8_t proto)
{
	struct fp_rule *r = rc->r;

	if ((r->match & FP_MATCH_PROTO) && r->proto != proto)
		return ctl_err(p, kw->col, "'%s%s%s' conflicts with '%s%s%s'",
			       kw->s, val ? " " : "", val ? val->s : "",
			       rc->proto_kw->s, rc->proto_val ? " " : "",
			       rc->proto_val ? rc->proto_val->s : "");
	r->match |= FP_MATCH_PROTO;
	r->proto = proto;
	rc->proto_kw = kw;
	rc->proto_val = val;
	if (proto == CTL_PROTO_ICMP && (!val || !strcmp(val->s, "icmp")))
		return ctl_set_family(p, rc, val ? val : kw, 0, FP_FAMILY_IPV4);
	if (proto == CTL_PROTO_ICMP6 && (!val || !strcmp(val->s, "icmp6")))
		return ctl_set_family(p, rc, val ? val : kw, 0, FP_FAMILY_IPV6);
	return 0;
}

static int ctl_prefix_hostbits(struct ctl_parse *p, const struct ctl_tok *t,
			       const struct fp_prefix *px, int af)
{
	uint8_t net[16];
	char hint[INET6_ADDRSTRLEN];
	unsigned int i, bits;
	int dirty = 0;

	for (i = 0; i < 16; i++) {
		bits = px->len > i * 8 ? px->len - i * 8 : 0;
		net[i] = bits >= 8 ? px->addr[i] :
			 (uint8_t)(px->addr[i] & (0xff00u >> bits));
		dirty |= net[i] != px->addr[i];
	}
	if (!dirty)
		return 0;
	inet_ntop(af, net, hint, sizeof(hint));
	return ctl_err(p, t->col, "'%s' has host bits set (did you mean %s/%u?)",
		       t->s, hint, px->len);
}

static int ctl_prefix(struct ctl_parse *p, const struct ctl_tok *t,
		      struct fp_prefix *px)
{
	const char *slash = strchr(t->s, '/');
	size_t alen = slash ? (size_t)(slash - t->s) : strlen(t->s);
	char addr[INET6_ADDRSTRLEN];
	uint32_t len, max;
	int af;

	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, t->s, alen);
	addr[alen] = '\0';
	af = memchr(addr, ':', alen) ? AF_INET6 : AF_INET;
	max = af == AF_INET6 ? 128 : 32;
	memset(px, 0, sizeof(*px));
	if (inet_pton(af, addr, px->addr) != 1)
		goto bad;
	len = max;
	if (slash && (ctl_num(slash + 1, strlen(slash + 1), &len) || len > max))
		goto bad;
	px->family = af == AF_INET6 ? FP_FAMILY_IPV6 : FP_FAMILY_IPV4;
	px->len = (uint8_t)len;
	return ctl_prefix_hostbits(p, t, px, af);
bad:
	return ctl_err(p, t->col, "'%s' is not an IPv4 or IPv6 prefix", t->s);
}

static int ctl_m_addr(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		      const struct ctl_tok *kw, struct fp_prefix *px, uint32_t bit)
{
	const struct ctl_tok *t = NULL;
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (!err)
		err = ctl_prefix(p, t, px);
	if (!err)
		err = ctl_set_family(p, rc, t, 1, px->family);
	rc->r->match |= bit;
	return err;
}

static int ctl_m_src(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw)
{
	return ctl_m_addr(p, rc, kw, &rc->r->src, FP_MATCH_SRC);
}

static int ctl_m_dst(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw)
{
	return ctl_m_addr(p, rc, kw, &rc->r->dst, FP_MATCH_DST);
}

static int ctl_m_proto(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		       const struct ctl_tok *kw)
{
	const struct ctl_tok *t = NULL;
	uint8_t proto;
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (!err)
		err = ctl_byte(p, t, ctl_protos, "protocol",
			       "icmp, icmp6, tcp, udp or 0-255", &proto);
	return err ? err : ctl_set_proto(p, rc, kw, t, proto);
}

/* icmp|icmp6 [type T [code C]] */
static int ctl_m_icmp_common(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			     const struct ctl_tok *kw, uint8_t proto,
			     const struct ctl_name *types, const char *what)
{
	const struct ctl_tok *t, *v = NULL;
	int err;

	err = ctl_set_proto(p, rc, kw, NULL, proto);
	if (err)
		return err;
	t = ctl_opt(rc, "type");
	if (!t) {
		t = ctl_opt(rc, "code");
		return t ? ctl_err(p, t->col, "'code' needs a 'type' before it") : 0;
	}
	err = ctl_arg(p, rc, t, &v);
	if (!err)
		err = ctl_byte(p, v, types, what, "a name or 0-255",
			       &rc->r->icmp_type);
	if (err)
		return err;
	rc->r->match |= FP_MATCH_ICMP_TYPE;
	t = ctl_opt(rc, "code");
	if (!t)
		return 0;
	err = ctl_arg(p, rc, t, &v);
	if (!err)
		err = ctl_byte(p, v, NULL, "ICMP code", "0-255",
			       &rc->r->icmp_code);
	rc->r->match |= FP_MATCH_ICMP_CODE;
	return err;
}

static int ctl_m_icmp(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		      const struct ctl_tok *kw)
{
	return ctl_m_icmp_common(p, rc, kw, CTL_PROTO_ICMP, ctl_icmp_types,
				 "ICMP type");
}

static int ctl_m_icmp6(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		       const struct ctl_tok *kw)
{
	return ctl_m_icmp_common(p, rc, kw, CTL_PROTO_ICMP6, ctl_icmp6_types,
				 "ICMPv6 type");
}

static int ctl_m_in(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		    const struct ctl_tok *kw)
{
	const struct ctl_tok *t = NULL;
	const struct ctl_name *n;
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (err)
		return err;
	n = ctl_name_find(ctl_port_names, t->s);
	if (!n)
		return ctl_err(p, t->col,
			       "'%s' is not a port (expected outside or inside)", t->s);
	rc->r->in_port = n->value;
	rc->r->match |= FP_MATCH_IN;
	return 0;
}

struct ctl_match {
	const char *name;
	int (*parse)(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw);
	const char *usage;
};

static const struct ctl_match ctl_matches[] = {
	{ "src", ctl_m_src, "src PREFIX" },
	{ "dst", ctl_m_dst, "dst PREFIX" },
	{ "proto", ctl_m_proto, "proto icmp|icmp6|tcp|udp|0-255" },
	{ "icmp", ctl_m_icmp, "icmp [type T [code C]]" },
	{ "icmp6", ctl_m_icmp6, "icmp6 [type T [code C]]" },
	{ "in", ctl_m_in, "in outside|inside" },
	{ NULL, NULL, NULL },
};

static int ctl_rule_word(struct ctl_parse *p, struct ctl_rule_ctx *rc)
{
	const struct ctl_tok *kw = &rc->l->tok[rc->i++];
	int i;

	for (i = 0; ctl_matches[i].name; i++)
		if (strcmp(ctl_matches[i].name, kw->s) == 0)
			break;
	if (!ctl_matches[i].name) {
		if (!strcmp(kw->s, "type") || !strcmp(kw->s, "code"))
			return ctl_err(p, kw->col,
				       "'%s' must follow 'icmp' or 'icmp6'%s", kw->s,
				       kw->s[0] == 'c' ? " and a type" : "");
		return ctl_err(p, kw->col,
			       "unknown match '%s' (expected src, dst, proto, icmp, icmp6 or in)",
			       kw->s);
	}
	if (rc->used & (1u << i))
		return ctl_err(p, kw->col, "'%s' given twice in one rule", kw->s);
	rc->used |= 1u << i;
	return ctl_matches[i].parse(p, rc, kw);
}

static int ctl_rules_reserve(struct ctl_parse *p)
{
	struct fw_config *c = p->cfg;
	size_t cap;
	struct fp_rule *r;

	if (c->nrules >= CTL_MAX_RULES)
		return ctl_err(p, 1, "more than %u rules in the configuration", CTL_MAX_RULES);
	if (c->nrules < c->rules_cap)
		return 0;
	cap = c->rules_cap ? c->rules_cap * 2 : 64;
	if (cap > CTL_MAX_RULES)
		cap = CTL_MAX_RULES;
	if (cap > SIZE_MAX / sizeof(*r))
		return ctl_oom(p);
	r = realloc(c->rules, cap * sizeof(*r));
	if (!r)
		return ctl_oom(p);
	c->rules = r;
	c->rules_cap = cap;
	return 0;
}

static int ctl_key_rule(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	struct ctl_rule_ctx rc;
	int err;

	err = ctl_rules_reserve(p);
	if (err)
		return err;
	memset(&rc, 0, sizeof(rc));
	rc.r = &p->cfg->rules[p->cfg->nrules];
	rc.l = l;
	rc.i = 1;
	memset(rc.r, 0, sizeof(*rc.r));
	rc.r->action = k->verdict;
	rc.r->line = p->file->line;
	while (rc.i < l->n) {
		err = ctl_rule_word(p, &rc);
		if (err)
			return err;
	}
	p->cfg->nrules++;
	return 0;
}

/* ---- the key table ----------------------------------------------------- */

static const struct ctl_name ctl_verdicts[] = {
	{ "pass", FP_PASS }, { "drop", FP_DROP }, { NULL, 0 },
};
static const struct ctl_name ctl_xdp_modes[] = {
	{ "auto", CTL_XDP_AUTO }, { "native", CTL_XDP_NATIVE },
	{ "generic", CTL_XDP_GENERIC }, { NULL, 0 },
};
static const struct ctl_name ctl_on_off[] = {
	{ "off", 0 }, { "on", 1 }, { NULL, 0 },
};
static const struct ctl_name ctl_bind_modes[] = {
	{ "auto", CTL_BIND_AUTO }, { "zero-copy", CTL_BIND_ZEROCOPY },
	{ "copy", CTL_BIND_COPY }, { NULL, 0 },
};

#define CTL_ENUM(key, slot, names, field, usage) \
	{ key, 1, 1, ctl_key_enum, slot, names, offsetof(struct fw_config, field), 0, usage }

#define CTL_UINT(key, slot, field, min, max, usage) \
	{ key, 1, 1, ctl_key_uint, slot, NULL, offsetof(struct fw_config, field), 0, usage, min, max }

static const struct ctl_key ctl_keys[] = {
	{ "drop", 0, CTL_MAX_TOKENS, ctl_key_rule, CTL_ONCE_NONE, NULL, 0, FP_DROP,
	  "drop [MATCH ...]" },
	{ "pass", 0, CTL_MAX_TOKENS, ctl_key_rule, CTL_ONCE_NONE, NULL, 0, FP_PASS,
	  "pass [MATCH ...]" },
	{ "port", 2, 2, ctl_key_port, CTL_ONCE_NONE, NULL, 0, 0,
	  "port outside|inside IFNAME" },
	{ "queues", 1, 1, ctl_key_queues, CTL_ONCE_QUEUES, NULL, 0, 0,
	  "queues all|N|N-M[,N-M...]" },
	CTL_ENUM("policy", CTL_ONCE_POLICY, ctl_verdicts, policy.deflt,
		 "policy pass|drop"),
	CTL_ENUM("on-miss", CTL_ONCE_ON_MISS, ctl_verdicts, on_miss,
		 "on-miss drop|pass"),
	CTL_ENUM("policy-malformed", CTL_ONCE_MALFORMED, ctl_verdicts,
		 policy.malformed, "policy-malformed drop|pass"),
	CTL_ENUM("policy-non-ip", CTL_ONCE_NON_IP, ctl_verdicts, policy.non_ip,
		 "policy-non-ip pass|drop"),
	CTL_ENUM("xdp-mode", CTL_ONCE_XDP_MODE, ctl_xdp_modes, xdp_mode,
		 "xdp-mode auto|native|generic"),
	CTL_ENUM("bind-mode", CTL_ONCE_BIND_MODE, ctl_bind_modes, bind_mode,
		 "bind-mode auto|zero-copy|copy"),
	{ "cpus", 1, 1, ctl_key_cpus, CTL_ONCE_CPUS, NULL, 0, 0, "cpus N|N-M[,N-M...]" },
	CTL_UINT("idle-spin-us", CTL_ONCE_IDLE_SPIN, idle_spin_us, 0, CTL_MAX_IDLE_SPIN_US,
		 "idle-spin-us 0-1000000"),
	CTL_ENUM("busy-poll", CTL_ONCE_BUSY_POLL, ctl_on_off, busy_poll, "busy-poll off|on"),
	CTL_UINT("busy-poll-budget", CTL_ONCE_BUSY_BUDGET, busy_poll_budget, 1,
		 CTL_MAX_BUSY_POLL_BUDGET, "busy-poll-budget 1-1024"),
	{ "include", 1, 1, ctl_key_include, CTL_ONCE_NONE, NULL, 0, 0,
	  "include PATH-OR-GLOB" },
	{ NULL, 0, 0, NULL, CTL_ONCE_NONE, NULL, 0, 0, NULL },
};

/* ---- lines and files --------------------------------------------------- */

static int ctl_dispatch(struct ctl_parse *p, struct ctl_line *l)
{
	const struct ctl_key *k;
	int nargs = l->n - 1, err;

	for (k = ctl_keys; k->name; k++)
		if (strcmp(k->name, l->tok[0].s) == 0)
			break;
	if (!k->name)
		return ctl_err(p, l->tok[0].col, "unknown keyword '%s'", l->tok[0].s);
	if (nargs < k->min_args)
		return ctl_err(p, l->end_col, "missing argument after '%s'",
			       l->tok[l->n - 1].s);
	if (nargs > k->max_args)
		return ctl_err(p, l->tok[k->max_args + 1].col,
			       "extra argument '%s' (usage: %s)",
			       l->tok[k->max_args + 1].s, k->usage);
	if (k->once != CTL_ONCE_NONE) {
		err = ctl_once(p, k->once, &l->tok[0], k->name);
		if (err)
			return err;
	}
	return k->apply(p, k, l);
}

static int ctl_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split [s, e) into words in place; *e must be writable. */
static int ctl_tokenize(struct ctl_parse *p, struct ctl_line *l, char *s, char *e)
{
	char *start = s;

	l->n = 0;
	l->end_col = 1;
	for (;;) {
		while (s < e && ctl_blank(*s))
			s++;
		if (s >= e)
			return 0;
		if (l->n == CTL_MAX_TOKENS)
			return ctl_err(p, (uint32_t)(s - start) + 1,
				       "too many words on one line (at most %d)",
				       CTL_MAX_TOKENS);
		l->tok[l->n].s = s;
		l->tok[l->n++].col = (uint32_t)(s - start) + 1;
		while (s < e && !ctl_blank(*s))
			s++;
		l->end_col = (uint32_t)(s - start) + 1;
		*s = '\0';
		if (s < e)
			s++;
	}
}

static int ctl_parse_line(struct ctl_parse *p, struct ctl_line *l, char *s, char *e)
{
	char *hash = memchr(s, '#', (size_t)(e - s));
	char *nul;
	int err;

	if (hash)
		e = hash;
	nul = memchr(s, '\0', (size_t)(e - s));
	if (nul)
		return ctl_err(p, (uint32_t)(nul - s) + 1, "NUL byte in line");
	err = ctl_tokenize(p, l, s, e);
	if (err || l->n == 0)
		return err;
	return ctl_dispatch(p, l);
}

/* Parse buf[0..len) in place; buf[len] must be writable. */
static int ctl_parse_text(struct ctl_parse *p, const char *name, char *buf,
			  size_t len, int depth)
{
	const struct ctl_file *outer = p->file;
	struct ctl_file f = { name, 0, depth };
	char *s = buf, *end = buf + len, *e;
	struct ctl_line l;
	int err = 0;

	p->file = &f;
	while (s < end && !err) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		f.line++;
		err = ctl_parse_line(p, &l, s, e);
		s = e + 1;
	}
	p->file = outer;
	return err;
}

/* ---- public ------------------------------------------------------------ */

void ctl_config_init(struct fw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->queues_all = 1;
	cfg->policy.deflt = FP_PASS;
	cfg->policy.malformed = FP_DROP;
	cfg->policy.non_ip = FP_PASS;
	cfg->on_miss = FP_DROP;
	cfg->xdp_mode = CTL_XDP_AUTO;
	cfg->bind_mode = CTL_BIND_AUTO;
	cfg->idle_spin_us = CTL_DEFAULT_IDLE_SPIN_US;
	cfg->busy_poll_budget = CTL_DEFAULT_BUSY_POLL_BUDGET;
}

void ctl_config_fini(struct fw_config *cfg)
{
	free(cfg->rules);
	ctl_config_init(cfg);
}

static void ctl_parse_fini(struct ctl_parse *p, int err)
{
	int i;

	for (i = 0; i < CTL_ONCE_N; i++)
		free(p->seen[i].file);
	if (err)
		ctl_config_fini(p->cfg);
}

/* Takes a mutable buffer with room for a NUL at buf[len]. */
static int ctl_parse_owned(char *buf, size_t len, const char *name,
			   struct fw_config *cfg, char *err, size_t errlen)
{
	struct ctl_parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.err = err;
	p.errlen = errlen;
	p.files = 1;
	p.bytes = len;
	if (err && errlen)
		err[0] = '\0';
	ctl_config_init(cfg);
	if (len > CTL_MAX_FILE_BYTES) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: more than the %u bytes a configuration "
				 "file may have", name, CTL_MAX_FILE_BYTES);
		return -EFBIG;
	}
	rc = ctl_parse_text(&p, name, buf, len, 0);
	ctl_parse_fini(&p, rc);
	return rc;
}

int ctl_config_parse_buf(const char *buf, size_t len, const char *name,
			 struct fw_config *cfg, char *err, size_t errlen)
{
	char *copy;
	int rc;

	if (!name)
		name = "<buffer>";
	ctl_config_init(cfg);
	copy = malloc(len + 1);
	if (!copy) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (len)
		memcpy(copy, buf, len);
	rc = ctl_parse_owned(copy, len, name, cfg, err, errlen);
	free(copy);
	return rc;
}

int ctl_config_load(const char *path, struct fw_config *cfg, char *err, size_t errlen)
{
	struct ctl_text t;
	int rc;

	ctl_config_init(cfg);
	rc = ctl_read_file(path, CTL_MAX_FILE_BYTES, &t);
	if (rc == -EFBIG)
		ctl_file_too_big(&t);
	if (rc == -ENOMEM)
		snprintf(t.detail, sizeof(t.detail), "%s", strerror(ENOMEM));
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s: %s", path, t.what, t.detail);
		return rc;
	}
	rc = ctl_parse_owned(t.buf, t.len, path, cfg, err, errlen);
	free(t.buf);
	return rc;
}

int ctl_config_validate_ports(const struct fw_config *cfg, char *err, size_t errlen)
{
	const char *msg = NULL;

	if (!cfg->port[FP_PORT_OUTSIDE][0])
		msg = "'port outside' is missing";
	else if (!cfg->port[FP_PORT_INSIDE][0])
		msg = "'port inside' is missing";
	else if (!strcmp(cfg->port[FP_PORT_OUTSIDE], cfg->port[FP_PORT_INSIDE]))
		msg = "'port outside' and 'port inside' are the same interface";
	if (!msg)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "config: %s", msg);
	return -EINVAL;
}

int ctl_config_same_ports(const struct fw_config *a, const struct fw_config *b)
{
	return !strcmp(a->port[FP_PORT_OUTSIDE], b->port[FP_PORT_OUTSIDE]) &&
	       !strcmp(a->port[FP_PORT_INSIDE], b->port[FP_PORT_INSIDE]) &&
	       a->queues_all == b->queues_all &&
	       (a->queues_all || a->queue_mask == b->queue_mask) &&
	       a->on_miss == b->on_miss && a->xdp_mode == b->xdp_mode &&
	       a->bind_mode == b->bind_mode && a->ncpus == b->ncpus &&
	       a->idle_spin_us == b->idle_spin_us && a->busy_poll == b->busy_poll &&
	       a->busy_poll_budget == b->busy_poll_budget &&
	       !memcmp(a->cpus, b->cpus, a->ncpus * sizeof(a->cpus[0]));
}

/* ---- formatting -------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void ctl_cat(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*off < len ? buf + *off : NULL, *off < len ? len - *off : 0,
		      fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

static void ctl_cat_prefix(char *buf, size_t len, size_t *off, const char *kw,
			   const struct fp_prefix *px)
{
	int af = px->family == FP_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	unsigned int max = af == AF_INET6 ? 128 : 32;
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, px->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (px->len < max)
		ctl_cat(buf, len, off, " %s %s/%u", kw, a, px->len);
	else
		ctl_cat(buf, len, off, " %s %s", kw, a);
}

static void ctl_cat_proto(char *buf, size_t len, size_t *off, const struct fp_rule *r)
{
	int fam = (r->match & FP_MATCH_FAMILY) ? r->family : 0;
	int icmp = (r->proto == CTL_PROTO_ICMP && fam == FP_FAMILY_IPV4) ||
		   (r->proto == CTL_PROTO_ICMP6 && fam == FP_FAMILY_IPV6);

	if (icmp && (r->match & FP_MATCH_ICMP_TYPE)) {
		ctl_cat(buf, len, off, " %s type %u", ctl_family_word(r->proto),
			r->icmp_type);
		if (r->match & FP_MATCH_ICMP_CODE)
			ctl_cat(buf, len, off, " code %u", r->icmp_code);
	} else if (icmp) {
		ctl_cat(buf, len, off, " proto %s", ctl_family_word(r->proto));
	} else if (r->proto == 6 || r->proto == 17) {
		ctl_cat(buf, len, off, " proto %s", r->proto == 6 ? "tcp" : "udp");
	} else {
		ctl_cat(buf, len, off, " proto %u", r->proto);
	}
}

int ctl_rule_format(const struct fp_rule *r, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	ctl_cat(buf, len, &off, "%s", r->action == FP_DROP ? "drop" : "pass");
	if (r->match & FP_MATCH_SRC)
		ctl_cat_prefix(buf, len, &off, "src", &r->src);
	if (r->match & FP_MATCH_DST)
		ctl_cat_prefix(buf, len, &off, "dst", &r->dst);
	if (r->match & FP_MATCH_PROTO)
		ctl_cat_proto(buf, len, &off, r);
	if (r->match & FP_MATCH_IN)
		ctl_cat(buf, len, &off, " in %s",
			r->in_port == FP_PORT_INSIDE ? "inside" : "outside");
	return (int)off;
}
