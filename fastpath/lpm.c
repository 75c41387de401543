/* fastpath/lpm.c - build longest-prefix interval tables (see lpm.h).
 *
 * Called by fastpath/ruleset.c while it compiles a snapshot. A build
 * sorts the prefixes by (start, length, rule), then sweeps them with a
 * stack of open prefixes: prefixes never partly overlap, so the stack
 * holds a chain of nested prefixes (at most width + 1 deep) and its top
 * carries the lowest rule index of the chain. Every push and pop emits
 * an interval boundary, so n prefixes give at most 2n + 1 intervals.
 * The sort is an LSD radix sort on the bytes that differ (linear time);
 * everything lands in the set's pools, which grow by doubling. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "lpm.h"

#define FP_LPM_MAX_WIDTH 128
/* Aim for about this many intervals per first-level bucket. */
/* About 1 << FP_LPM_BUCKETS_PER_SEG_LOG first-level buckets per
 * interval: most buckets then lie inside one interval and hold its value
 * (one load per lookup). */
#define FP_LPM_BUCKETS_PER_SEG_LOG 2
#define FP_LPM_MAX_IBITS 22

struct fp_lpm_open {
	fp_u128 end;
	uint32_t val;
};

/* Intervals being emitted into a pool (one of seg4, seg6). */
struct fp_lpm_out {
	struct fp_lpm_seg4 *seg4;
	struct fp_lpm_seg6 *seg6;
	uint32_t n;
};

static fp_u128 fp_lpm_hostmask(unsigned width, unsigned len)
{
	fp_u128 all = width == 128 ? ~(fp_u128)0 : ((fp_u128)1 << width) - 1;

	return len >= width ? 0 : all >> len;
}

