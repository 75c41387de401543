#!/usr/bin/env bash
# bench/run/bench.sh - the whole benchmark, one command: every scenario in one
# run, on one lab, with one generator and the same traffic.
#
#   bench/run/bench.sh [-s SECONDS] [-w WARMUP] [-r "0 10 1000 ..."] [-b "BUSY-POLL RULES"]
#                  [-n REPS] [-o DIR] [--smoke] [--no-build]
#
# Lab: gen --veth--> fw (out0 | in0) --veth--> sink (tests/lab/lab.sh). The
# generator (xskwall-gen, XDP live frames; kernel pktgen is used where
# /proc/net/pktgen exists) sends 64-byte UDP from gen0, pinned to CPU 0,
# addressed to fw's out0 MAC and to 198.19.0.2 (routed by fw in the kernel
# scenarios, carried unchanged by xskwall and the ceiling). The sink's XDP
# program (xskwall-sink) counts and drops on sink0. xskwall's workers and
# the bare AF_XDP baselines are pinned to the last CPU; the kernel's own
# work runs where the kernel puts it (no RPS). The receive half of every
# veth hop runs in the sender's softirq, so part of the firewall's cost
# lands on the generator's CPU (unless busy polling moves it to the
# worker's): on a 2-core machine the generator and the firewall share the
# cores, and every result says so.
#
# Scenarios, REPS times interleaved (each repetition runs every scenario
# once, so a slow phase of the machine hits all of them alike): the bare
# AF_XDP baselines (xskwall-afxdp-bare: receive-and-drop and two-port
# forward on xskwall's own socket setup, CPU and rings), nftables (kernel
# forwarding + forward hook, forward-heavy; netdev ingress, drop-heavy) and
# xskwall (forward-heavy and drop-heavy) for each rule count; then the bare
# baselines and xskwall again with preferred busy polling (for BP_RULES).
# Around them, a calibration at the start and at the end (the generator
# into a bare XDP drop on fw's out0, and the in-kernel XDP devmap redirect
# ceiling): calibration.json says whether the run is publishable. Then
# reload (xskwall forwarding, its 100 000-rule config reloaded every
# second), the classifier alone (xskwall-classify-bench, one core, no
# I/O) and the worker's whole userspace path alone (xskwall-ring-bench: the
# worker's own round on rings in memory, one core, no kernel). Output in DIR
# (default bench/results/DATE): results.jsonl (one JSON line per
# measurement), results.csv, calibration.json, classify.jsonl, ring.jsonl,
# and the plots; `awk -f bench/report/bench-table.awk DIR/results.jsonl` and
# `awk -f bench/report/ring-table.awk DIR/ring.jsonl` write the README's tables.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=10 WARMUP=2 RULES="0 10 1000 100000 1000000" BP_RULES="10 1000000" REPS=3
OUT= SMOKE=0 BUILD=1
while [ $# -gt 0 ]; do
	case $1 in
	-s) SECONDS_RUN=$2; shift ;;
	-w) WARMUP=$2; shift ;;
	-r) RULES=$2; shift ;;
	-b) BP_RULES=$2; shift ;;
	-n) REPS=$2; shift ;;
	-o) OUT=$2; shift ;;
	--smoke) SMOKE=1 SECONDS_RUN=2 WARMUP=1 RULES="0 10 1000" BP_RULES=10 REPS=1 ;;
	--no-build) BUILD=0 ;;
	*) sed -n '2,40p' "$0"; exit 2 ;;
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
. tests/lab/labctl.sh
. bench/run/bench-lib.sh
PREFIX=xwb
trap bench_cleanup EXIT
bench_lab_up
: >"$OUT/calibration.txt"
bench_calibrate start
for REP in $(seq "$REPS"); do
	bench_bare rxdrop drop
	bench_bare fwd forward
	for n in $RULES; do
		bench_rules "$n"
		for mix in forward drop; do
			bench_nft "$mix" "$n"
			bench_xskwall "$mix" "$n"
		done
	done
	busy_poll_knobs 2 200000
	BUSY_POLL=on
	bench_bare rxdrop drop
	bench_bare fwd forward
	for n in $BP_RULES; do
		bench_rules "$n"
		bench_xskwall drop "$n"
		bench_xskwall forward "$n"
	done
	BUSY_POLL=
	busy_poll_knobs 0 0
done
REP=1
reload_rules=100000
((SMOKE)) && reload_rules=1000
bench_rules "$reload_rules"
bench_reload "$reload_rules"
bench_calibrate end
bench_classify
bench_ring
bench_report
