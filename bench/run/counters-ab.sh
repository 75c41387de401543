#!/usr/bin/env bash
# bench/run/counters-ab.sh - what per-rule counters cost: xskwall as built
# (per-rule packet and byte counters) against an xskwall built from a
# commit before them, forward-heavy and drop-heavy, 10 and 1 000 000 rules,
# interleaved REPS times on the benchmark's lab (same generator, CPUs,
# rings and traffic as bench/run/bench.sh; on a 2-core machine the
# generator and the firewall share the cores).
#
#   bench/run/counters-ab.sh -B BEFORE_SRC_COMMIT [-n REPS] [-s SECONDS] [-o DIR]
#
# The older build is made in a git worktree (build-before/). It has no
# control socket, so its drop counters are read from its SIGUSR1 table;
# the current one's with xskwallctl stats -j. Output: DIR/results.jsonl
# (scenarios xskwall-before and xskwall-after) and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=3 SECONDS_RUN=4 WARMUP=2 OUT= BEFORE=
while getopts "B:n:s:o:" o; do
	case $o in
	B) BEFORE=$OPTARG ;;
	n) REPS=$OPTARG ;;
	s) SECONDS_RUN=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '2,15p' "$0"; exit 2 ;;
	esac
done
[ -n "$BEFORE" ] || { sed -n '2,15p' "$0"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "counters-ab: needs root" >&2; exit 77; }
OUT=${OUT:-bench/results/counters-ab-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
: >"$OUT/results.jsonl"

SRC_BEFORE=$PWD/build-before/src
if [ ! -d "$SRC_BEFORE" ]; then
	git worktree add --detach "$SRC_BEFORE" "$BEFORE" >/dev/null
else
	git -C "$SRC_BEFORE" checkout -q --detach "$BEFORE"
fi
cmake -S "$SRC_BEFORE" -B build-before/build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-before/build -j"$(nproc)" --target xskwall >/dev/null
XSKWALL_AFTER=$PWD/build/control/xskwall
XSKWALL_BEFORE=$PWD/build-before/build/control/xskwall

WORK=$(mktemp -d /tmp/xskwall-bench.XXXXXX)
. tests/lab/labctl.sh
. bench/run/bench-lib.sh
PREFIX=xwc
trap bench_cleanup EXIT

# The older build's drop counters, from its SIGUSR1 table ("all" rows).
drops_table() {
	local before
	before=$(grep -c '^port  *interface  *on_miss' "$FW_LOG" || true)
	kill -USR1 "$FW_PID"
	for _ in $(seq 50); do
		[ "$(grep -c '^port  *interface  *on_miss' "$FW_LOG" || true)" -gt "$before" ] && break
		sleep 0.05
	done
	awk '
		$1 == "queue" && $2 == "direction" { for (i = 1; i <= NF; i++) c[$i] = i; t = 1; d = o = ko = 0; next }
		$1 == "queue" && $2 == "socket" { for (i = 1; i <= NF; i++) k[$i] = i; t = 2; next }
		t == 1 && $1 == "all" { d += $(c["drop_rule"]) + $(c["drop_policy"]); o += $(c["tx_full"]) }
		t == 2 && $1 ~ /^[0-9]+$/ { ko += $(k["k_rx_dropped"]) + $(k["k_rx_full"]) }
		END { print d, o + ko }' "$FW_LOG"
}

# run_one before|after MIX N
run_one() {
	local which=$1 mix=$2 n=$3 conf=$WORK/xskwall.conf
	echo "== xskwall-$which ($mix-heavy, $n rules)" >&2
	CTL_SOCK=$WORK/ctl.sock
	{
		printf 'port outside %s\nport inside %s\ncpus %s\n' "$FW_OUT" "$FW_IN" "$FW_CPUS"
		[ "$which" = after ] && printf 'control-socket %s\n' "$CTL_SOCK"
		cat "$WORK/rules.xw"
	} >"$conf"
	if [ "$which" = after ]; then
		XSKWALL=$XSKWALL_AFTER fw_start "$conf" "$WORK/fw.log"
		bench_measure xskwall-after "$mix" "$n" drops_xskwall
	else
		XSKWALL=$XSKWALL_BEFORE fw_start "$conf" "$WORK/fw.log"
		bench_measure xskwall-before "$mix" "$n" drops_table
	fi
	fw_stop
}

bench_lab_up
for n in 10 1000000; do
	bench_rules "$n"
	for REP in $(seq "$REPS"); do
		for mix in forward drop; do
			run_one before "$mix" "$n"
			run_one after "$mix" "$n"
		done
	done
done
awk '{ s = $0; sub(/.*"scenario":"/, "", s); sub(/".*/, "", s)
	m = $0; sub(/.*"mix":"/, "", m); sub(/".*/, "", m)
	n = $0; sub(/.*"rules":/, "", n); sub(/[,}].*/, "", n)
	f = $0; sub(/.*"fwd_mpps_median":/, "", f); sub(/,.*/, "", f)
	d = $0; sub(/.*"drop_mpps_median":/, "", d); sub(/,.*/, "", d)
	r = $0; sub(/.*"rep":"/, "", r); sub(/".*/, "", r)
	printf "rep %s  %-15s %-8s %8s rules  forwarded %6.2f  dropped %6.2f Mpps\n", r, s, m, n, f, d }' \
	"$OUT/results.jsonl"
