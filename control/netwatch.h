/* control/netwatch.h - link notifications from rtnetlink.
 *
 * The daemon subscribes once to RTNLGRP_LINK and reads the socket when it
 * is readable: every RTM_NEWLINK (up, down, carrier, MTU, channel count:
 * `ethtool -L` notifies too) and RTM_DELLINK reaches the callback as a
 * ctl_link_event. Parsing uses libmnl; nothing here knows the ports. */
#ifndef CTL_NETWATCH_H
#define CTL_NETWATCH_H

#include <stdint.h>
#include <net/if.h>

struct ctl_link_event {
	int deleted;              /* RTM_DELLINK */
	int ifindex;
	unsigned flags;           /* IFF_UP, IFF_RUNNING, ... */
	uint32_t mtu;             /* 0 when the message had none */
	char ifname[IF_NAMESIZE]; /* "" when the message had none */
};

typedef void ctl_link_fn(const struct ctl_link_event *ev, void *arg);

struct ctl_netwatch;

/* Open a non-blocking rtnetlink socket subscribed to link changes. */
int ctl_netwatch_open(struct ctl_netwatch **out);

/* The socket, for poll(). */
int ctl_netwatch_fd(const struct ctl_netwatch *w);

/* Hand every pending notification to fn. Returns 0, or -ENOBUFS when the
 * kernel dropped notifications (the caller re-reads what it watches), or
 * another -errno. */
int ctl_netwatch_read(struct ctl_netwatch *w, ctl_link_fn *fn, void *arg);

/* NULL-safe. */
void ctl_netwatch_close(struct ctl_netwatch *w);

#endif /* CTL_NETWATCH_H */
