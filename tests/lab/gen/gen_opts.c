/* tests/lab/gen/gen_opts.c - xskwall-gen's options: one table row each, with
 * its help text; values are parsed strictly and checked together at the
 * end (gen_opts_finish), so options may come in any order. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "benchopt.h"
#include "gen.h"

static const char *const gen_kind_names[GEN_KIND_MAX] = { "udp", "tcp", "icmp" };

const char *gen_kind_name(enum gen_kind k)
{
	return gen_kind_names[k];
}

static int gen_kind_parse(const char *s, size_t len)
{
	for (int k = 0; k < GEN_KIND_MAX; k++)
		if (strlen(gen_kind_names[k]) == len && !strncmp(s, gen_kind_names[k], len))
			return k;
	return -EINVAL;
}

static int gen_mac_parse(const char *s, uint8_t mac[6])
{
	int n = -1;

	if (sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0], &mac[1], &mac[2],
		   &mac[3], &mac[4], &mac[5], &n) != 6 || n < 0 || s[n] != '\0')
		return -EINVAL;
	return 0;
}

static int opt_dev(void *p, const char *a)
{
	((struct gen_opts *)p)->dev = a;
	return strlen(a) < 16 ? 0 : -EINVAL;
}

static int opt_dst_mac(void *p, const char *a)
{
	return gen_mac_parse(a, ((struct gen_opts *)p)->dst_mac);
}

static int opt_src_mac(void *p, const char *a)
{
	struct gen_opts *o = p;

	o->have_src_mac = true;
	return gen_mac_parse(a, o->src_mac);
}

static int opt_size(void *p, const char *a)
{
	uint64_t v;
	int err = bench_parse_u64(a, 64, GEN_FRAME_MAX + GEN_FCS, &v);

	((struct gen_opts *)p)->size = (unsigned int)v;
	return err;
}

static int gen_weights_unset(const struct gen_opts *o)
{
	for (int k = 0; k < GEN_KIND_MAX; k++)
		if (o->weight[k])
			return 0;
	return 1;
}

static int opt_proto(void *p, const char *a)
{
	struct gen_opts *o = p;
	int k = gen_kind_parse(a, strlen(a));

	if (k < 0 || !gen_weights_unset(o))	/* --proto or --mix, once */
		return -EINVAL;
	o->weight[k] = 1;
	return 0;
}

/* udp=W,tcp=W,icmp=W: weights 0..1000, at least one nonzero. */
static int opt_mix(void *p, const char *a)
{
	struct gen_opts *o = p;
	char buf[128], *save, *tok;
	uint64_t w;

	if (!gen_weights_unset(o) || strlen(a) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, a);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int k = eq ? gen_kind_parse(tok, (size_t)(eq - tok)) : -EINVAL;

		if (k < 0 || o->weight[k] || bench_parse_u64(eq + 1, 0, 1000, &w))
			return -EINVAL;
		o->weight[k] = (unsigned int)w;
	}
	return gen_weights_unset(o) ? -EINVAL : 0;
}

static int opt_family(void *p, const char *a)
{
	struct gen_opts *o = p;

	if (strcmp(a, "4") && strcmp(a, "6"))
		return -EINVAL;
	o->family = a[0] - '0';
	return 0;
}

static int opt_src(void *p, const char *a)
{
	((struct gen_opts *)p)->src_arg = a;
	return 0;
}

static int opt_dst(void *p, const char *a)
{
	((struct gen_opts *)p)->dst_arg = a;
	return 0;
}

static int opt_sport(void *p, const char *a)
{
	struct gen_opts *o = p;
	char buf[16], *dash;
	uint64_t lo, hi;

	if (strlen(a) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, a);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (bench_parse_u64(buf, 1, 65535, &lo) ||
	    bench_parse_u64(dash ? dash + 1 : buf, lo, 65535, &hi))
		return -EINVAL;
	o->sport_lo = (uint32_t)lo;
	o->sport_hi = (uint32_t)hi;
	return 0;
}

static int opt_dport(void *p, const char *a)
{
	uint64_t v;
	int err = bench_parse_u64(a, 1, 65535, &v);

	((struct gen_opts *)p)->dport = (uint32_t)v;
	return err;
}

static int opt_threads(void *p, const char *a)
{
	uint64_t v;
	int err = bench_parse_u64(a, 1, GEN_MAX_THREADS, &v);

	((struct gen_opts *)p)->threads = (unsigned int)v;
	return err;
}

