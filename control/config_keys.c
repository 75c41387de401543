/* control/config_keys.c - the key table: one row per key with its
 * argument counts, how its value is parsed (into which field of struct
 * fw_config), its usage text, and whether a reload may change it; from
 * that column come both the reload check (ctl_config_restart_key) and the
 * list in its message (ctl_config_restart_keys). Also the defaults and
 * the checks a whole configuration must pass. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "config_parse.h"

_Static_assert(FW_MAX_QUEUES <= 64, "queue_mask holds one bit per queue");

const char *ctl_names_join(const struct ctl_name *n, char *buf, size_t len)
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
int ctl_num(const char *s, size_t n, uint32_t *out)
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

const struct ctl_name *ctl_name_find(const struct ctl_name *n, const char *s)
{
	for (; n->name; n++)
		if (strcmp(n->name, s) == 0)
			return n;
	return NULL;
}

const char *ctl_name_of(const struct ctl_name *n, uint8_t value)
{
	for (; n->name; n++)
		if (n->value == value)
			return n->name;
	return NULL;
}

/* A name from the table or a number 0..255; `what` names the value and
 * `hint` says what is accepted. */
int ctl_byte(struct ctl_parse *p, const struct ctl_tok *t,
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

/* ---- the control socket and the metrics server ------------------------ */

/* An absolute path that fits a Unix socket address. */
static int ctl_key_socket_path(struct ctl_parse *p, const struct ctl_key *k,
			       struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	size_t n = strlen(t->s);

	if (t->s[0] != '/')
		return ctl_err(p, t->col, "'%s' is not an absolute path (%s)", t->s, k->usage);
	if (n >= CTL_SOCKET_PATH_MAX)
		return ctl_err(p, t->col, "the %s path is longer than %d characters", k->name,
			       CTL_SOCKET_PATH_MAX - 1);
	memcpy((char *)p->cfg + k->off, t->s, n + 1);
	return 0;
}

/* A group name as useradd(8) accepts it: [a-z_][a-z0-9_-]*, at most 32.
 * Whether the group exists is checked when the socket is created. */
static int ctl_key_group(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	size_t n = strlen(t->s);

	if (n >= CTL_GROUP_NAME_MAX)
		return ctl_err(p, t->col, "group name '%s' is longer than %d characters", t->s,
			       CTL_GROUP_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = t->s[i];
		int ok = (c >= 'a' && c <= 'z') || c == '_' ||
			 (i > 0 && ((c >= '0' && c <= '9') || c == '-'));

		if (!ok)
			return ctl_err(p, t->col + (uint32_t)i,
				       "'%s' is not a group name (lower-case letters, digits, "
				       "'_' and '-', starting with a letter or '_')", t->s);
	}
	memcpy((char *)p->cfg + k->off, t->s, n + 1);
	return 0;
}

/* "A.B.C.D:PORT" or "[IPV6]:PORT", PORT 1-65535; numeric only. */
int ctl_listen_parse(const char *s, int *family, void *addr, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	size_t hn = colon ? (size_t)(colon - s) : 0;
	uint32_t v;

	if (!colon || hn == 0 || hn >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hn);
	host[hn] = '\0';
	if (ctl_num(colon + 1, strlen(colon + 1), &v) || v == 0 || v > 65535)
		return -ERANGE;
	*port = (uint16_t)v;
	if (host[0] == '[' && host[hn - 1] == ']') {
		host[hn - 1] = '\0';
		*family = AF_INET6;
		return inet_pton(AF_INET6, host + 1, addr) == 1 ? 0 : -EINVAL;
	}
	*family = AF_INET;
	return inet_pton(AF_INET, host, addr) == 1 ? 0 : -EINVAL;
}

static int ctl_key_listen(struct ctl_parse *p, const struct ctl_key *k, struct ctl_line *l)
{
	const struct ctl_tok *t = &l->tok[1];
	unsigned char addr[16];
	uint16_t port;
	int family, err;

	if (strlen(t->s) >= CTL_LISTEN_MAX)
		return ctl_err(p, t->col, "'%s' is too long (%s)", t->s, k->usage);
	err = ctl_listen_parse(t->s, &family, addr, &port);
	if (err == -ERANGE)
		return ctl_err(p, t->col, "'%s': the port must be a number 1-65535 (%s)", t->s,
			       k->usage);
	if (err)
		return ctl_err(p, t->col, "'%s' is not a numeric address and port (%s)", t->s,
			       k->usage);
	memcpy((char *)p->cfg + k->off, t->s, strlen(t->s) + 1);
	return 0;
}

static int ctl_same_str(const struct fw_config *a, const struct fw_config *b,
			const struct ctl_key *k)
{
	return !strcmp((const char *)a + k->off, (const char *)b + k->off);
}

/* ---- ports ------------------------------------------------------------- */

const struct ctl_name ctl_port_names[] = {
	{ FP_PORT_OUTSIDE_NAME, FP_PORT_OUTSIDE },
	{ FP_PORT_INSIDE_NAME, FP_PORT_INSIDE },
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
	char label[32], names[32];
	int err, other;

	(void)k;
	if (!n)
		return ctl_err(p, side->col, "'%s' is not a port (expected %s)", side->s,
			       ctl_names_join(ctl_port_names, names, sizeof(names)));
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
		"queue id", FW_MAX_QUEUES - 1, ctl_add_queues
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

/* ---- the key table ----------------------------------------------------- */

const struct ctl_name ctl_verdicts[] = {
	{ "pass", FP_PASS }, { "drop", FP_DROP }, { NULL, 0 },
};
static const struct ctl_name ctl_xdp_modes[] = {
	{ "auto", FP_XDP_AUTO }, { "native", FP_XDP_NATIVE },
	{ "generic", FP_XDP_GENERIC }, { NULL, 0 },
};
static const struct ctl_name ctl_on_off[] = {
	{ "off", 0 }, { "on", 1 }, { NULL, 0 },
};
static const struct ctl_name ctl_log_levels[] = {
	{ "error", FW_LOG_ERR }, { "warning", FW_LOG_WARN }, { "info", FW_LOG_INFO },
	{ "debug", FW_LOG_DEBUG }, { NULL, 0 },
};
static const struct ctl_name ctl_reload_memories[] = {
	{ "release", CTL_RELOAD_MEMORY_RELEASE }, { "keep", CTL_RELOAD_MEMORY_KEEP }, { NULL, 0 },
};
static const struct ctl_name ctl_bind_modes[] = {
	{ "auto", FP_BIND_AUTO }, { "zero-copy", FP_BIND_ZEROCOPY },
	{ "copy", FP_BIND_COPY }, { NULL, 0 },
};

/* The reload column: how a key's value is compared between the running
 * configuration and a reloaded one. */
static int ctl_same_u8(const struct fw_config *a, const struct fw_config *b,
		       const struct ctl_key *k)
{
	return *((const uint8_t *)a + k->off) == *((const uint8_t *)b + k->off);
}

static int ctl_same_u32(const struct fw_config *a, const struct fw_config *b,
			const struct ctl_key *k)
{
	return !memcmp((const char *)a + k->off, (const char *)b + k->off, sizeof(uint32_t));
}

static int ctl_same_ports(const struct fw_config *a, const struct fw_config *b,
			  const struct ctl_key *k)
{
	(void)k;
	return !strcmp(a->port[FP_PORT_OUTSIDE], b->port[FP_PORT_OUTSIDE]) &&
	       !strcmp(a->port[FP_PORT_INSIDE], b->port[FP_PORT_INSIDE]);
}

static int ctl_same_queues(const struct fw_config *a, const struct fw_config *b,
			   const struct ctl_key *k)
{
	(void)k;
	return a->queues_all == b->queues_all &&
	       (a->queues_all || a->queue_mask == b->queue_mask);
}

static int ctl_same_cpus(const struct fw_config *a, const struct fw_config *b,
			 const struct ctl_key *k)
{
	(void)k;
	return a->ncpus == b->ncpus && !memcmp(a->cpus, b->cpus, a->ncpus * sizeof(a->cpus[0]));
}

#define CTL_ENUM(key, slot, names, field, usage, same) \
	{ key, 1, 1, ctl_key_enum, slot, names, offsetof(struct fw_config, field), 0, usage, \
	  0, 0, same }

#define CTL_UINT(key, slot, field, min, max, usage, same) \
	{ key, 1, 1, ctl_key_uint, slot, NULL, offsetof(struct fw_config, field), 0, usage, \
	  min, max, same }

/* The last column says what a reload may not change (README, "What a
 * reload may change"): NULL where it may. */
static const struct ctl_key ctl_keys[] = {
	{ "drop", 0, CTL_MAX_TOKENS, ctl_key_rule, CTL_ONCE_NONE, NULL, 0, FP_DROP,
	  "drop [MATCH ...]", 0, 0, NULL },
	{ "pass", 0, CTL_MAX_TOKENS, ctl_key_rule, CTL_ONCE_NONE, NULL, 0, FP_PASS,
	  "pass [MATCH ...]", 0, 0, NULL },
	{ "port", 2, 2, ctl_key_port, CTL_ONCE_NONE, NULL, 0, 0,
	  "port outside|inside IFNAME", 0, 0, ctl_same_ports },
	{ "queues", 1, 1, ctl_key_queues, CTL_ONCE_QUEUES, NULL, 0, 0,
	  "queues all|N|N-M[,N-M...]", 0, 0, ctl_same_queues },
	CTL_ENUM("policy", CTL_ONCE_POLICY, ctl_verdicts, policy.deflt,
		 "policy pass|drop", NULL),
	CTL_ENUM("on-miss", CTL_ONCE_ON_MISS, ctl_verdicts, on_miss,
		 "on-miss drop|pass", ctl_same_u8),
	CTL_ENUM("policy-malformed", CTL_ONCE_MALFORMED, ctl_verdicts,
		 policy.malformed, "policy-malformed drop|pass", NULL),
	CTL_ENUM("policy-non-ip", CTL_ONCE_NON_IP, ctl_verdicts, policy.non_ip,
		 "policy-non-ip pass|drop", NULL),
	CTL_ENUM("xdp-mode", CTL_ONCE_XDP_MODE, ctl_xdp_modes, xdp_mode,
		 "xdp-mode auto|native|generic", ctl_same_u8),
	CTL_ENUM("bind-mode", CTL_ONCE_BIND_MODE, ctl_bind_modes, bind_mode,
		 "bind-mode auto|zero-copy|copy", ctl_same_u8),
	{ "cpus", 1, 1, ctl_key_cpus, CTL_ONCE_CPUS, NULL, 0, 0, "cpus N|N-M[,N-M...]",
	  0, 0, ctl_same_cpus },
	CTL_UINT("idle-spin-us", CTL_ONCE_IDLE_SPIN, idle_spin_us, 0, CTL_MAX_IDLE_SPIN_US,
		 "idle-spin-us 0-1000000", ctl_same_u32),
	CTL_ENUM("busy-poll", CTL_ONCE_BUSY_POLL, ctl_on_off, busy_poll, "busy-poll off|on",
		 ctl_same_u8),
	CTL_UINT("busy-poll-budget", CTL_ONCE_BUSY_BUDGET, busy_poll_budget, 1,
		 CTL_MAX_BUSY_POLL_BUDGET, "busy-poll-budget 1-1024", ctl_same_u32),
	{ "control-socket", 1, 1, ctl_key_socket_path, CTL_ONCE_CONTROL_SOCKET, NULL,
	  offsetof(struct fw_config, control_socket), 0, "control-socket /ABSOLUTE/PATH", 0, 0,
	  ctl_same_str },
	{ "control-group", 1, 1, ctl_key_group, CTL_ONCE_CONTROL_GROUP, NULL,
	  offsetof(struct fw_config, control_group), 0, "control-group GROUP", 0, 0,
	  ctl_same_str },
	{ "metrics-listen", 1, 1, ctl_key_listen, CTL_ONCE_METRICS_LISTEN, NULL,
	  offsetof(struct fw_config, metrics_listen), 0,
	  "metrics-listen ADDR:PORT|[ADDR6]:PORT", 0, 0, ctl_same_str },
	CTL_UINT("metrics-rules", CTL_ONCE_METRICS_RULES, metrics_rules, 0, CTL_MAX_METRICS_RULES,
		 "metrics-rules 0-100000", NULL),
	CTL_ENUM("log-level", CTL_ONCE_LOG_LEVEL, ctl_log_levels, log_level,
		 "log-level error|warning|info|debug", NULL),
	CTL_ENUM("reload-memory", CTL_ONCE_RELOAD_MEMORY, ctl_reload_memories, reload_memory,
		 "reload-memory release|keep", NULL),
	{ "include", 1, 1, ctl_key_include, CTL_ONCE_NONE, NULL, 0, 0,
	  "include PATH-OR-GLOB", 0, 0, NULL },
	{ NULL, 0, 0, NULL, CTL_ONCE_NONE, NULL, 0, 0, NULL, 0, 0, NULL },
};

/* ---- dispatch ---------------------------------------------------------- */

int ctl_dispatch(struct ctl_parse *p, struct ctl_line *l)
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

/* ---- public ------------------------------------------------------------ */

void ctl_config_init(struct fw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->queues_all = 1;
	cfg->policy.deflt = FP_PASS;
	cfg->policy.malformed = FP_DROP;
	cfg->policy.non_ip = FP_PASS;
	cfg->on_miss = FP_DROP;
	cfg->xdp_mode = FP_XDP_AUTO;
	cfg->bind_mode = FP_BIND_AUTO;
	cfg->idle_spin_us = CTL_DEFAULT_IDLE_SPIN_US;
	cfg->busy_poll_budget = CTL_DEFAULT_BUSY_POLL_BUDGET;
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s",
		 CTL_DEFAULT_CONTROL_SOCKET);
	cfg->metrics_rules = CTL_DEFAULT_METRICS_RULES;
	cfg->log_level = FW_LOG_INFO;
}

void ctl_config_fini(struct fw_config *cfg)
{
	for (uint32_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	fp_big_free(cfg->rules);
	ctl_config_init(cfg);
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

const char *ctl_config_restart_key(const struct fw_config *a, const struct fw_config *b)
{
	for (const struct ctl_key *k = ctl_keys; k->name; k++)
		if (k->same && !k->same(a, b, k))
			return k->name;
	return NULL;
}

const char *ctl_config_restart_keys(char *buf, size_t len)
{
	const struct ctl_key *k, *last = NULL;
	size_t off = 0;

	buf[0] = '\0';
	for (k = ctl_keys; k->name; k++)
		last = k->same ? k : last;
	for (k = ctl_keys; k->name && off < len; k++)
		if (k->same)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", !off ? "" :
						k == last ? " or " : ", ", k->name);
	return buf;
}

int ctl_config_same_ports(const struct fw_config *a, const struct fw_config *b)
{
	return !ctl_config_restart_key(a, b);
}
