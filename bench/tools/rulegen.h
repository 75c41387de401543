/* bench/tools/rulegen.h - synthetic rule lists, and frames that hit or
 * miss them, for the benchmark's in-process tools (xskwall-classify-bench,
 * xskwall-ring-bench).
 *
 * A list is the demo rules (a pass exception before the drop it pierces,
 * drop ICMP echo-request) followed by random /16-/32 (IPv4) or /32-/128
 * (IPv6) source or destination drop prefixes. Rule prefixes live in the
 * lower half of the address space (IPv4 0.0.0.0/1, IPv6 2000::/4); misses
 * are drawn from elsewhere (128.0.0.0/2, 3000::/4), so a miss really walks
 * the tables and then the policy. Everything is drawn from the caller's
 * SplitMix64 state: the same seed gives the same rules and frames. */
#ifndef RULEGEN_H
#define RULEGEN_H

#include <stddef.h>
#include <stdint.h>
#include "rule.h"
#include "splitmix.h"

/* Bytes a frame buffer needs (the largest frame written is 64). */
#define RG_FRAME 80

/* n rules of family fam (4 or 6) into r[0..n): the demo rules first (as
 * many as n holds), then random prefixes; all drop but the exception. */
void rg_gen_rules(struct sm_rng *rng, int fam, struct fp_rule *r, size_t n);

/* n port rules of family fam into r[0..n), for lists that put them
 * before rg_gen_rules' (services allowed first, then the block list):
 * pass, UDP or TCP, a destination port (nine in ten) or a range of 2-100
 * ports, one in five also the source ports 1024-65535, and a random
 * source or destination prefix drawn as rg_gen_rules draws them, so that
 * a frame's port lands in a few rules' ranges but their addresses rarely
 * match: the port indexes and the classes' tables are searched, the
 * verdicts barely change. */
void rg_gen_port_rules(struct sm_rng *rng, int fam, struct fp_rule *r, size_t n);

/* A UDP frame (an ICMP echo request when the only drop rules are the
 * demo's) that some drop rule of r[0..n) (made by rg_gen_rules, family
 * fam) matches, if the list has one; padded with payload to min_len
 * bytes when shorter. Its ports are drawn from *ports (source 1024-65535,
 * destination 0-65535) when ports is not NULL, else fixed; a separate
 * stream, so that the other draws stay those of the published pools.
 * Returns its length. */
uint32_t rg_hit_frame(struct sm_rng *rng, struct sm_rng *ports, int fam,
		      const struct fp_rule *r, size_t n, unsigned min_len, uint8_t f[RG_FRAME]);

/* A UDP frame no rule of any rg_gen_rules list matches; padded to
 * min_len; ports as rg_hit_frame's. Returns its length. */
uint32_t rg_miss_frame(struct sm_rng *rng, struct sm_rng *ports, int fam, unsigned min_len,
		       uint8_t f[RG_FRAME]);

#endif /* RULEGEN_H */
