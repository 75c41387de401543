/* control/capsession.c - one capture session (capsession.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "capsession.h"
#include "ctl_proto.h"
#include "ctl_reply.h"

#define CTL_CAPTURE_PUMP_MS 20
#define CTL_CAPTURE_BACKLOG (4u << 20) /* bytes queued for the client, at most */
#define CTL_CAPTURE_BATCH 256          /* frames per drain */

static uint64_t ctl_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void ctl_capture_begin(struct ctl_capture *cap, const struct ctl_service *sv,
		       struct ctl_server *srv, struct ctl_client_ref c, const struct ctl_request *req)
{
	uint32_t snaplen = req->snaplen ? (uint32_t)req->snaplen : CTL_CAPTURE_SNAPLEN;
	int err;

	if (cap->client.id && ctl_server_alive(srv, cap->client))
		return ctl_server_fail(srv, c, "capture: another capture is running");
	err = fp_engine_capture_start(sv->engine, req->capture_all, snaplen);
	if (err)
		return ctl_server_fail(srv, c, err == -EBUSY ? "capture: another capture is running" :
					       "capture: out of memory for the capture rings");
	*cap = (struct ctl_capture){
		.client = c, .left = req->count ? req->count : UINT64_MAX,
		.deadline_ns = req->seconds ? ctl_mono_ns() + req->seconds * 1000000000ull : 0,
		.all = req->capture_all, .snaplen = snaplen };
	ctl_server_send(srv, c, ctl_reply_ok(json_pack("{s:s,s:s,s:i,s:i}", "capture", "started",
						       "what", cap->all ? "all" : "drops", "snaplen",
						       (int)snaplen, "linktype", 1)));
}

static char *ctl_hex(const uint8_t *b, uint32_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (uint32_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

struct ctl_capture_pass {
	struct ctl_capture *cap;
	const struct ctl_service *sv;
	struct ctl_server *srv;
};

static json_t *ctl_frame_json(const struct ctl_service *sv, const struct fp_capture_rec *r)
{
	char hex[2 * CTL_CAPTURE_SNAPLEN + 1], text[CTL_ERR_LEN] = "";
	int has_rule = r->rule != FP_NO_RULE && r->rule < sv->cfg->nrules;
	static const char *const reasons[] = { "rule", "policy", "malformed", "non-ip" };

	if (has_rule)
		ctl_rule_format(&sv->cfg->rules[r->rule], text, sizeof(text));
	return json_pack("{s:{s:I,s:i,s:s,s:i,s:s,s:s,s:I,s:s,s:s}}", "frame", "t_ns",
			 (json_int_t)r->t_ns, "queue", (int)r->queue, "port", fp_port_name(r->port),
			 "len", (int)r->len, "verdict", r->verdict == FP_DROP ? "drop" : "pass",
			 "reason", reasons[r->reason & 3], "rule",
			 (json_int_t)(has_rule ? r->rule + 1 : 0), "rule_text", text, "data",
			 ctl_hex(r->data, r->caplen, hex));
}

static void ctl_capture_one(void *arg, const struct fp_capture_rec *rec)
{
	struct ctl_capture_pass *p = arg;

	if (!p->cap->left)
		return;
	ctl_server_send(p->srv, p->cap->client, ctl_frame_json(p->sv, rec));
	p->cap->frames++;
	if (p->cap->left != UINT64_MAX)
		p->cap->left--;
}

void ctl_capture_end(struct ctl_capture *cap, const struct ctl_service *sv,
		     struct ctl_server *srv)
{
	uint64_t lost;

	if (!cap->client.id)
		return;
	lost = fp_engine_capture_lost(sv->engine);
	fp_engine_capture_stop(sv->engine);
	ctl_server_send(srv, cap->client, ctl_reply_ok(json_pack(
		"{s:s,s:I,s:I}", "capture", "done", "frames", (json_int_t)cap->frames, "lost",
		(json_int_t)lost)));
	ctl_server_end(srv, cap->client);
	*cap = (struct ctl_capture){ .client = { 0, 0 } };
}

void ctl_capture_pump(struct ctl_capture *cap, const struct ctl_service *sv,
		      struct ctl_server *srv)
{
	struct ctl_capture_pass pass = { cap, sv, srv };

	if (!cap->client.id)
		return;
	if (!ctl_server_alive(srv, cap->client)) /* closed, or only its side (Ctrl-C) */
		return ctl_capture_end(cap, sv, srv);
	/* a slow reader leaves frames in the rings, which then count as lost */
	while (cap->left && ctl_server_backlog(srv, cap->client) < CTL_CAPTURE_BACKLOG &&
	       fp_engine_capture_drain(sv->engine, ctl_capture_one, &pass, CTL_CAPTURE_BATCH))
		;
	if (!cap->left || (cap->deadline_ns && ctl_mono_ns() >= cap->deadline_ns))
		ctl_capture_end(cap, sv, srv);
}

int ctl_capture_timeout_ms(const struct ctl_capture *cap)
{
	return cap->client.id ? CTL_CAPTURE_PUMP_MS : -1;
}