static int fp_lpm_cmp(const void *a, const void *b)
{
	const struct fp_lpm_pfx *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

/* Grow *arr (of elem-byte items) so that it holds at least need. */
static int fp_lpm_grow(struct fp_big_pool *pool, void **arr, size_t *cap, size_t need,
		       size_t elem)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = fp_big_realloc(pool, *arr, c * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static fp_u128 fp_lpm_out_key(const struct fp_lpm_out *o, uint32_t i)
{
	return o->seg4 ? o->seg4[i].key : o->seg6[i].key;
}

static uint32_t fp_lpm_out_val(const struct fp_lpm_out *o, uint32_t i)
{
	return o->seg4 ? o->seg4[i].val : o->seg6[i].val;
}

/* From address a on, the value is v. Keys arrive in non-decreasing order;
 * a later value at the same key replaces the earlier one. */
static void fp_lpm_emit(struct fp_lpm_out *o, fp_u128 a, uint32_t v)
{
	if (o->n && fp_lpm_out_key(o, o->n - 1) == a)
		o->n--;
	if (o->n && fp_lpm_out_val(o, o->n - 1) == v)
		return;
	if (o->seg4)
		o->seg4[o->n] = (struct fp_lpm_seg4){ (uint32_t)a, v };
	else
		o->seg6[o->n] = (struct fp_lpm_seg6){ .key = a, .val = v };
	o->n++;
}

static uint32_t fp_lpm_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* p[] sorted, addresses already masked to their length. */
static void fp_lpm_sweep(struct fp_lpm_out *o, unsigned width,
			 const struct fp_lpm_pfx *p, size_t n)
{
	struct fp_lpm_open st[FP_LPM_MAX_WIDTH + 1];
	fp_u128 all = fp_lpm_hostmask(width, 0);
	unsigned sp = 0;
	uint32_t v;
	size_t i;

	fp_lpm_emit(o, 0, FP_LPM_NONE);
	for (i = 0; i < n; i++) {
		if (i && p[i].addr == p[i - 1].addr && p[i].len == p[i - 1].len)
			continue;       /* same prefix, higher rule index */
		while (sp && st[sp - 1].end < p[i].addr) {
			sp--;
			fp_lpm_emit(o, st[sp].end + 1,
				    sp ? st[sp - 1].val : FP_LPM_NONE);
		}
		v = sp ? fp_lpm_min(p[i].idx, st[sp - 1].val) : p[i].idx;
		st[sp].end = p[i].addr | fp_lpm_hostmask(width, p[i].len);
		st[sp++].val = v;
		fp_lpm_emit(o, p[i].addr, v);
	}
	while (sp && st[sp - 1].end != all) {
		sp--;
		fp_lpm_emit(o, st[sp].end + 1, sp ? st[sp - 1].val : FP_LPM_NONE);
	}
}

static unsigned fp_lpm_clz(fp_u128 x, unsigned width)
{
	unsigned n = 0;

	while (n < width && !(x >> (width - 1 - n) & 1))
		n++;
	return n;
}

static unsigned fp_lpm_log2(uint32_t x)
{
	unsigned n = 0;

	while (x >>= 1)
		n++;
	return n;
}

static unsigned fp_lpm_ibits(size_t nseg)
{
	unsigned lg = fp_lpm_log2(nseg > UINT32_MAX ? UINT32_MAX : (uint32_t)nseg);
	unsigned ib = lg ? lg + FP_LPM_BUCKETS_PER_SEG_LOG : 0;

	return ib > FP_LPM_MAX_IBITS ? FP_LPM_MAX_IBITS : ib;
}

/* Fill t's window (base, cpl, ibits) from its intervals. */
static void fp_lpm_window(struct fp_lpm_tab *t, const struct fp_lpm_out *o)
{
	fp_u128 lo, hi;
	unsigned ib = fp_lpm_ibits(o->n);

	t->base = 0;
	t->cpl = 0;
	t->ibits = 0;
	if (o->n < 2)
		return;
	lo = fp_lpm_out_key(o, 1);
	hi = fp_lpm_out_key(o, o->n - 1);
	t->base = lo;
	t->cpl = (uint8_t)fp_lpm_clz(lo ^ hi, t->width);
	if (ib > (unsigned)(t->width - t->cpl))
		ib = (unsigned)(t->width - t->cpl);
	t->ibits = (uint8_t)ib;
}

/* The last interval that starts at or before a, from j on. */
static uint32_t fp_lpm_upto(const struct fp_lpm_out *o, uint32_t j, fp_u128 a)
{
	while (j + 1 < o->n && fp_lpm_out_key(o, j + 1) <= a)
		j++;
	return j;
}

/* index[b]: bucket b's value when one interval covers it all
 * (FP_LPM_DIRECT), else the interval holding its first address; t->span:
 * the most intervals a bucket of the second kind overlaps. */
static void fp_lpm_index(struct fp_lpm_tab *t, const struct fp_lpm_out *o,
			 uint32_t *index)
{
	uint32_t nb = 1u << t->ibits, b, j = 0, last;
	unsigned low = t->width - t->cpl - t->ibits;
	fp_u128 top = t->base & ~fp_lpm_hostmask(t->width, t->cpl);
	fp_u128 start, end;

	t->span = 1;
	for (b = 0; b < nb; b++) {
		start = t->ibits ? top | (fp_u128)b << low : top;
		end = start | fp_lpm_hostmask(t->width, t->width - low);
		j = fp_lpm_upto(o, j, start);
		last = fp_lpm_upto(o, j, end);
		if (last == j) {
			index[b] = FP_LPM_DIRECT | fp_lpm_out_val(o, j);
			continue;
		}
		index[b] = j << FP_LPM_CNT_BITS |
			   (last - j < FP_LPM_CNT_MASK ? last - j : FP_LPM_CNT_MASK);
		if (last - j + 1 > t->span)
			t->span = last - j + 1;
	}
}

static int fp_lpm_reserve(struct fp_lpm_set *set, unsigned width, size_t n,
			  unsigned ibits)
{
	size_t segs = 2 * n + 1;
	int err;

	err = fp_lpm_grow(set->mem, (void **)&set->tab, &set->captab, set->ntab + 1,
			  sizeof(*set->tab));
	if (!err)
		err = fp_lpm_grow(set->mem, (void **)&set->index, &set->capix,
				  set->nix + (1u << ibits), sizeof(uint32_t));
	if (!err && width == 32)
		err = fp_lpm_grow(set->mem, (void **)&set->seg4, &set->capseg4,
				  set->nseg4 + segs, sizeof(*set->seg4));
	if (!err && width == 128)
		err = fp_lpm_grow(set->mem, (void **)&set->seg6, &set->capseg6,
				  set->nseg6 + segs, sizeof(*set->seg6));
	return err;
}

/* Sort digits, least significant first: the rule index's 4 bytes (only
 * when the input is not already in index order), the length, then the
 * address's width / 8 bytes. */
#define FP_LPM_MAX_DIGITS (4 + 1 + FP_LPM_MAX_WIDTH / 8)

struct fp_lpm_radix {
	uint32_t count[FP_LPM_MAX_DIGITS][256];
	unsigned ndigits, first; /* first: 0 with index digits, else 4 */
};

static unsigned fp_lpm_digit(const struct fp_lpm_pfx *p, unsigned d)
{
	if (d < 4)
		return p->idx >> (8 * d) & 0xff;
	if (d == 4)
		return p->len;
	return (unsigned)(p->addr >> (8 * (d - 5))) & 0xff;
}

static int fp_lpm_in_index_order(const struct fp_lpm_pfx *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (p[i].idx < p[i - 1].idx)
			return 0;
	return 1;
}

/* Every digit's histogram, in one pass. */
static void fp_lpm_histograms(struct fp_lpm_radix *r, const struct fp_lpm_pfx *p,
			      size_t n)
{
	memset(r->count, 0, sizeof(r->count));
	for (size_t i = 0; i < n; i++)
		for (unsigned d = r->first; d < r->ndigits; d++)
			r->count[d][fp_lpm_digit(&p[i], d)]++;
}

/* One stable counting pass on digit d from src into dst; 0 when every
 * prefix has the same digit (nothing to do). */
static int fp_lpm_scatter(uint32_t *count, unsigned d, const struct fp_lpm_pfx *src,
			  struct fp_lpm_pfx *dst, size_t n)
{
	size_t pos[256], sum = 0;
	unsigned v;

	for (v = 0; v < 256; v++) {
		if (count[v] == n)
			return 0;
		pos[v] = sum;
		sum += count[v];
	}
	for (size_t i = 0; i < n; i++)
		dst[pos[fp_lpm_digit(&src[i], d)]++] = src[i];
	return 1;
}

/* LSD radix sort by (address, length, index): linear, and stable, so
 * index order in the input saves the index digits. */
static int fp_lpm_radix_sort(struct fp_big_pool *pool, unsigned width, struct fp_lpm_pfx *p,
			     size_t n)
{
	struct fp_lpm_pfx *tmp = fp_big_alloc(pool, n * sizeof(*p), 0), *src = p, *dst = tmp, *t;
	struct fp_lpm_radix *r = malloc(sizeof(*r));
	unsigned d;

	if (!tmp || !r) {
		fp_big_free(tmp);
		free(r);
		return -ENOMEM;
	}
	r->first = fp_lpm_in_index_order(p, n) ? 4 : 0;
	r->ndigits = 5 + width / 8;
	fp_lpm_histograms(r, p, n);
	for (d = r->first; d < r->ndigits; d++) {
		if (!fp_lpm_scatter(r->count[d], d, src, dst, n))
			continue;
		t = src;
		src = dst;
		dst = t;
	}
	if (src != p)
		memcpy(p, src, n * sizeof(*p));
	fp_big_free(tmp);
	free(r);
	return 0;
}

void fp_lpm_sort(struct fp_big_pool *pool, unsigned width, struct fp_lpm_pfx *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].len > width)
			p[i].len = (uint8_t)width;
		p[i].addr &= ~fp_lpm_hostmask(width, p[i].len) &
			     fp_lpm_hostmask(width, 0);
	}
	if (n < 64 || fp_lpm_radix_sort(pool, width, p, n))
		qsort(p, n, sizeof(*p), fp_lpm_cmp); /* small, or no scratch */
}