/* "0,1" or "0-3,6": CPU numbers below 1024, at most GEN_MAX_THREADS. */
static int opt_cpus(void *p, const char *a)
{
	struct gen_opts *o = p;
	char buf[256], *save, *tok, *dash;
	uint64_t lo, hi;

	if (strlen(a) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, a);
	o->n_cpus = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (bench_parse_u64(tok, 0, 1023, &lo) ||
		    bench_parse_u64(dash ? dash + 1 : tok, lo, 1023, &hi))
			return -EINVAL;
		for (uint64_t c = lo; c <= hi; c++) {
			if (o->n_cpus == GEN_MAX_THREADS)
				return -EINVAL;
			o->cpus[o->n_cpus++] = (int)c;
		}
	}
	return o->n_cpus ? 0 : -EINVAL;
}

static int opt_rate(void *p, const char *a)
{
	return bench_parse_u64(a, 0, 1000000000ull, &((struct gen_opts *)p)->rate);
}

static int opt_duration(void *p, const char *a)
{
	return bench_parse_u64(a, 1, GEN_MAX_SECONDS, &((struct gen_opts *)p)->duration);
}

static int opt_count(void *p, const char *a)
{
	return bench_parse_u64(a, 1, UINT64_MAX / 2, &((struct gen_opts *)p)->count);
}

