/* control/trace.c - a described packet through the workers' parser and
 * classifier (trace.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "edit.h"
#include "parse.h"
#include "trace.h"

#define CTL_TRACE_PREFIX "pass "
#define CTL_TRACE_FRAME 128

/* Errors quote the description's own columns, not those of the prefix. */
static int ctl_trace_parse(const char *text, struct fp_rule *r, char *err, size_t errlen)
{
	size_t plen = strlen(CTL_TRACE_PREFIX), n = strlen(text);
	char *line = malloc(plen + n + 1);
	unsigned col;
	int rc, off;

	if (!line)
		return -ENOMEM;
	memcpy(line, CTL_TRACE_PREFIX, plen);
	memcpy(line + plen, text, n + 1);
	rc = ctl_edit_parse_rule(line, "packet", r, err, errlen);
	free(line);
	if (rc && sscanf(err, "packet:1:%u: %n", &col, &off) == 1 && col > plen) {
		char msg[CTL_ERR_LEN];

		snprintf(msg, sizeof(msg), "%s", err + off);
		snprintf(err, errlen, "packet:1:%zu: %s", col - plen, msg);
	}
	return rc;
}

static int ctl_is_host(const struct fp_prefix *p)
{
	return p->len == (p->family == FP_FAMILY_IPV6 ? 128 : 32);
}

/* A port range that is one port, or no port match at all. */
static int ctl_is_one_port(const struct fp_rule *r)
{
	return (!(r->match & FP_MATCH_SPORT) || r->sport_lo == r->sport_hi) &&
	       (!(r->match & FP_MATCH_DPORT) || r->dport_lo == r->dport_hi);
}

static int ctl_trace_check(const struct fp_rule *r, char *err, size_t errlen)
{
	const char *msg = NULL;

	if ((r->match & (FP_MATCH_SRC | FP_MATCH_DST)) != (FP_MATCH_SRC | FP_MATCH_DST))
		msg = "a packet needs 'src ADDR' and 'dst ADDR'";
	else if (!ctl_is_host(&r->src) || !ctl_is_host(&r->dst))
		msg = "src and dst must be single addresses, not prefixes";
	else if (!(r->match & FP_MATCH_PROTO))
		msg = "a packet needs 'proto P' (icmp, icmp6, tcp, udp, dccp, sctp, udplite "
		      "or a number)";
	else if ((r->proto == FP_PROTO_ICMP || r->proto == FP_PROTO_ICMPV6) &&
		 !(r->match & FP_MATCH_ICMP_TYPE))
		msg = "an ICMP packet needs 'icmp type T' (or 'icmp6 type T')";
	else if (!ctl_is_one_port(r))
		msg = "sport and dport must be single ports, not ranges";
	else if (!(r->match & FP_MATCH_IN))
		msg = "a packet needs 'in outside' or 'in inside'";
	if (!msg)
		return 0;
	snprintf(err, errlen, "packet: %s", msg);
	return -EINVAL;
}

static void ctl_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t ctl_ipv4_csum(const uint8_t *h)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The transport header the rules may look at: ICMP type and code, or
 * the two ports of a protocol that has them (sport/dport, else 0) in a
 * TCP, UDP or 8-byte header. */
static uint32_t ctl_trace_l4(const struct fp_rule *r, uint8_t *l4)
{
	uint32_t len = r->proto == FP_PROTO_TCP ? 20 : 8;

	memset(l4, 0, len);
	if (r->proto == FP_PROTO_ICMP || r->proto == FP_PROTO_ICMPV6) {
		l4[0] = r->icmp_type;
		l4[1] = r->icmp_code;
		return len;
	}
	if (fp_proto_has_ports(r->proto)) {
		ctl_put16(l4, (r->match & FP_MATCH_SPORT) ? r->sport_lo : 0);
		ctl_put16(l4 + 2, (r->match & FP_MATCH_DPORT) ? r->dport_lo : 0);
	}
	if (r->proto == FP_PROTO_TCP)
		l4[12] = 5 << 4;
	else if (r->proto == FP_PROTO_UDP || r->proto == FP_PROTO_UDPLITE)
		ctl_put16(l4 + 4, 8);
	return len;
}

static uint32_t ctl_trace_frame(const struct fp_rule *r, uint8_t *f)
{
	int v6 = r->src.family == FP_FAMILY_IPV6;
	uint32_t l3 = v6 ? 40 : 20, l4;
	uint8_t *ip = f + 14;

	memset(f, 0, CTL_TRACE_FRAME);
	ctl_put16(f + 12, v6 ? 0x86dd : 0x0800);
	l4 = ctl_trace_l4(r, ip + l3);
	if (v6) {
		ip[0] = 0x60;
		ctl_put16(ip + 4, (uint16_t)l4);
		ip[6] = r->proto;
		ip[7] = 64;
		memcpy(ip + 8, r->src.addr, 16);
		memcpy(ip + 24, r->dst.addr, 16);
	} else {
		ip[0] = 0x45;
		ctl_put16(ip + 2, (uint16_t)(l3 + l4));
		ip[8] = 64;
		ip[9] = r->proto;
		memcpy(ip + 12, r->src.addr, 4);
		memcpy(ip + 16, r->dst.addr, 4);
		ctl_put16(ip + 10, ctl_ipv4_csum(ip));
	}
	return 14 + l3 + l4;
}

int ctl_trace_run(const struct fp_ruleset *rs, const char *text, struct ctl_trace *out,
		  char *err, size_t errlen)
{
	uint8_t frame[CTL_TRACE_FRAME];
	struct fp_pkt pkt;
	uint32_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ctl_trace_parse(text, &out->desc, err, errlen);
	if (!rc)
		rc = ctl_trace_check(&out->desc, err, errlen);
	if (rc)
		return rc;
	len = ctl_trace_frame(&out->desc, frame);
	fp_parse(frame, len, &pkt);
	fp_classify(rs, &pkt, out->desc.in_port, &out->dec);
	return 0;
}

void ctl_trace_format(const struct ctl_trace *t, char *buf, size_t len)
{
	char rule[CTL_ERR_LEN];
	size_t skip = strlen(CTL_TRACE_PREFIX);

	ctl_rule_format(&t->desc, rule, sizeof(rule));
	snprintf(buf, len, "%s", strlen(rule) > skip ? rule + skip : rule);
}
