/* fastpath/ruleset_impl.h - inside a compiled snapshot; for ruleset.c and
 * classify.c only. Workers and control code see struct fp_ruleset as
 * opaque.
 *
 * Each rule compiles to a ternary key: a packet matches when
 * (key[i] & mask[i]) == val[i] for every word. Word 0 packs the scalar
 * fields (family, proto, has_icmp, ICMP type/code, ingress port); words
 * 1-2 hold the source address, 3-4 the destination. A field a rule does
 * not match on has a zero mask, so a rule with no match bits matches every
 * IP packet. Addresses are loaded with memcpy on both sides, so the
 * layout is the same whatever the host byte order. */
#ifndef FP_RULESET_IMPL_H
#define FP_RULESET_IMPL_H

#include <stdint.h>
#include <string.h>

#include "rule.h"

#define FP_KEY_WORDS 5

struct fp_crule {
	uint64_t val[FP_KEY_WORDS];
	uint64_t mask[FP_KEY_WORDS];
};

struct fp_ruleset {
	size_t n;
	struct fp_policy policy;
	struct fp_crule *crules; /* n compiled rules, classify reads these */
	uint8_t *actions;        /* n verdicts, parallel to crules */
	struct fp_rule *rules;   /* n copies of the source rules */
};

/* Bit positions of the scalar fields in word 0. */
enum {
	FP_KSH_FAMILY = 0,
	FP_KSH_PROTO = 8,
	FP_KSH_HAS_ICMP = 16,
	FP_KSH_ICMP_TYPE = 24,
	FP_KSH_ICMP_CODE = 32,
	FP_KSH_IN_PORT = 40,
};

static inline uint64_t fp_key_field(uint8_t v, unsigned shift)
{
	return (uint64_t)v << shift;
}

/* 16 address bytes -> two key words. */
static inline void fp_key_addr(uint64_t *w, const uint8_t *addr)
{
	memcpy(w, addr, 16);
}

#endif /* FP_RULESET_IMPL_H */