static int opt_mode(void *p, const char *a)
{
	static const char *const names[] = { "auto", "live", "afxdp" };

	for (int m = 0; m < 3; m++) {
		if (!strcmp(a, names[m])) {
			((struct gen_opts *)p)->mode = (enum gen_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

static int opt_json(void *p, const char *a)
{
	(void)a;
	((struct gen_opts *)p)->json = true;
	return 0;
}

static const struct bench_opt gen_opt_table[] = {
	{ "dev", "IFNAME", "device to send from", opt_dev, 1 },
	{ "dst-mac", "MAC", "destination MAC", opt_dst_mac, 1 },
	{ "src-mac", "MAC", "source MAC (default: the device's)", opt_src_mac },
	{ "size", "BYTES", "frame size incl. 4-byte FCS, 64..1518 (default: 64, i.e. 60\n"
			   "                             bytes built, or the smallest that fits IPv6)", opt_size },
	{ "proto", "udp|tcp|icmp", "one kind of frame (default udp)", opt_proto },
	{ "mix", "udp=W,tcp=W,icmp=W", "weighted mix of kinds instead of --proto", opt_mix },
	{ "family", "4|6", "IP version (default 4)", opt_family },
	{ "src", "A[-B]|A/LEN", "source addresses (default 198.18.0.1 / 2001:db8::1)", opt_src },
	{ "dst", "A[-B]|A/LEN", "destination addresses (default 198.18.0.2 / 2001:db8::2)", opt_dst },
	{ "sport", "P[-Q]", "UDP/TCP source ports (default 1024-65535)", opt_sport },
	{ "dport", "P", "UDP/TCP destination port (default 9)", opt_dport },
	{ "threads", "N", "sending threads, 1..64 (default 1)", opt_threads },
	{ "cpus", "LIST", "pin thread i to LIST[i % len] (default: CPU i)", opt_cpus },
	{ "rate", "PPS", "total frames per second, 0 = unlimited (default 0)", opt_rate },
	{ "duration", "SECONDS", "stop after SECONDS, 1..600", opt_duration },
	{ "count", "N", "stop after N frames in total", opt_count },
	{ "mode", "auto|live|afxdp", "auto: XDP live frames if the kernel has them, else AF_XDP", opt_mode },
	{ "json", NULL, "print one JSON line at the end", opt_json },
};

static const struct bench_cmd gen_cmd = {
	.prog = "xskwall-gen",
	.synopsis =
		"usage: xskwall-gen --dev IF --dst-mac MAC (--duration S | --count N) [options]\n\n"
		"Benchmark traffic generator. 'live' runs xskwall_gen.bpf.c with BPF_PROG_RUN and\n"
		"BPF_F_TEST_XDP_LIVE_FRAMES (kernel >= 5.18): every frame leaves IF via XDP_TX,\n"
		"with source/destination address and source port varied per frame. 'afxdp' is\n"
		"the fallback: AF_XDP copy-mode TX from pre-built frames, much slower.",
	.notes =
		"A veth accepts frames sent by XDP_TX / ndo_xdp_xmit (the live mode) only while\n"
		"its PEER has an XDP program attached or GRO enabled (ethtool -K PEER gro on);\n"
		"otherwise they are dropped silently. The AF_XDP mode has no such condition.\n"
		"Addresses must lie in 198.18.0.0/15 or 2001:db8::/32; a range holds at most\n"
		"2^32 addresses. Every run stops at --duration or --count (at most 600 s).\n",
	.opts = gen_opt_table,
	.n_opts = sizeof(gen_opt_table) / sizeof(gen_opt_table[0]),
};

/* 128-bit host-order value of an address of the family. */
static int gen_addr_parse(const char *s, int family, unsigned __int128 *v)
{
	uint8_t b[16];

	if (inet_pton(family == 4 ? AF_INET : AF_INET6, s, b) != 1)
		return -EINVAL;
	*v = 0;
	for (int i = 0; i < (family == 4 ? 4 : 16); i++)
		*v = (*v << 8) | b[i];
	return 0;
}

static int gen_range_allowed(int family, unsigned __int128 first, unsigned __int128 last)
{
	if (family == 4)
		return first >= 0xc6120000u && last <= 0xc613ffffu;	/* 198.18.0.0/15 */
	return (uint32_t)(first >> 96) == 0x20010db8u &&		/* 2001:db8::/32 */
	       (uint32_t)(last >> 96) == 0x20010db8u;
}

/* A, A-B or A/LEN into base and count (at most 2^32 addresses). */
static int gen_range_parse(const char *s, int family, struct gen_range *r)
{
	unsigned __int128 a, b, cnt;
	char buf[96], *sep, how = 0;
	uint64_t len;
	int bits = family == 4 ? 32 : 128;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	sep = strpbrk(buf, "-/");
	if (sep) {
		how = *sep;
		*sep = '\0';
	}
	if (gen_addr_parse(buf, family, &a))
		return -EINVAL;
	if (how == '/') {
		if (bench_parse_u64(sep + 1, (uint64_t)(bits > 32 ? bits - 32 : 0), (uint64_t)bits, &len))
			return -EINVAL;
		cnt = (unsigned __int128)1 << (bits - len);
		a &= ~(cnt - 1);
	} else {
		if (sep && gen_addr_parse(sep + 1, family, &b))
			return -EINVAL;
		cnt = sep ? b - a + 1 : 1;
		if (sep && b < a)
			return -EINVAL;
	}
	if (cnt > ((unsigned __int128)1 << 32) || !gen_range_allowed(family, a, a + cnt - 1))
		return -EINVAL;
	*r = (struct gen_range){ (uint64_t)(a >> 64), (uint64_t)a, (uint64_t)cnt };
	return 0;
}

static int gen_opts_ranges(struct gen_opts *o)
{
	const char *src = o->src_arg ? o->src_arg : o->family == 4 ? "198.18.0.1" : "2001:db8::1";
	const char *dst = o->dst_arg ? o->dst_arg : o->family == 4 ? "198.18.0.2" : "2001:db8::2";

	if (gen_range_parse(src, o->family, &o->src)) {
		fprintf(stderr, "xskwall-gen: --src '%s' is not an IPv%d range inside %s (max 2^32)\n",
			src, o->family, o->family == 4 ? "198.18.0.0/15" : "2001:db8::/32");
		return -EINVAL;
	}
	if (gen_range_parse(dst, o->family, &o->dst)) {
		fprintf(stderr, "xskwall-gen: --dst '%s' is not an IPv%d range inside %s (max 2^32)\n",
			dst, o->family, o->family == 4 ? "198.18.0.0/15" : "2001:db8::/32");
		return -EINVAL;
	}
	return 0;
}

/* Default and check the frame size against the largest headers in use. */
static int gen_opts_size(struct gen_opts *o)
{
	unsigned int need = 64;

	for (int k = 0; k < GEN_KIND_MAX; k++)
		if (o->weight[k] && gen_frame_min_len(o->family, k) + GEN_FCS > need)
			need = gen_frame_min_len(o->family, k) + GEN_FCS;
	if (!o->size)
		o->size = need;
	if (o->size < need) {
		fprintf(stderr, "xskwall-gen: --size %u is too small for these headers (IPv%d): "
			"at least %u\n", o->size, o->family, need);
		return -EINVAL;
	}
	return 0;
}

static int gen_opts_finish(struct gen_opts *o)
{
	const char *why = NULL;

	if (!o->duration && !o->count)
		why = "--duration or --count is required (every run is bounded)";
	else if (o->rate && o->rate < o->threads)
		why = "--rate must give each thread at least 1 frame per second";
	if (why) {
		fprintf(stderr, "xskwall-gen: %s\n", why);
		return -EINVAL;
	}
	if (gen_weights_unset(o))
		o->weight[GEN_KIND_UDP] = 1;
	return gen_opts_ranges(o) ?: gen_opts_size(o);
}

int gen_opts_parse(int argc, char **argv, struct gen_opts *o)
{
	int r;

	*o = (struct gen_opts){ .family = 4, .sport_lo = 1024, .sport_hi = 65535,
				.dport = 9, .threads = 1 };
	r = bench_opt_parse(&gen_cmd, argc, argv, o);
	if (r)
		return r;
	return gen_opts_finish(o);
}
