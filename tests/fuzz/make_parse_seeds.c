/* tests/fuzz/make_parse_seeds.c - writes a seed corpus for fuzz_parse:
 * one well-formed frame of each kind the parser knows (so the fuzzer starts
 * inside IPv4, IPv6, VLAN stacks, extension headers and the ports of every
 * protocol that has them, on the edges of fuzz_parse's port rules,
 * instead of having to find them). Usage: make_parse_seeds DIR */
#include <stdio.h>
#include <string.h>
#include "pktbuild.h"

#define V4 .src = { 198, 18, 0, 1 }, .dst = { 198, 18, 0, 2 }
#define V6 .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, .dst = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }

static const struct pb_frame seeds[] = {
	{ .family = 4, V4, .proto = 17, .payload = 18, .sport = 53, .dport = 1024 },
	{ .family = 4, V4, .proto = 6, .payload = 6, .sport = 40000, .dport = 22 },
	{ .family = 4, V4, .proto = 17, .sport = 53, .dport = 1023 },
	{ .family = 4, V4, .proto = 132, .sport = 65535, .dport = 2905 },
	{ .family = 4, V4, .proto = 33, .sport = 0, .dport = 23 },
	{ .family = 4, V4, .proto = 136, .sport = 1, .dport = 0 },
	{ .family = 4, V4, .proto = 6, .ip4_frag = 0x2000, .sport = 1, .dport = 22 },
	{ .family = 4, V4, .proto = 6, .ip4_frag = 0x0003, .sport = 1, .dport = 22 },
	{ .family = 4, V4, .proto = 1, .icmp_type = 8 },
	{ .family = 4, V4, .proto = 1, .icmp_type = 3, .icmp_code = 4, .ip4_optlen = 8 },
	{ .family = 4, V4, .proto = 17, .ip4_frag = 0x2000, .payload = 8 },
	{ .family = 4, V4, .proto = 1, .ip4_frag = 0x0010, .payload = 8 },
	{ .ntags = 1, .tpid = { 0x8100 }, .family = 4, V4, .proto = 1, .icmp_type = 0 },
	{ .ntags = 2, .tpid = { 0x88a8, 0x8100 }, .family = 4, V4, .proto = 17, .payload = 4 },
	{ .ntags = 4, .tpid = { 0x88a8, 0x88a8, 0x8100, 0x8100 }, .family = 6, V6, .proto = 58,
	  .icmp_type = 128 },
	{ .family = 6, V6, .proto = 17, .payload = 12, .sport = 546, .dport = 547 },
	{ .family = 6, V6, .proto = 132, .next = 2, .ext = { 0, 60 }, .sport = 9, .dport = 9 },
	{ .family = 6, V6, .proto = 33, .next = 1, .ext = { 51 }, .sport = 22, .dport = 22 },
	{ .family = 6, V6, .proto = 6, .next = 1, .ext = { 44 }, .frag_more = 1, .sport = 5,
	  .dport = 22 },
	{ .family = 6, V6, .proto = 58, .icmp_type = 135 },
	{ .family = 6, V6, .proto = 6, .next = 3, .ext = { 0, 43, 60 }, .payload = 2,
	  .sport = 443, .dport = 65535 },
	{ .family = 6, V6, .proto = 58, .icmp_type = 1, .next = 2, .ext = { 0, 44 } },
	{ .family = 6, V6, .proto = 17, .next = 1, .ext = { 44 }, .frag_off = 64, .payload = 8,
	  .sport = 53, .dport = 53 },
	{ .family = 6, V6, .proto = 59, .next = 1, .ext = { 51 }, .ext_len = { 16 } },
	{ .family = 0, .ethertype = 0x0806, .payload = 28 },
	{ .family = 0, .ethertype = 0x88cc, .payload = 40 },
};

int main(int argc, char **argv)
{
	uint8_t frame[2048];
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		size_t len = pb_build(frame, sizeof(frame), &seeds[i], NULL);
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02zu", argv[1], i);
		f = fopen(path, "wb");
		if (!f || fwrite(frame, 1, len, f) != len) {
			perror(path);
			return 1;
		}
		fclose(f);
	}
	return 0;
}
