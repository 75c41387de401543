/* fastpath/modes.h - how a port's XDP program and a queue's sockets are
 * attached: the values the configuration names (`xdp-mode`, `bind-mode`)
 * and the engine takes. Plain enums, so the configuration parser uses
 * them without the fastpath's libraries. */
#ifndef FP_MODES_H
#define FP_MODES_H

enum fp_xdp_mode {
	FP_XDP_AUTO = 0,    /* native if the driver has it, else generic */
	FP_XDP_NATIVE = 1,
	FP_XDP_GENERIC = 2,
};

enum fp_bind_mode {
	FP_BIND_AUTO = 0,     /* zero-copy if the driver can, else copy */
	FP_BIND_ZEROCOPY = 1, /* zero-copy or fail */
	FP_BIND_COPY = 2,
};

#endif /* FP_MODES_H */
