/* control/ports.h - what the daemon knows of its two ports' links, kept
 * up to date from rtnetlink events (netwatch.h): the link going down or
 * up and MTU changes are logged, a deleted interface is reported to the
 * caller, which stops. The MTU is checked against the largest frame
 * xskwall can forward, at start and on every change. */
#ifndef CTL_PORTS_H
#define CTL_PORTS_H

#include <stdint.h>
#include <net/if.h>
#include "netwatch.h"
#include "rule.h"

struct ctl_port {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned flags; /* IFF_UP, IFF_RUNNING */
	uint32_t mtu;
};

struct ctl_ports {
	struct ctl_port port[FP_NPORTS];
	uint32_t max_frame; /* the largest frame a socket can take */
};

enum ctl_port_change {
	CTL_PORT_NONE = 0,
	CTL_PORT_CHANGED = 1, /* one of ours: its queues may have changed */
	CTL_PORT_GONE = 2,    /* one of ours was deleted */
};

/* Read both links' state (index, flags, MTU), log MTU warnings. */
int ctl_ports_init(struct ctl_ports *ps, const char ifname[FP_NPORTS][IF_NAMESIZE],
		   uint32_t max_frame);

/* Apply one notification: logs what changed on our ports; returns a
 * combination of enum ctl_port_change. */
unsigned ctl_ports_apply(struct ctl_ports *ps, const struct ctl_link_event *ev);

/* Re-read both links after lost notifications; same return. */
unsigned ctl_ports_refresh(struct ctl_ports *ps);

#endif /* CTL_PORTS_H */
