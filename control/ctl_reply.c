/* control/ctl_reply.c - the read commands' JSON replies (ctl_proto.h). */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "ctl_proto.h"
#include "ctl_reply.h"
#include "edit.h"


static const char *ctl_verdict_name(int v)
{
	return v == FP_DROP ? "drop" : "pass";
}

static const char *ctl_reason_name(int r)
{
	static const char *const names[] = { "rule", "policy", "malformed", "non-ip" };

	return r >= 0 && r < 4 ? names[r] : "?";
}

json_t *ctl_reply_ok(json_t *obj)
{
	if (obj)
		json_object_set_new(obj, "ok", json_true());
	return obj;
}

/* ---- status ------------------------------------------------------------- */

static json_t *ctl_rules_state_json(const struct ctl_service *sv)
{
	const struct ctl_rules_state *r = &sv->rules;

	return json_pack("{s:I,s:I,s:f,s:f,s:b,s:I,s:I,s:I,s:o}", "count",
			 (json_int_t)sv->cfg->nrules, "generation", (json_int_t)r->generation,
			 "loaded_unix", r->loaded_unix, "load_ms", r->load_ms, "edited", r->edited,
			 "reloads_ok", (json_int_t)r->reloads_ok, "reloads_failed",
			 (json_int_t)r->reloads_failed, "kept_bytes", (json_int_t)r->kept_bytes,
			 "last_error", r->last_error[0] ? json_string(r->last_error) : json_null());
}

static json_t *ctl_ports_json(const struct ctl_service *sv)
{
	json_t *a = json_array();

	for (int p = 0; a && p < FP_NPORTS; p++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "port", fp_port_name(p), "ifname",
						   fp_engine_ifname(sv->engine, p), "xdp_mode",
						   fp_xdp_mode_name(fp_engine_xdp_mode(sv->engine, p))));
	return a;
}

static json_t *ctl_queue_json(const struct fp_queue_info *q)
{
	json_t *socks = json_array();

	for (int p = 0; socks && p < FP_NPORTS; p++)
		json_array_append_new(socks, json_pack("{s:s,s:s,s:b}", "port", fp_port_name(p),
						       "bind_mode", q->zerocopy ? "zero-copy" : "copy",
						       "need_wakeup", q->need_wakeup[p]));
	return json_pack("{s:i,s:i,s:i,s:b,s:i,s:i,s:i,s:b,s:o}", "queue", (int)q->queue,
			 "worker_cpu", q->worker_cpu, "numa_node", q->numa_node, "hugepages",
			 q->hugepages, "ring_size", (int)q->ring_size, "frame_size", (int)q->frame_size,
			 "frames", (int)q->nframes, "busy_poll", q->busy_poll, "sockets", socks);
}

json_t *ctl_reply_status(const struct ctl_service *sv)
{
	json_t *queues = json_array();
	struct timespec now;

	for (uint32_t i = 0; queues && i < fp_engine_nqueues(sv->engine); i++) {
		struct fp_queue_info q;

		fp_engine_queue_info(sv->engine, i, &q);
		json_array_append_new(queues, ctl_queue_json(&q));
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	return ctl_reply_ok(json_pack(
		"{s:s,s:i,s:f,s:s,s:o,s:o,s:o}", "version", XSKWALL_VERSION, "pid", (int)getpid(),
		"uptime_s", ((double)now.tv_sec * 1e9 + (double)now.tv_nsec - (double)sv->started_ns) / 1e9,
		"config", sv->config_path, "rules", ctl_rules_state_json(sv), "ports",
		ctl_ports_json(sv), "queues", queues));
}

/* ---- stats -------------------------------------------------------------- */

/* One direction's counters; rates when the slot has them. */
static json_t *ctl_dir_json(const struct ctl_service *sv, const struct fp_dir_stats *d,
			    uint32_t slot, int dir)
{
	json_t *o = json_object();

	for (unsigned c = 0; o && c < FP_CTR_COUNT; c++)
		json_object_set_new(o, fp_ctr_name(c), json_integer((json_int_t)d->c[c]));
	json_object_set_new(o, "rx_pps", json_real(ctl_sample_rate(sv->prev, sv->cur, slot, dir,
								  FP_CTR_RX)));
	json_object_set_new(o, "fwd_pps", json_real(ctl_sample_rate(sv->prev, sv->cur, slot, dir,
								   FP_CTR_FWD)));
	json_object_set_new(o, "drop_pps",
			    json_real(ctl_sample_rate(sv->prev, sv->cur, slot, dir, FP_CTR_DROP_RULE) +
				      ctl_sample_rate(sv->prev, sv->cur, slot, dir, FP_CTR_DROP_POLICY)));
	return o;
}

static json_t *ctl_dirs_json(const struct ctl_service *sv, const struct fp_queue_stats *s,
			     uint32_t slot)
{
	json_t *o = json_object();

	for (int d = 0; o && d < FP_NPORTS; d++)
		json_object_set_new(o, fp_port_name(d), ctl_dir_json(sv, &s->dir[d], slot, d));
	return o;
}

static json_t *ctl_kernel_json(const struct ctl_queue_sample *q)
{
	json_t *o = json_object();

	for (int p = 0; o && p < FP_NPORTS; p++) {
		const struct xdp_statistics *k = &q->k[p];

		if (!q->have_k[p])
			continue;
		json_object_set_new(o, fp_port_name(p), json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I}", "rx_dropped", (json_int_t)k->rx_dropped,
			"rx_invalid_descs", (json_int_t)k->rx_invalid_descs, "tx_invalid_descs",
			(json_int_t)k->tx_invalid_descs, "rx_ring_full", (json_int_t)k->rx_ring_full,
			"rx_fill_ring_empty_descs", (json_int_t)k->rx_fill_ring_empty_descs,
			"tx_ring_empty_descs", (json_int_t)k->tx_ring_empty_descs));
	}
	return o;
}

