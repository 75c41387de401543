#!/usr/bin/env bash
# bench/run/rules.sh - the benchmark's rule sets, written twice: for xskwall and
# for nftables, the same rules in the same order.
#
#   bench/run/rules.sh N XSKWALL_RULES_OUT NFT_ELEMENTS_OUT
#
# N = 0 writes no rule. Otherwise N rules: `drop icmp type echo-request`,
# N-2 filler blocklist entries (distinct /24s spread over unicast IPv4,
# never 198.18.0.0/15, so no traffic of the lab matches them), and last
# `drop src 198.18.128.0/17`: the drop-heavy traffic's sources, placed at
# the end, where a linear scan would find it last. The nft file holds the
# set elements (filler and the /17), one per line.
set -euo pipefail
n=$1 xw=$2 nft=$3
awk -v n="$n" -v xw="$xw" -v nft="$nft" 'BEGIN {
	printf "" > xw; printf "" > nft
	if (n == 0) exit
	print "drop icmp type echo-request" > xw
	for (i = 1; made < n - 2; i++) {
		idx = (i * 2654435761) % 16777216
		a = int(idx / 65536); b = int(idx / 256) % 256; c = idx % 256
		if (a == 0 || a == 127 || a >= 224 || (a == 198 && (b == 18 || b == 19)))
			continue
		p = a "." b "." c ".0/24"
		print "drop src " p > xw
		print p > nft
		made++
	}
	print "drop src 198.18.128.0/17" > xw
	print "198.18.128.0/17" > nft
}'
