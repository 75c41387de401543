/* control/ctl/pcapng.h - a minimal pcapng writer: one section, a few
 * interfaces, Enhanced Packet Blocks with a comment each. Used by
 * `xskwallctl capture` (ctl_capture.c); tests/unit/test_pcapng.c reads
 * its files back with libpcap. */
#ifndef CTL_PCAPNG_H
#define CTL_PCAPNG_H

#include <stdint.h>

#define CTL_PCAPNG_LINKTYPE_ETHERNET 1

struct ctl_pcapng;

struct ctl_pcapng_frame {
	uint32_t iface;       /* an id from ctl_pcapng_add_iface */
	uint64_t t_ns;        /* nanoseconds since 1970 (the interfaces' if_tsresol is 9) */
	uint32_t len;         /* bytes on the wire */
	const uint8_t *data;  /* the captured bytes */
	uint32_t caplen;      /* how many: at most len */
	const char *comment;  /* opt_comment, or NULL */
};

/* Create (truncate) PATH and write the Section Header Block, naming
 * `appl` as the writing application (shb_userappl; NULL: none).
 * 0 or -errno. */
int ctl_pcapng_create(const char *path, const char *appl, struct ctl_pcapng **out);

/* Write an Interface Description Block (if_name `name`, the link type,
 * snaplen, if_tsresol 9: nanoseconds); *id is its number for frames.
 * 0 or -errno. */
int ctl_pcapng_add_iface(struct ctl_pcapng *w, const char *name, uint16_t linktype,
			 uint32_t snaplen, uint32_t *id);

/* Write one Enhanced Packet Block (direction: inbound). 0, -EINVAL for
 * an unknown interface or caplen > len, or -errno of the write. */
int ctl_pcapng_write(struct ctl_pcapng *w, const struct ctl_pcapng_frame *f);

/* Flush and close the file and free the writer. Returns 0 when every
 * block reached the file, else the first error (-errno). NULL-safe. */
int ctl_pcapng_destroy(struct ctl_pcapng *w);

#endif /* CTL_PCAPNG_H */
