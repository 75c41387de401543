/* control/netwatch.c - rtnetlink link notifications through libmnl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "netwatch.h"

#define CTL_NETWATCH_BUF 8192 /* MNL_SOCKET_BUFFER_SIZE's ceiling */

struct ctl_netwatch {
	struct mnl_socket *nl;
	char buf[CTL_NETWATCH_BUF];
};

struct ctl_netwatch_call {
	ctl_link_fn *fn;
	void *arg;
};

int ctl_netwatch_open(struct ctl_netwatch **out)
{
	struct ctl_netwatch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl || mnl_socket_bind(w->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		ctl_netwatch_close(w);
		return err ? err : -EIO;
	}
	*out = w;
	return 0;
}

int ctl_netwatch_fd(const struct ctl_netwatch *w)
{
	return mnl_socket_get_fd(w->nl);
}

static int ctl_netwatch_attr(const struct nlattr *a, void *data)
{
	struct ctl_link_event *ev = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_MTU:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			ev->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(ev->ifname, sizeof(ev->ifname), "%s", mnl_attr_get_str(a));
		break;
	}
	return MNL_CB_OK;
}

static int ctl_netwatch_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct ctl_netwatch_call *call = data;
	const struct ifinfomsg *ifi;
	struct ctl_link_event ev;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(&ev, 0, sizeof(ev));
	ev.deleted = nlh->nlmsg_type == RTM_DELLINK;
	ev.ifindex = ifi->ifi_index;
	ev.flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), ctl_netwatch_attr, &ev);
	call->fn(&ev, call->arg);
	return MNL_CB_OK;
}

int ctl_netwatch_read(struct ctl_netwatch *w, ctl_link_fn *fn, void *arg)
{
	struct ctl_netwatch_call call = { fn, arg };
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(w->nl, w->buf, sizeof(w->buf));
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (mnl_cb_run(w->buf, (size_t)n, 0, 0, ctl_netwatch_msg, &call) < 0 &&
		    errno != ENOENT)
			return -errno;
	}
}

void ctl_netwatch_close(struct ctl_netwatch *w)
{
	if (!w)
		return;
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
}
