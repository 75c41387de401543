/* bench/nftcount.c - xskwall-nftcount: read one nftables named counter
 * straight from the kernel (NFT_MSG_GETOBJ), without nft(8)'s cache.
 *
 *   xskwall-nftcount inet|netdev|ip|ip6 TABLE NAME    prints "PACKETS BYTES"
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
	struct mnl_socket *nl;
	struct nftnl_obj *obj;
	int family, err;

	family = argc == 4 ? nftcount_family(argv[1]) : -1;
	if (family < 0) {
		fprintf(stderr, "usage: xskwall-nftcount inet|netdev|ip|ip6 TABLE NAME\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_NETFILTER);
	obj = nftnl_obj_alloc();
	if (!nl || !obj || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("xskwall-nftcount: netlink");
		return 1;
	}
	err = nftcount_query(nl, family, argv[2], argv[3], obj);
	if (err || !nftnl_obj_is_set(obj, NFTNL_OBJ_CTR_PKTS)) {
		fprintf(stderr, "xskwall-nftcount: %s %s %s: %s\n", argv[1], argv[2], argv[3],
			err ? strerror(-err) : "no such counter");
		return 1;
	}
	printf("%" PRIu64 " %" PRIu64 "\n", nftnl_obj_get_u64(obj, NFTNL_OBJ_CTR_PKTS),
	       nftnl_obj_get_u64(obj, NFTNL_OBJ_CTR_BYTES));
	nftnl_obj_free(obj);
	mnl_socket_close(nl);
	return 0;
}