int fp_lpm_add(struct fp_lpm_set *set, unsigned width, struct fp_lpm_pfx *p,
	       size_t n, uint32_t *id)
{
	struct fp_lpm_tab *t;
	struct fp_lpm_out o = { 0 };
	size_t *nseg = width == 32 ? &set->nseg4 : &set->nseg6;
	int err;

	if (2 * n + 1 >= FP_LPM_MAX_SEGS || *nseg + 2 * n + 1 > UINT32_MAX ||
	    set->ntab >= UINT32_MAX || set->nix + (1u << FP_LPM_MAX_IBITS) >
	    UINT32_MAX)
		return -E2BIG;
	err = fp_lpm_reserve(set, width, n, fp_lpm_ibits(2 * n + 1));
	if (err)
		return err;
	fp_lpm_sort(set->mem, width, p, n);
	if (width == 32)
		o.seg4 = set->seg4 + *nseg;
	else
		o.seg6 = set->seg6 + *nseg;
	fp_lpm_sweep(&o, width, p, n);

	t = &set->tab[set->ntab];
	t->width = (uint8_t)width;
	t->seg = (uint32_t)*nseg;
	t->nseg = o.n;
	fp_lpm_window(t, &o);
	t->ix = (uint32_t)set->nix;
	fp_lpm_index(t, &o, set->index + set->nix);
	t->big = (sizeof(*set->index) << t->ibits) +
		 (size_t)o.n * (width == 32 ? sizeof(*set->seg4) : sizeof(*set->seg6)) >
		 FP_LPM_BIG_BYTES;
	set->nix += 1u << t->ibits;
	*nseg += o.n;
	*id = (uint32_t)set->ntab++;
	return 0;
}

