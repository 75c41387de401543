/* control/commands.c - what each control request does to the daemon:
 * read commands answer from its state (ctl_reply.c); reload, add, del
 * and capture act on it. Also the metrics server's view. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fw/log.h"
#include "ctl_reply.h"
#include "ctl_request.h"
#include "daemon_impl.h"
#include "edit.h"
#include "trace.h"

static void ctl_answer(struct ctl_daemon *d, struct ctl_client_ref c, json_t *reply)
{
	if (!reply)
		return ctl_server_fail(d->server, c, "out of memory");
	if (ctl_server_send(d->server, c, reply) == -ENOBUFS)
		return ctl_server_fail(d->server, c, "the reply is too large: ask for less");
	ctl_server_end(d->server, c);
}

static void ctl_cmd_stats(struct ctl_daemon *d, struct ctl_client_ref c)
{
	struct ctl_sample *now = malloc(sizeof(*now));

	if (!now)
		return ctl_server_fail(d->server, c, "out of memory");
	ctl_sample_take(d->engine, now);
	ctl_answer(d, c, ctl_reply_stats(&d->sv, now));
	free(now);
}

static void ctl_cmd_trace(struct ctl_daemon *d, struct ctl_client_ref c, const char *text)
{
	struct ctl_trace t;
	char err[CTL_ERR_LEN];

	if (ctl_trace_run(fp_engine_rules(d->engine), text, &t, err, sizeof(err)))
		return ctl_server_fail(d->server, c, err);
	ctl_answer(d, c, ctl_reply_trace(&d->sv, &t));
}

static void ctl_cmd_add(struct ctl_daemon *d, struct ctl_client_ref c, const struct ctl_request *req)
{
	size_t n = d->cfg.nrules, at = req->at ? (size_t)req->at : n + 1;
	struct fp_rule r, *rules;
	char err[CTL_ERR_LEN];
	int e;

	if (ctl_edit_parse_rule(req->text, "rule", &r, err, sizeof(err)))
		return ctl_server_fail(d->server, c, err);
	if (at > n + 1) {
		snprintf(err, sizeof(err), "add: --at %zu is past the end (%zu rules)", at, n);
		return ctl_server_fail(d->server, c, err);
	}
	e = ctl_edit_insert(d->cfg.rules, n, &r, at, &rules);
	if (e)
		return ctl_server_fail(d->server, c, "add: out of memory");
	ctl_daemon_edit(d, c, rules, n + 1, at, NULL);
}

static void ctl_cmd_del(struct ctl_daemon *d, struct ctl_client_ref c, const struct ctl_request *req)
{
	size_t n = d->cfg.nrules;
	struct fp_rule *rules;
	char err[CTL_ERR_LEN];
	json_t *gone;

	if (req->index < 1 || req->index > n) {
		snprintf(err, sizeof(err), "del: there is no rule %llu (%zu rules)",
			 (unsigned long long)req->index, n);
		return ctl_server_fail(d->server, c, err);
	}
	gone = ctl_reply_rule_ref(&d->sv, (size_t)req->index - 1);
	if (!gone || ctl_edit_remove(d->cfg.rules, n, (size_t)req->index, &rules)) {
		json_decref(gone);
		return ctl_server_fail(d->server, c, "del: out of memory");
	}
	ctl_daemon_edit(d, c, rules, n - 1, 0, gone);
}

static void ctl_dispatch_request(struct ctl_daemon *d, struct ctl_client_ref c,
				 const struct ctl_request *req)
{
	switch (req->cmd) {
	case CTL_CMD_STATUS:
		return ctl_answer(d, c, ctl_reply_status(&d->sv));
	case CTL_CMD_STATS:
		return ctl_cmd_stats(d, c);
	case CTL_CMD_RULES:
		return ctl_answer(d, c, ctl_reply_rules(&d->sv, req));
	case CTL_CMD_RELOAD:
		return ctl_daemon_reload(d, c);
	case CTL_CMD_ADD:
		return ctl_cmd_add(d, c, req);
	case CTL_CMD_DEL:
		return ctl_cmd_del(d, c, req);
	case CTL_CMD_TRACE:
		return ctl_cmd_trace(d, c, req->text);
	case CTL_CMD_CAPTURE:
		return ctl_capture_begin(&d->capture, &d->sv, d->server, c, req);
	}
}

void ctl_commands_on_request(void *arg, struct ctl_client_ref c, const char *line, size_t len)
{
	struct ctl_daemon *d = arg;
	struct ctl_request *req = malloc(sizeof(*req));
	char err[CTL_ERR_LEN];

	if (!req)
		return ctl_server_fail(d->server, c, "out of memory");
	if (ctl_request_parse(line, len, req, err, sizeof(err)))
		ctl_server_fail(d->server, c, err);
	else
		ctl_dispatch_request(d, c, req);
	free(req);
}

/* ---- the metrics view --------------------------------------------------- */

static void ctl_metrics_rule(void *arg, size_t i, struct ctl_metrics_rule *out)
{
	const struct ctl_daemon *d = arg;
	struct fp_rule_count n;

	ctl_rule_format(&d->cfg.rules[i], out->text, sizeof(out->text));
	fp_engine_rule_count(d->engine, i, &n);
	out->packets = n.packets;
	out->bytes = n.bytes;
}

void ctl_commands_metrics_view(void *arg, struct ctl_metrics_view *v)
{
	struct ctl_daemon *d = arg;

	ctl_sample_take(d->engine, &d->metrics_sample);
	v->sample = &d->metrics_sample;
	v->rules = &d->sv.rules;
	v->nrules = d->cfg.nrules;
	v->rule = ctl_metrics_rule;
	v->rule_arg = d;
}
