/* fastpath/portix.c - the port indexes of a snapshot's port signatures.
 *
 * Called by fastpath/ruleset.c at the end of a compile, once every port
 * class (a struct fp_sig in rs->pcls) has its tables and lowest rule.
 * For each port signature, its classes go to one of two indexes: by
 * destination port when the class has a dport range (or no range at
 * all), else by source port. An index cuts 0-65535 at every range's
 * ends into intervals; each interval lists the classes that cover it,
 * ordered by lowest rule, each entry with the class's lowest rule and its
 * range on the other side (struct fp_pent). A lookup (classify.c) finds
 * the packet's interval (in one bucket of 16 ports when the index has
 * more than FP_PORT_BUCKET_MIN intervals, else among all) and walks its
 * list only while a class can still beat the best match, reading a class
 * only when the packet's other port is in its range and its address
 * passes the entry's filter. Classes with
 * heavily overlapping ranges cost an entry per interval they cover; the
 * total is capped at FP_PORT_MAX_ENTRIES. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset_impl.h"

#define FP_NPORTVALS 65536u

/* A class in the order indexes are built in: by signature, then rule. */
struct fp_pord {
	uint32_t slot;
	uint32_t min;
	uint32_t cls;
};

_Static_assert(FP_PORT_MAX_ENTRIES <= (size_t)1 << 25, "a class id fits fp_pent.cls");

/* Scratch shared by every index of one build. */
struct fp_pscratch {
	uint8_t *mark;   /* FP_NPORTVALS + 1: an interval starts here */
	uint32_t *segof; /* FP_NPORTVALS: port -> interval */
	uint32_t *cnt;   /* FP_NPORTVALS + 1: per interval, then a cursor */
	const struct fp_pfilt *filt; /* per class (ruleset.c) */
};

static int fp_pord_cmp(const void *a, const void *b)
{
	const struct fp_pord *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->min != y->min)
		return x->min < y->min ? -1 : 1;
	return x->cls < y->cls ? -1 : x->cls > y->cls;
}

static int fp_prange_full(const struct fp_prange *r, unsigned d)
{
	return r->lo[d] == 0 && r->hi[d] == FP_NPORTVALS - 1;
}

/* The index a class goes to: by dport unless it only has a sport range. */
static unsigned fp_pclass_dim(const struct fp_prange *r)
{
	return fp_prange_full(r, FP_BY_DPORT) && !fp_prange_full(r, FP_BY_SPORT) ?
	       FP_BY_SPORT : FP_BY_DPORT;
}

