/* bench/tools/nftcount.c - xskwall-nftcount: read one nftables named counter
 * straight from the kernel (NFT_MSG_GETOBJ), without nft(8)'s cache.
 *
 *   xskwall-nftcount --family inet|netdev|ip|ip6 --table TABLE --counter NAME
 *                                                      prints "PACKETS BYTES"
 *
 * nft(8) dumps every set element to build its cache before it lists even a
 * counter: with a 1 000 000-element set that takes about a minute of CPU,
 * which a per-second sampler cannot afford. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <libnftnl/object.h>
#include "benchopt.h"
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

static int nftcount_family(const char *s)
{
	static const struct { const char *name; int family; } families[] = {
		{ "inet", NFPROTO_INET }, { "netdev", NFPROTO_NETDEV },
		{ "ip", NFPROTO_IPV4 }, { "ip6", NFPROTO_IPV6 },
	};

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcmp(s, families[i].name))
			return families[i].family;
	return -1;
}

struct nftcount_opts {
	int family;
	const char *family_name, *table, *counter;
};

static int nftcount_opt_family(void *opts, const char *arg)
{
	struct nftcount_opts *o = opts;

	o->family = nftcount_family(arg);
	o->family_name = arg;
	return o->family < 0 ? -EINVAL : 0;
}

static int nftcount_opt_table(void *o, const char *arg)
{
	((struct nftcount_opts *)o)->table = arg;
	return 0;
}

static int nftcount_opt_counter(void *o, const char *arg)
{
	((struct nftcount_opts *)o)->counter = arg;
	return 0;
}

static const struct bench_opt nftcount_optab[] = {
	{ "family", "inet|netdev|ip|ip6", "the table's family", nftcount_opt_family, 1 },
	{ "table", "TABLE", "the table", nftcount_opt_table, 1 },
	{ "counter", "NAME", "the named counter", nftcount_opt_counter, 1 },
};

static const struct bench_cmd nftcount_cmd = {
	.prog = "xskwall-nftcount",
	.synopsis = "usage: xskwall-nftcount --family F --table TABLE --counter NAME\n\n"
		    "Prints one nftables named counter as \"PACKETS BYTES\", read straight\n"
		    "from the kernel (nft(8) first dumps every set element to build its cache).",
	.opts = nftcount_optab,
	.n_opts = sizeof(nftcount_optab) / sizeof(nftcount_optab[0]),
};

static int nftcount_cb(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_obj_nlmsg_parse(nlh, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int nftcount_query(struct mnl_socket *nl, int family, const char *table,
			  const char *name, struct nftnl_obj *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nftnl_obj *req = nftnl_obj_alloc();
	struct nlmsghdr *nlh;
	ssize_t n;
	int r;

	if (!req)
		return -ENOMEM;
	nftnl_obj_set_u32(req, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_obj_set_str(req, NFTNL_OBJ_TABLE, table);
	nftnl_obj_set_str(req, NFTNL_OBJ_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, (uint16_t)family, NLM_F_ACK, seq);
	nftnl_obj_nlmsg_build_payload(nlh, req);
	nftnl_obj_free(req);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, portid, nftcount_cb, out);
		if (r <= MNL_CB_STOP)
			return r < 0 ? -errno : 0;
	}
	return n < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct nftcount_opts o = { .family = -1 };
	struct mnl_socket *nl;
	struct nftnl_obj *obj;
	int err;

	err = bench_opt_parse(&nftcount_cmd, argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	obj = nftnl_obj_alloc();
	if (!nl || !obj || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("xskwall-nftcount: netlink");
		return 1;
	}
	err = nftcount_query(nl, o.family, o.table, o.counter, obj);
	if (err || !nftnl_obj_is_set(obj, NFTNL_OBJ_CTR_PKTS)) {
		fprintf(stderr, "xskwall-nftcount: %s %s %s: %s\n", o.family_name, o.table,
			o.counter, err ? strerror(-err) : "no such counter");
		return 1;
	}
	printf("%" PRIu64 " %" PRIu64 "\n", nftnl_obj_get_u64(obj, NFTNL_OBJ_CTR_PKTS),
	       nftnl_obj_get_u64(obj, NFTNL_OBJ_CTR_BYTES));
	nftnl_obj_free(obj);
	mnl_socket_close(nl);
	return 0;
}
