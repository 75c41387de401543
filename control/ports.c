/* control/ports.c - the ports' link state and the messages about it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include "fw/log.h"
#include "ports.h"

#define CTL_LINK_RUNNING (IFF_UP | IFF_RUNNING) /* set up, and operationally up */

static int ctl_port_query(struct ctl_port *pt)
{
	struct ifreq ifr;
	int fd, err = 0;

	pt->ifindex = (int)if_nametoindex(pt->ifname);
	if (!pt->ifindex)
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pt->ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		err = -errno;
	pt->flags = (unsigned)(unsigned short)ifr.ifr_flags;
	if (!err && ioctl(fd, SIOCGIFMTU, &ifr))
		err = -errno;
	pt->mtu = (uint32_t)ifr.ifr_mtu;
	close(fd);
	return err;
}

/* Frames that `from` admits but xskwall cannot bring out of `to`: the
 * UMEM frame (less headroom) and to's MTU bound what is forwarded. */
static void ctl_ports_check_direction(const struct ctl_ports *ps, int from)
{
	const struct ctl_port *in = &ps->port[from], *out = &ps->port[!from];
	uint32_t admitted = in->mtu + ETH_HLEN, egress = out->mtu + ETH_HLEN;
	uint32_t limit = egress < ps->max_frame ? egress : ps->max_frame;

	if (admitted <= limit)
		return;
	fw_warn("port %s (%s): MTU %u admits frames of %u bytes, but xskwall forwards at most "
		"%u bytes to %s (%s): larger frames are dropped (%s)", fp_port_name(from),
		in->ifname, in->mtu, admitted, limit, fp_port_name(!from), out->ifname,
		limit == ps->max_frame ?
		"the UMEM frame less the kernel's headroom; counted in k_rx_dropped; "
		"multi-buffer frames are not supported" : "at the egress port, by its MTU");
}

static void ctl_ports_check_mtu(const struct ctl_ports *ps)
{
	for (int p = 0; p < FP_NPORTS; p++)
		ctl_ports_check_direction(ps, p);
}

int ctl_ports_init(struct ctl_ports *ps, const char ifname[FP_NPORTS][IF_NAMESIZE],
		   uint32_t max_frame)
{
	memset(ps, 0, sizeof(*ps));
	ps->max_frame = max_frame;
	for (int p = 0; p < FP_NPORTS; p++) {
		int err;

		snprintf(ps->port[p].ifname, sizeof(ps->port[p].ifname), "%s", ifname[p]);
		err = ctl_port_query(&ps->port[p]);
		if (err) {
			fw_err("port %s (%s): cannot read its link state: %s", fp_port_name(p),
			       ifname[p], strerror(-err));
			return err;
		}
	}
	ctl_ports_check_mtu(ps);
	return 0;
}

static void ctl_port_log_link(int p, const struct ctl_port *pt, unsigned was)
{
	unsigned now = pt->flags & CTL_LINK_RUNNING;

	if ((was & CTL_LINK_RUNNING) == now)
		return;
	if (now == CTL_LINK_RUNNING)
		fw_info("port %s (%s): link up", fp_port_name(p), pt->ifname);
	else
		fw_warn("port %s (%s): link down (%s)", fp_port_name(p), pt->ifname,
			!(now & IFF_UP) ? "set down" : "no carrier");
}

/* The new state of port p; logs link and MTU changes. */
static void ctl_port_update(struct ctl_ports *ps, int p, unsigned flags, uint32_t mtu)
{
	struct ctl_port *pt = &ps->port[p];
	unsigned was = pt->flags;
	uint32_t old_mtu = pt->mtu;

	pt->flags = flags;
	ctl_port_log_link(p, pt, was);
	if (!mtu || mtu == old_mtu)
		return;
	pt->mtu = mtu;
	fw_info("port %s (%s): MTU %u, %u before", fp_port_name(p), pt->ifname, mtu, old_mtu);
	ctl_ports_check_mtu(ps);
}

static unsigned ctl_port_gone(const struct ctl_port *pt, int p)
{
	fw_err("port %s: interface %s was deleted; stopping (exit status 1) so that a "
	       "supervisor restarts xskwall", fp_port_name(p), pt->ifname);
	return CTL_PORT_GONE;
}

unsigned ctl_ports_apply(struct ctl_ports *ps, const struct ctl_link_event *ev)
{
	for (int p = 0; p < FP_NPORTS; p++) {
		struct ctl_port *pt = &ps->port[p];

		if (ev->ifindex != pt->ifindex)
			continue;
		if (ev->deleted)
			return ctl_port_gone(pt, p);
		ctl_port_update(ps, p, ev->flags & CTL_LINK_RUNNING, ev->mtu);
		return CTL_PORT_CHANGED;
	}
	return CTL_PORT_NONE;
}

unsigned ctl_ports_refresh(struct ctl_ports *ps)
{
	for (int p = 0; p < FP_NPORTS; p++) {
		struct ctl_port now = ps->port[p];

		if (ctl_port_query(&now) || now.ifindex != ps->port[p].ifindex)
			return ctl_port_gone(&ps->port[p], p);
		ctl_port_update(ps, p, now.flags & CTL_LINK_RUNNING, now.mtu);
	}
	return CTL_PORT_CHANGED;
}
