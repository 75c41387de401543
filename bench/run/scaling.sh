#!/usr/bin/env bash
# bench/run/scaling.sh - xskwall's forward-heavy rate with 1, 2, 4 and 8 queues
# (one worker each), beside the generator alone with as many threads, on a
# machine with enough cores. Same lab, generator, sink and JSON as
# bench/run/bench.sh.
#
#   bench/run/scaling.sh [-q "1 2 4 8"] [-s SECONDS] [-w WARMUP] [-o DIR]
#
# It runs from prebuilt binaries: BUILD_DIR (default build/; bench/run/bundle.sh
# makes .bundle/ with the binaries, their libraries but libc, and ip(8)) and
# needs nothing installed beyond a kernel with netns, veth and XDP. Queue q:
# generator thread q on CPU q, xskwall's worker q on CPU NCPU/2 + q, so no
# two of them share a core; a count that needs more cores than there are
# is skipped, and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
QLIST="1 2 4 8" SECONDS_RUN=10 WARMUP=2 OUT=
while [ $# -gt 0 ]; do
	case $1 in
	-q) QLIST=$2; shift ;;
	-s) SECONDS_RUN=$2; shift ;;
	-w) WARMUP=$2; shift ;;
	-o) OUT=$2; shift ;;
	*) sed -n '2,16p' "$0"; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "scaling: needs root" >&2; exit 77; }
if [ -d .bundle ]; then
	export LD_LIBRARY_PATH=$PWD/.bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	BUILD_DIR=${BUILD_DIR:-$PWD/.bundle/build}
	PATH=$PATH:$PWD/.bundle/bin   # ip/ethtool of our own only where the system has none
fi
OUT=${OUT:-bench/results/scaling-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/xskwall-scaling.XXXXXX)
. tests/lab/labctl.sh
. bench/run/bench-lib.sh
trap bench_cleanup EXIT
ncpu=$(nproc)
echo "scaling: $ncpu CPUs, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)" >&2
for q in $QLIST; do
	if [ $((2 * q)) -gt "$ncpu" ]; then
		echo "{\"scenario\":\"scaling\",\"queues\":$q,\"skipped\":\"needs $((2 * q)) CPUs, $ncpu here\"}" | tee -a "$OUT/results.jsonl"
		continue
	fi
	QUEUES=$q GEN_THREADS=$q PREFIX=xws$q
	GEN_CPUS=$(seq -s, 0 $((q - 1)))
	FW_CPUS=$(seq -s, $((ncpu / 2)) $((ncpu / 2 + q - 1)))
	bench_lab_up
	bench_gen_only
	bench_rules 10
	bench_xskwall forward 10
	"$LAB" down -p "$PREFIX"
done
echo "results: $OUT/results.jsonl"
