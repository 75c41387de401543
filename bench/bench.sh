#!/usr/bin/env bash
# bench/bench.sh - the whole benchmark, one command: every scenario in one
# run, on one lab, with one generator and the same traffic.
#
#   bench/bench.sh [-s SECONDS] [-w WARMUP] [-r "0 10 1000 ..."] [-o DIR] [--smoke] [--no-build]
#
# Lab: gen --veth--> fw (out0 | in0) --veth--> sink (bench/lab.sh). The
# generator (xskwall-gen, XDP live frames; kernel pktgen is used where
# /proc/net/pktgen exists) sends 64-byte UDP from gen0, pinned to CPU 0,
# addressed to fw's out0 MAC and to 198.19.0.2 (routed by fw in the kernel
# scenarios, carried unchanged by xskwall and the ceiling). The sink's XDP
# program (xskwall-sink) counts and drops on sink0. Firewall work is pinned
# to the last CPU (xskwall workers; RPS for the kernel path); the receive
# half of every veth hop runs in the sender's softirq, so part of the
# firewall's cost lands on the generator's CPU: on a 2-core machine the
# generator and the firewall share the cores, and every result says so.
#
# Scenarios: gen-only (the generator into an XDP drop on fw's out0),
# ceiling (in-kernel XDP devmap redirect out0 -> in0), nft (kernel
# forwarding + nftables forward hook, forward-heavy; nftables netdev
# ingress hook, drop-heavy), xskwall (forward-heavy and drop-heavy) for each
# rule count, and reload (xskwall forwarding, its 100 000-rule config
# reloaded every second); then the classifier alone (xskwall-classify-bench,
# one core, no I/O). Output in DIR (default bench/results/DATE):
# results.jsonl (one JSON line per scenario), results.csv, classify.jsonl,
# and the plots.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=10 WARMUP=2 RULES="0 10 1000 100000 1000000" OUT= SMOKE=0 BUILD=1
while [ $# -gt 0 ]; do
	case $1 in
	-s) SECONDS_RUN=$2; shift ;;
	-w) WARMUP=$2; shift ;;
	-r) RULES=$2; shift ;;
	-o) OUT=$2; shift ;;
	--smoke) SMOKE=1 SECONDS_RUN=2 WARMUP=1 RULES="0 10 1000" ;;
	--no-build) BUILD=0 ;;
	*) sed -n '2,25p' "$0"; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 77; }
if ((BUILD)); then
	bash tests/install-deps.sh --bench
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j"$(nproc)" >/dev/null
fi
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
: >"$OUT/results.jsonl"
WORK=$(mktemp -d /tmp/xskwall-bench.XXXXXX)
. bench/labctl.sh
. bench/bench-lib.sh
PREFIX=xwb
trap bench_cleanup EXIT
bench_lab_up
bench_gen_only
for mix in forward drop; do
	for n in $RULES; do
		bench_rules "$n"
		bench_nft "$mix" "$n"
		bench_xskwall "$mix" "$n"
	done
done
reload_rules=100000
((SMOKE)) && reload_rules=1000
bench_rules "$reload_rules"
bench_reload "$reload_rules"
bench_ceiling
bench_classify
bench_report