static int fp_pgrow(void **arr, size_t n, size_t elem)
{
	void *p = realloc(*arr, (n ? n : 1) * elem);

	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

/* Cut the ports at the ranges' ends; returns the number of intervals
 * and fills segof and the new pstart entries. */
static uint32_t fp_pcut(const struct fp_ruleset *rs, const struct fp_pord *o,
			size_t n, unsigned d, struct fp_pscratch *w)
{
	const struct fp_prange *r;
	uint32_t p, nseg = 0;
	size_t i;

	memset(w->mark, 0, FP_NPORTVALS + 1);
	w->mark[0] = 1;
	for (i = 0; i < n; i++) {
		r = &rs->prange[o[i].cls];
		w->mark[r->lo[d]] = 1;
		w->mark[(uint32_t)r->hi[d] + 1] = 1;
	}
	for (p = 0; p < FP_NPORTVALS; p++) {
		nseg += w->mark[p];
		w->segof[p] = nseg - 1;
	}
	return nseg;
}

/* Entries each interval will list; returns their total. */
static size_t fp_pcount(const struct fp_ruleset *rs, const struct fp_pord *o,
			size_t n, unsigned d, uint32_t nseg, struct fp_pscratch *w)
{
	const struct fp_prange *r;
	size_t i, total = 0;
	uint32_t j;

	memset(w->cnt, 0, (nseg + 1) * sizeof(*w->cnt));
	for (i = 0; i < n; i++) {
		r = &rs->prange[o[i].cls];
		for (j = w->segof[r->lo[d]]; j <= w->segof[r->hi[d]]; j++)
			w->cnt[j]++;
		total += w->segof[r->hi[d]] - w->segof[r->lo[d]] + 1;
	}
	return total;
}

static int fp_preserve(struct fp_ruleset *rs, uint32_t nseg, size_t total)
{
	int err;

	if (rs->nplist + total > FP_PORT_MAX_ENTRIES)
		return -E2BIG;
	err = fp_pgrow((void **)&rs->pseg, rs->npseg + nseg + 1, sizeof(*rs->pseg));
	if (!err && nseg > FP_PORT_BUCKET_MIN)
		err = fp_pgrow((void **)&rs->pbucket, rs->npbucket + FP_PORT_BUCKETS + 1,
			       sizeof(uint32_t));
	if (!err && nseg > FP_PORT_BUCKET_MIN)
		err = fp_pgrow((void **)&rs->pbits, rs->npbits + FP_PORT_BITS_WORDS,
			       sizeof(uint64_t));
	if (!err)
		err = fp_pgrow((void **)&rs->plist, rs->nplist + total, sizeof(*rs->plist));
	if (!err)
		err = fp_pgrow((void **)&rs->pidx, rs->npidx + 1, sizeof(*rs->pidx));
	return err;
}

/* Class o's entry in a list of dimension d, with its address filter
 * where it has one (struct fp_pent). */
static struct fp_pent fp_pent_of(const struct fp_ruleset *rs, const struct fp_pord *o,
				 const struct fp_prange *r, unsigned d, const struct fp_pfilt *filt)
{
	const struct fp_pfilt *f = &filt[o->cls];
	int on = f->tables == 1 && rs->pcls[o->cls].none == FP_LPM_NONE;

	return (struct fp_pent){ .cls = o->cls, .fdst = on && f->dst, .fshift = on ? f->shift : 32,
				 .min = o->min, .lo = r->lo[!d], .hi = r->hi[!d],
				 .fkey = on ? f->key : 0 };
}

/* Interval starts and list offsets, then the lists in rule order. */
static void fp_pfill(struct fp_ruleset *rs, const struct fp_pord *o, size_t n,
		     unsigned d, uint32_t nseg, struct fp_pscratch *w)
{
	struct fp_pseg *seg = rs->pseg + rs->npseg;
	const struct fp_prange *r;
	uint32_t p, j, pos = (uint32_t)rs->nplist;
	size_t i;

	for (p = 0; p < FP_NPORTVALS; p++)
		if (w->mark[p])
			seg[w->segof[p]].start = p;
	seg[nseg].start = FP_NPORTVALS;
	for (j = 0; j <= nseg; j++) {
		seg[j].off = pos;
		pos += j < nseg ? w->cnt[j] : 0;
		w->cnt[j] = seg[j].off;
	}
	for (i = 0; i < n; i++) {
		r = &rs->prange[o[i].cls];
		for (j = w->segof[r->lo[d]]; j <= w->segof[r->hi[d]]; j++)
			rs->plist[w->cnt[j]++] = fp_pent_of(rs, &o[i], r, d, w->filt);
	}
}

/* The index's buckets (struct fp_pidx), if it has that many intervals;
 * returns where they start, or FP_LPM_NONE. */
static uint32_t fp_pbuckets(struct fp_ruleset *rs, uint32_t nseg, const struct fp_pscratch *w)
{
	size_t at = rs->npbucket;
	uint32_t *bk, b;

	if (nseg <= FP_PORT_BUCKET_MIN)
		return FP_LPM_NONE;
	bk = rs->pbucket + at; /* grown by fp_preserve: not NULL here */
	for (b = 0; b < FP_PORT_BUCKETS; b++)
		bk[b] = w->segof[b << FP_PORT_BUCKET_SHIFT];
	bk[FP_PORT_BUCKETS] = nseg - 1;
	rs->npbucket += FP_PORT_BUCKETS + 1;
	return (uint32_t)at;
}

/* The index's listed ports (struct fp_pidx), with its buckets; returns
 * where they start, or FP_LPM_NONE. Its lists are filled. */
static uint32_t fp_pbits(struct fp_ruleset *rs, uint32_t nseg, const struct fp_pscratch *w)
{
	const struct fp_pseg *seg = rs->pseg + rs->npseg;
	size_t at = rs->npbits;
	uint64_t *bits;
	uint32_t p, j;

	if (nseg <= FP_PORT_BUCKET_MIN)
		return FP_LPM_NONE;
	bits = rs->pbits + at; /* grown by fp_preserve: not NULL here */
	memset(bits, 0, FP_PORT_BITS_WORDS * sizeof(*bits));
	for (p = 0; p < FP_NPORTVALS; p++) {
		j = w->segof[p];
		if (seg[j + 1].off > seg[j].off)
			bits[p >> 6] |= (uint64_t)1 << (p & 63);
	}
	rs->npbits += FP_PORT_BITS_WORDS;
	return (uint32_t)at;
}

/* One index over the classes o[0..n) (all of dimension d). */
static int fp_pindex(struct fp_ruleset *rs, const struct fp_pord *o, size_t n,
		     unsigned d, struct fp_pscratch *w)
{
	uint32_t nseg = fp_pcut(rs, o, n, d, w);
	size_t total = fp_pcount(rs, o, n, d, nseg, w);
	int err = fp_preserve(rs, nseg, total);

	if (err)
		return err;
	fp_pfill(rs, o, n, d, nseg, w);
	rs->pidx[rs->npidx] = (struct fp_pidx){ (uint32_t)rs->npseg, nseg,
						fp_pbuckets(rs, nseg, w), fp_pbits(rs, nseg, w) };
	rs->sigs[o[0].slot].port_ix[d] = rs->npidx++;
	rs->npseg += nseg + 1;
	rs->nplist += total;
	return 0;
}

/* The classes of one signature, o[0..n) by lowest rule: split by
 * dimension (order kept) and index each part. */
static int fp_psig(struct fp_ruleset *rs, struct fp_pord *o, size_t n,
		   struct fp_pord *tmp, struct fp_pscratch *w)
{
	size_t i, k[2] = { 0, 0 };
	unsigned d;
	int err = 0;

	for (i = 0; i < n; i++) {
		d = fp_pclass_dim(&rs->prange[o[i].cls]);
		(d == FP_BY_DPORT ? o : tmp)[k[d]++] = o[i];
	}
	memcpy(o + k[FP_BY_DPORT], tmp, k[FP_BY_SPORT] * sizeof(*o));
	if (k[FP_BY_DPORT])
		err = fp_pindex(rs, o, k[FP_BY_DPORT], FP_BY_DPORT, w);
	if (!err && k[FP_BY_SPORT])
		err = fp_pindex(rs, o + k[FP_BY_DPORT], k[FP_BY_SPORT], FP_BY_SPORT, w);
	return err;
}

static int fp_pscratch_init(struct fp_pscratch *w)
{
	w->mark = malloc(FP_NPORTVALS + 1);
	w->segof = malloc(FP_NPORTVALS * sizeof(*w->segof));
	w->cnt = malloc((FP_NPORTVALS + 1) * sizeof(*w->cnt));
	return w->mark && w->segof && w->cnt ? 0 : -ENOMEM;
}

static void fp_pscratch_fini(struct fp_pscratch *w)
{
	free(w->mark);
	free(w->segof);
	free(w->cnt);
}

static int fp_portix_all(struct fp_ruleset *rs, struct fp_pord *o,
			 struct fp_pord *tmp, struct fp_pscratch *w)
{
	struct fp_sig *s;
	size_t i, j;
	int err = 0;

	qsort(o, rs->npcls, sizeof(*o), fp_pord_cmp);
	for (i = 0; i < rs->npcls && !err; i = j) {
		for (j = i + 1; j < rs->npcls && o[j].slot == o[i].slot; j++)
			;
		s = &rs->sigs[o[i].slot];
		if (o[i].min < s->min)
			s->min = o[i].min;
		err = fp_psig(rs, o + i, j - i, tmp, w);
	}
	return err;
}

int fp_portix_build(struct fp_ruleset *rs, const uint32_t *csig, const struct fp_pfilt *filt)
{
	struct fp_pscratch w = { .filt = filt };
	struct fp_pord *o, *tmp;
	uint32_t c;
	int err;

	if (!rs->npcls)
		return 0;
	if (rs->npcls > FP_PORT_MAX_ENTRIES) /* an entry each at least */
		return -E2BIG;
	o = malloc(rs->npcls * sizeof(*o));
	tmp = malloc(rs->npcls * sizeof(*tmp));
	err = o && tmp ? fp_pscratch_init(&w) : -ENOMEM;
	for (c = 0; !err && c < rs->npcls; c++)
		o[c] = (struct fp_pord){ csig[c], rs->pcls[c].min, c };
	if (!err)
		err = fp_portix_all(rs, o, tmp, &w);
	fp_pscratch_fini(&w);
	free(o);
	free(tmp);
	return err;
}

size_t fp_portix_bytes(const struct fp_ruleset *rs)
{
	return rs->npcls * (sizeof(*rs->pcls) + sizeof(*rs->prange)) +
	       rs->npidx * sizeof(*rs->pidx) +
	       rs->npseg * sizeof(*rs->pseg) +
	       rs->nplist * sizeof(*rs->plist) + rs->npbucket * sizeof(*rs->pbucket) +
	       rs->npbits * sizeof(*rs->pbits);
}

void fp_portix_fini(struct fp_ruleset *rs)
{
	free(rs->pcls);
	free(rs->prange);
	free(rs->pidx);
	free(rs->pseg);
	free(rs->plist);
	free(rs->pbucket);
	free(rs->pbits);
}