/* Rates come from the last two once-a-second samples, counters from now:
 * a slot's rates are those of the same queue. */
json_t *ctl_reply_stats(const struct ctl_service *sv, const struct ctl_sample *now)
{
	json_t *queues = json_array(), *miss = json_object();
	double interval = sv->prev->t_ns && sv->cur->t_ns > sv->prev->t_ns ?
			  (double)(sv->cur->t_ns - sv->prev->t_ns) / 1e9 : 0;

	for (uint32_t i = 0; queues && i < now->nqueues; i++)
		json_array_append_new(queues, json_pack("{s:i,s:o,s:o}", "queue", (int)now->q[i].queue,
							"dir", ctl_dirs_json(sv, &now->q[i].s, i),
							"kernel", ctl_kernel_json(&now->q[i])));
	for (int p = 0; miss && p < FP_NPORTS; p++)
		if (now->have_miss[p])
			json_object_set_new(miss, fp_port_name(p), json_integer((json_int_t)now->on_miss[p]));
	return ctl_reply_ok(json_pack("{s:I,s:f,s:o,s:o,s:o}", "time_unix_ns",
				      (json_int_t)now->t_unix_ns, "interval_s", interval, "queues",
				      queues, "totals", ctl_dirs_json(sv, &now->total, UINT32_MAX),
				      "on_miss", miss));
}

/* ---- rules -------------------------------------------------------------- */

json_t *ctl_reply_rule_ref(const struct ctl_service *sv, size_t i)
{
	const struct fp_rule *r = &sv->cfg->rules[i];
	int edited = r->file == CTL_FILE_EDITED || r->file >= sv->cfg->nfiles;
	char text[CTL_ERR_LEN];

	ctl_rule_format(r, text, sizeof(text));
	return json_pack("{s:I,s:s,s:s,s:i}", "index", (json_int_t)i + 1, "rule", text, "file",
			 edited ? "xskwallctl" : sv->cfg->files[r->file], "line", (int)r->line);
}

static json_t *ctl_rule_json(const struct ctl_service *sv, size_t i, const struct fp_rule_count *n)
{
	json_t *o = ctl_reply_rule_ref(sv, i);

	json_object_set_new(o, "packets", json_integer((json_int_t)n->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)n->bytes));
	return o;
}

struct ctl_hit {
	uint64_t packets;
	size_t i;
};

static int ctl_hit_cmp(const void *a, const void *b)
{
	const struct ctl_hit *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The top n rules by packets (ties: file order). */
static json_t *ctl_rules_top(const struct ctl_service *sv, size_t n)
{
	size_t total = sv->cfg->nrules;
	struct ctl_hit *h = malloc((total ? total : 1) * sizeof(*h));
	json_t *a = h ? json_array() : NULL;

	for (size_t i = 0; a && i < total; i++) {
		struct fp_rule_count c;

		fp_engine_rule_count(sv->engine, i, &c);
		h[i] = (struct ctl_hit){ c.packets, i };
	}
	if (a)
		qsort(h, total, sizeof(*h), ctl_hit_cmp);
	for (size_t k = 0; a && k < n && k < total; k++) {
		struct fp_rule_count c;

		fp_engine_rule_count(sv->engine, h[k].i, &c);
		json_array_append_new(a, ctl_rule_json(sv, h[k].i, &c));
	}
	free(h);
	return a; /* NULL when out of memory */
}

static json_t *ctl_rules_page(const struct ctl_service *sv, size_t offset, size_t limit)
{
	json_t *a = json_array();

	for (size_t i = offset; a && i < sv->cfg->nrules && i - offset < limit; i++) {
		struct fp_rule_count c;

		fp_engine_rule_count(sv->engine, i, &c);
		json_array_append_new(a, ctl_rule_json(sv, i, &c));
	}
	return a;
}

json_t *ctl_reply_rules(const struct ctl_service *sv, const struct ctl_request *req)
{
	const struct fp_policy *p = &sv->cfg->policy;
	size_t limit = req->limit ? req->limit : CTL_RULES_PAGE;
	json_t *list = req->top ? ctl_rules_top(sv, req->top < limit ? req->top : limit) :
			          ctl_rules_page(sv, req->offset, limit);

	return ctl_reply_ok(json_pack(
		"{s:I,s:b,s:I,s:{s:s,s:s,s:s},s:o}", "generation", (json_int_t)sv->rules.generation,
		"edited", sv->rules.edited, "total", (json_int_t)sv->cfg->nrules, "policy", "default",
		ctl_verdict_name(p->deflt), "malformed", ctl_verdict_name(p->malformed), "non_ip",
		ctl_verdict_name(p->non_ip), "rules", list));
}

/* ---- trace -------------------------------------------------------------- */

json_t *ctl_reply_trace(const struct ctl_service *sv, const struct ctl_trace *t)
{
	char desc[CTL_ERR_LEN];

	ctl_trace_format(t, desc, sizeof(desc));
	return ctl_reply_ok(json_pack("{s:s,s:s,s:s,s:s,s:o}", "packet", desc, "in",
				      fp_port_name(t->desc.in_port), "verdict",
				      ctl_verdict_name(t->dec.verdict), "reason",
				      ctl_reason_name(t->dec.reason), "rule",
				      t->dec.rule == FP_NO_RULE ? json_null() :
				      ctl_reply_rule_ref(sv, t->dec.rule)));
}
