/* control/ctl/ctl_json.c - reading the daemon's replies: members with
 * defaults, scalars as table text, and the one-line verdict that trace and
 * capture print. Called by xskwallctl's handlers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "ctl_cli.h"

long long ctl_json_int(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	return json_is_real(v) ? (long long)json_real_value(v) : 0;
}

double ctl_json_num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key)); /* 0 when not a number */
}

const char *ctl_json_str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

const char *ctl_json_text(const json_t *v, char *buf, size_t n)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER:
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, n, "%.3f", json_real_value(v));
		return buf;
	case JSON_STRING:
		return json_string_value(v);
	case JSON_TRUE:
		return "yes";
	case JSON_FALSE:
		return "no";
	default:
		return "-";
	}
}

/* "by rule N (FILE:LINE): TEXT", from a trace reply's rule object. */
static void ctl_rule_object_text(const json_t *rule, int with_where, char *buf, size_t n)
{
	const char *file = ctl_json_str(rule, "file", NULL);
	long long line = ctl_json_int(rule, "line");
	const char *text = ctl_json_str(rule, "rule", "?");

	if (with_where && file && *file && line > 0)
		snprintf(buf, n, "by rule %lld (%s:%lld): %s", ctl_json_int(rule, "index"), file,
			 line, text);
	else
		snprintf(buf, n, "by rule %lld: %s", ctl_json_int(rule, "index"), text);
}

void ctl_cli_verdict_text(const json_t *o, int with_where, char *buf, size_t n)
{
	const char *verdict = ctl_json_str(o, "verdict", "?");
	const char *reason = ctl_json_str(o, "reason", "?");
	const json_t *rule = json_object_get(o, "rule");
	char by[1024];

	if (!strcmp(reason, "rule") && json_is_object(rule))
		ctl_rule_object_text(rule, with_where, by, sizeof(by));
	else if (!strcmp(reason, "rule"))
		snprintf(by, sizeof(by), "by rule %lld: %s", ctl_json_int(o, "rule"),
			 ctl_json_str(o, "rule_text", "?"));
	else if (!strcmp(reason, "policy"))
		snprintf(by, sizeof(by), "by policy");
	else
		snprintf(by, sizeof(by), "by policy-%s", reason);
	snprintf(buf, n, "%s %s", verdict, by);
}
