/* control/ctl/pcapng.c - a hand-written minimal pcapng writer for
 * `xskwallctl capture`: libpcap 1.10 reads pcapng but cannot write it
 * (pcap_dump writes classic pcap only, which has no place for a per-frame
 * comment), so the blocks are written here. Format: draft-ietf-opsawg-
 * pcapng. Blocks are written in host byte order (the SHB's byte-order
 * magic tells readers which); one section of unknown length; every
 * interface has if_tsresol 9 (nanoseconds); every frame is an Enhanced
 * Packet Block with epb_flags "inbound" and an optional opt_comment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pcapng.h"

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_TSRESOL 9
#define PCAPNG_EPB_FLAGS 2
#define PCAPNG_EPB_INBOUND 0x1u
#define PCAPNG_TSRESOL_NS 9
#define PCAPNG_OPT_MAX 0xFFFCu /* longest option value: u16 length, padded to 4 */

struct ctl_pcapng {
	FILE *f;
	uint32_t nifaces;
	int err;          /* first failed write, sticky */
	uint8_t *blk;     /* the block being built */
	size_t len, cap;
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Append n bytes (zeros when p is NULL) to the block, then pad to 4. */
static void put(struct ctl_pcapng *w, const void *p, size_t n)
{
	size_t need = w->len + pad4(n);

	if (w->err)
		return;
	if (need > w->cap) {
		size_t cap = need > 2 * w->cap ? need : 2 * w->cap;
		uint8_t *blk = realloc(w->blk, cap);

		if (!blk) {
			w->err = -ENOMEM;
			return;
		}
		w->blk = blk;
		w->cap = cap;
	}
	if (p)
		memcpy(w->blk + w->len, p, n);
	else
		memset(w->blk + w->len, 0, n);
	memset(w->blk + w->len + n, 0, pad4(n) - n);
	w->len = need;
}

static void put_u16_pair(struct ctl_pcapng *w, uint16_t v, uint16_t v2)
{
	uint16_t two[2] = { v, v2 };

	put(w, two, sizeof(two));
}

static void put_u32(struct ctl_pcapng *w, uint32_t v)
{
	put(w, &v, sizeof(v));
}

static void put_opt(struct ctl_pcapng *w, uint16_t code, const void *val, size_t n)
{
	if (n > PCAPNG_OPT_MAX)
		n = PCAPNG_OPT_MAX;
	put_u16_pair(w, code, (uint16_t)n);
	put(w, val, n);
}

static void block_begin(struct ctl_pcapng *w, uint32_t type)
{
	w->len = 0;
	put_u32(w, type);
	put_u32(w, 0); /* total length, filled in by block_end */
}

/* End of options, trailing length, then out to the file. */
static int block_end(struct ctl_pcapng *w)
{
	uint32_t total;

	put_u16_pair(w, PCAPNG_OPT_END, 0);
	put_u32(w, 0);
	if (w->err)
		return w->err;
	total = (uint32_t)w->len;
	memcpy(w->blk + 4, &total, sizeof(total));
	memcpy(w->blk + w->len - 4, &total, sizeof(total));
	errno = 0;
	if (fwrite(w->blk, 1, w->len, w->f) != w->len)
		w->err = errno ? -errno : -EIO;
	return w->err;
}

static int write_shb(struct ctl_pcapng *w, const char *appl)
{
	uint64_t unknown_length = UINT64_MAX;

	block_begin(w, PCAPNG_SHB);
	put_u32(w, PCAPNG_BYTE_ORDER_MAGIC);
	put_u16_pair(w, 1, 0); /* version 1.0 */
	put(w, &unknown_length, sizeof(unknown_length));
	if (appl)
		put_opt(w, PCAPNG_SHB_USERAPPL, appl, strlen(appl));
	return block_end(w);
}

int ctl_pcapng_create(const char *path, const char *appl, struct ctl_pcapng **out)
{
	struct ctl_pcapng *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->f = fopen(path, "wb");
	if (!w->f) {
		err = -errno;
		ctl_pcapng_destroy(w);
		return err;
	}
	err = write_shb(w, appl);
	if (err) {
		ctl_pcapng_destroy(w);
		return err;
	}
	*out = w;
	return 0;
}

int ctl_pcapng_add_iface(struct ctl_pcapng *w, const char *name, uint16_t linktype,
			 uint32_t snaplen, uint32_t *id)
{
	uint8_t tsresol = PCAPNG_TSRESOL_NS;
	int err;

	block_begin(w, PCAPNG_IDB);
	put_u16_pair(w, linktype, 0);
	put_u32(w, snaplen);
	if (name)
		put_opt(w, PCAPNG_IF_NAME, name, strlen(name));
	put_opt(w, PCAPNG_IF_TSRESOL, &tsresol, sizeof(tsresol));
	err = block_end(w);
	if (!err)
		*id = w->nifaces++;
	return err;
}

int ctl_pcapng_write(struct ctl_pcapng *w, const struct ctl_pcapng_frame *f)
{
	uint32_t flags = PCAPNG_EPB_INBOUND;

	if (f->iface >= w->nifaces || f->caplen > f->len)
		return -EINVAL;
	block_begin(w, PCAPNG_EPB);
	put_u32(w, f->iface);
	put_u32(w, (uint32_t)(f->t_ns >> 32));
	put_u32(w, (uint32_t)f->t_ns);
	put_u32(w, f->caplen);
	put_u32(w, f->len);
	put(w, f->data, f->caplen);
	if (f->comment)
		put_opt(w, PCAPNG_OPT_COMMENT, f->comment, strlen(f->comment));
	put_opt(w, PCAPNG_EPB_FLAGS, &flags, sizeof(flags));
	return block_end(w);
}

int ctl_pcapng_destroy(struct ctl_pcapng *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (w->f && fclose(w->f) && !err)
		err = errno ? -errno : -EIO;
	free(w->blk);
	free(w);
	return err;
}
