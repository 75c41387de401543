/* control/ctl/ctl_change.c - the commands that change or question the
 * running rules: reload, add, del, trace. Handlers of the table in
 * ctl_commands.c; each prints one line (or, with -j, the reply). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ctl_cli.h"

/* The words joined by single spaces (a rule given as several words). */
static char *ctl_join(int n, char **words)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

int ctl_cmd_reload(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	json_t *r;
	int rc = ctl_cli_call(cmd, a, json_pack("{s:s}", "cmd", "reload"), -1, &r);

	if (rc == CTL_EXIT_OK && a->json)
		ctl_cli_print_json(r);
	else if (rc == CTL_EXIT_OK)
		printf("reloaded: %lld rules in force (generation %lld, %.1f ms)\n",
		       ctl_json_int(r, "rules"), ctl_json_int(r, "generation"),
		       ctl_json_num(r, "load_ms"));
	else if (r && json_object_get(r, "kept_rules"))
		fprintf(stderr, "xskwallctl: reload: the %lld rules in force stay\n",
			ctl_json_int(r, "kept_rules"));
	json_decref(r);
	return rc;
}

/* Print a changed rule: "VERB rule N: TEXT (generation G)". */
static int ctl_changed(const struct ctl_cli_args *a, int rc, const json_t *r, const char *verb)
{
	if (rc == CTL_EXIT_OK && a->json)
		ctl_cli_print_json(r);
	else if (rc == CTL_EXIT_OK)
		printf("%s rule %lld: %s (generation %lld)\n", verb, ctl_json_int(r, "index"),
		       ctl_json_str(r, "rule", "?"), ctl_json_int(r, "generation"));
	return rc;
}

int ctl_cmd_add(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	char *rule = ctl_join(a->nwords, a->words);
	json_t *req = NULL, *r;
	int rc;

	if (rule)
		req = json_pack("{s:s, s:s}", "cmd", "add", "rule", rule);
	if (req && a->at.set)
		json_object_set_new(req, "at", json_integer((json_int_t)a->at.v));
	free(rule);
	rc = ctl_cli_call(cmd, a, req, -1, &r);
	rc = ctl_changed(a, rc, r, "added");
	json_decref(r);
	return rc;
}

int ctl_cmd_del(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	const char *s = a->words[0];
	json_t *r;
	char *end;
	long long n;
	int rc;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || n < 1)
		return ctl_cli_usage(cmd, "'%s' is not a rule number (1, 2, ...)", s);
	rc = ctl_cli_call(cmd, a, json_pack("{s:s, s:I}", "cmd", "del", "index", (json_int_t)n), -1,
			  &r);
	rc = ctl_changed(a, rc, r, "deleted");
	json_decref(r);
	return rc;
}

int ctl_cmd_trace(const struct ctl_cli_cmd *cmd, const struct ctl_cli_args *a)
{
	char *packet = ctl_join(a->nwords, a->words);
	json_t *req = packet ? json_pack("{s:s, s:s}", "cmd", "trace", "packet", packet) : NULL;
	json_t *r;
	char line[2048];
	int rc;

	free(packet);
	rc = ctl_cli_call(cmd, a, req, -1, &r);
	if (rc == CTL_EXIT_OK && a->json) {
		ctl_cli_print_json(r);
	} else if (rc == CTL_EXIT_OK) {
		ctl_cli_verdict_text(r, 1, line, sizeof(line));
		printf("%s\n", line);
	}
	json_decref(r);
	return rc;
}
