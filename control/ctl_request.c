/* control/ctl_request.c - parse and check one control request: a JSON
 * object with "cmd" and that command's members, nothing else. One table
 * row per command says which members it takes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "ctl_proto.h"
#include "ctl_request.h"

enum ctl_member_kind { CTL_M_UINT, CTL_M_TEXT, CTL_M_WHAT };

struct ctl_member {
	const char *name;
	enum ctl_member_kind kind;
	size_t off;   /* in struct ctl_request */
	uint64_t max; /* CTL_M_UINT */
	int required;
};

#define CTL_UINT_M(n, f, max, req) { n, CTL_M_UINT, offsetof(struct ctl_request, f), max, req }
#define CTL_TEXT_M(n, req) { n, CTL_M_TEXT, offsetof(struct ctl_request, text), 0, req }
#define CTL_MAX_MEMBERS 4

struct ctl_cmd_def {
	const char *name;
	enum ctl_cmd cmd;
	struct ctl_member members[CTL_MAX_MEMBERS];
};

static const struct ctl_cmd_def ctl_cmd_defs[] = {
	{ "status", CTL_CMD_STATUS, { { NULL } } },
	{ "stats", CTL_CMD_STATS, { { NULL } } },
	{ "rules", CTL_CMD_RULES,
	  { CTL_UINT_M("offset", offset, UINT32_MAX, 0), CTL_UINT_M("limit", limit, CTL_RULES_PAGE, 0),
	    CTL_UINT_M("top", top, UINT32_MAX, 0), { NULL } } },
	{ "reload", CTL_CMD_RELOAD, { { NULL } } },
	{ "add", CTL_CMD_ADD, { CTL_TEXT_M("rule", 1), CTL_UINT_M("at", at, UINT32_MAX, 0), { NULL } } },
	{ "del", CTL_CMD_DEL, { CTL_UINT_M("index", index, UINT32_MAX, 1), { NULL } } },
	{ "trace", CTL_CMD_TRACE, { CTL_TEXT_M("packet", 1), { NULL } } },
	{ "capture", CTL_CMD_CAPTURE,
	  { { "what", CTL_M_WHAT, offsetof(struct ctl_request, capture_all), 0, 0 },
	    CTL_UINT_M("count", count, UINT32_MAX, 0), CTL_UINT_M("seconds", seconds, 86400, 0),
	    CTL_UINT_M("snaplen", snaplen, CTL_CAPTURE_SNAPLEN, 0) } },
};

#define CTL_NCMDS (sizeof(ctl_cmd_defs) / sizeof(ctl_cmd_defs[0]))

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	for (size_t i = 0; i < CTL_NCMDS; i++)
		if (ctl_cmd_defs[i].cmd == cmd)
			return ctl_cmd_defs[i].name;
	return "?";
}

static int ctl_req_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errlen, fmt, a, b);
	return -EINVAL;
}

static const struct ctl_cmd_def *ctl_cmd_find(const char *name)
{
	for (size_t i = 0; i < CTL_NCMDS; i++)
		if (!strcmp(ctl_cmd_defs[i].name, name))
			return &ctl_cmd_defs[i];
	return NULL;
}

static const struct ctl_member *ctl_member_find(const struct ctl_cmd_def *d, const char *name)
{
	for (int i = 0; i < CTL_MAX_MEMBERS && d->members[i].name; i++)
		if (!strcmp(d->members[i].name, name))
			return &d->members[i];
	return NULL;
}

static int ctl_member_set(const struct ctl_cmd_def *d, const struct ctl_member *m, json_t *v,
			  struct ctl_request *req, char *err, size_t errlen)
{
	char *field = (char *)req + m->off;
	const char *s;

	switch (m->kind) {
	case CTL_M_UINT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) > m->max)
			return ctl_req_err(err, errlen, "%s: '%s' must be a whole number in range",
					   d->name, m->name);
		*(uint64_t *)(void *)field = (uint64_t)json_integer_value(v);
		return 0;
	case CTL_M_TEXT:
		s = json_string_value(v);
		if (!s || strlen(s) != json_string_length(v) || json_string_length(v) >= CTL_TEXT_MAX)
			return ctl_req_err(err, errlen, "%s: '%s' must be a string without NUL bytes, "
					   "shorter than 4096 bytes", d->name, m->name);
		memcpy(field, s, json_string_length(v) + 1);
		return 0;
	case CTL_M_WHAT:
		s = json_string_value(v);
		if (!s || (strcmp(s, "drops") && strcmp(s, "all")))
			return ctl_req_err(err, errlen, "%s: '%s' must be \"drops\" or \"all\"",
					   d->name, m->name);
		*(int *)(void *)field = !strcmp(s, "all");
		return 0;
	}
	return -EINVAL;
}

static int ctl_members_read(const struct ctl_cmd_def *d, json_t *obj, struct ctl_request *req,
			    char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const struct ctl_member *m;
		int r;

		if (!strcmp(key, "cmd"))
			continue;
		m = ctl_member_find(d, key);
		if (!m)
			return ctl_req_err(err, errlen, "%s: unknown member '%s'", d->name, key);
		r = ctl_member_set(d, m, v, req, err, errlen);
		if (r)
			return r;
	}
	for (int i = 0; i < CTL_MAX_MEMBERS && d->members[i].name; i++)
		if (d->members[i].required && !json_object_get(obj, d->members[i].name))
			return ctl_req_err(err, errlen, "%s: '%s' is required", d->name,
					   d->members[i].name);
	return 0;
}

static int ctl_request_read(json_t *obj, struct ctl_request *req, char *err, size_t errlen)
{
	const struct ctl_cmd_def *d;
	const char *cmd;

	if (!json_is_object(obj))
		return ctl_req_err(err, errlen, "a request is a JSON object%s%s", "", "");
	cmd = json_string_value(json_object_get(obj, "cmd"));
	if (!cmd)
		return ctl_req_err(err, errlen, "the request has no \"cmd\" string%s%s", "", "");
	d = ctl_cmd_find(cmd);
	if (!d)
		return ctl_req_err(err, errlen, "unknown command '%.64s'%s", cmd, "");
	req->cmd = d->cmd;
	return ctl_members_read(d, obj, req, err, errlen);
}

int ctl_request_parse(const char *line, size_t len, struct ctl_request *req, char *err,
		      size_t errlen)
{
	json_error_t jerr;
	json_t *obj;
	int r;

	memset(req, 0, sizeof(*req));
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		snprintf(err, errlen, "malformed JSON at column %d: %s", jerr.column, jerr.text);
		return -EINVAL;
	}
	r = ctl_request_read(obj, req, err, errlen);
	json_decref(obj);
	return r;
}