/* Give back a pool's slack: a mapped pool shrinks in place, a small one
 * is realloc'd. -ENOMEM leaves it as it was. */
static int fp_lpm_fit(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (!n || n == *cap)
		return 0;
	p = fp_big_realloc(NULL, *arr, n * elem); /* *arr keeps its pool */
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

int fp_lpm_has_big(const struct fp_lpm_set *set)
{
	for (size_t i = 0; i < set->ntab; i++)
		if (set->tab[i].big)
			return 1;
	return 0;
}

int fp_lpm_shrink(struct fp_lpm_set *set)
{
	int err;

	err = fp_lpm_fit((void **)&set->tab, &set->captab, set->ntab,
			 sizeof(*set->tab));
	if (!err)
		err = fp_lpm_fit((void **)&set->seg4, &set->capseg4, set->nseg4,
				 sizeof(*set->seg4));
	if (!err)
		err = fp_lpm_fit((void **)&set->seg6, &set->capseg6, set->nseg6,
				 sizeof(*set->seg6));
	if (!err)
		err = fp_lpm_fit((void **)&set->index, &set->capix, set->nix,
				 sizeof(uint32_t));
	return err;
}

void fp_lpm_fini(struct fp_lpm_set *set)
{
	if (!set)
		return;
	fp_big_free(set->tab);
	fp_big_free(set->seg4);
	fp_big_free(set->seg6);
	fp_big_free(set->index);
	memset(set, 0, sizeof(*set));
}

size_t fp_lpm_bytes(const struct fp_lpm_set *set)
{
	return set->captab * sizeof(*set->tab) +
	       set->capseg4 * sizeof(*set->seg4) +
	       set->capseg6 * sizeof(*set->seg6) + set->capix * sizeof(uint32_t);
}
