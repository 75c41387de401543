#!/usr/bin/env bash
# bench/run/touch-ab.sh - what reading packets costs on the drop path: the bare
# AF_XDP receive-and-drop as it is, the same reading the first byte of every
# frame and nothing else (xskwall-afxdp-bare --touch), and xskwall
# dropping everything with 10 rules, interleaved REPS times on the
# benchmark's lab (same generator, CPUs and rings as bench/run/bench.sh).
#
#   bench/run/touch-ab.sh [-n REPS] [-s SECONDS] [-o DIR]    (root; after a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=3 SECONDS_RUN=4 WARMUP=2 SMOKE=0 OUT=
while getopts "n:s:o:" o; do
	case $o in
	n) REPS=$OPTARG ;;
	s) SECONDS_RUN=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '2,9p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "touch-ab: needs root" >&2; exit 77; }
OUT=${OUT:-bench/results/touch-ab-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
: >"$OUT/results.jsonl"
WORK=$(mktemp -d /tmp/xskwall-bench.XXXXXX)
. tests/lab/labctl.sh
. bench/run/bench-lib.sh
PREFIX=xwa
trap bench_cleanup EXIT
bench_lab_up
bench_rules 10
for REP in $(seq "$REPS"); do
	bench_bare rxdrop drop
	BARE_TOUCH=1 bench_bare rxdrop drop
	bench_xskwall drop 10
done
awk '{ s = $0; sub(/.*"scenario":"/, "", s); sub(/".*/, "", s)
	o = $0; sub(/.*"offered_mpps":/, "", o); sub(/,.*/, "", o)
	d = $0; sub(/.*"drop_mpps_median":/, "", d); sub(/,.*/, "", d)
	r = $0; sub(/.*"rep":"/, "", r); sub(/".*/, "", r)
	printf "rep %s  %-26s offered %6.2f  dropped %6.2f Mpps\n", r, s, o, d }' "$OUT/results.jsonl"
