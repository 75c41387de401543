#!/usr/bin/env bash
# bench/run/idle-cost.sh - what a worker's idle spin costs on a quiet link: the
# CPU time xskwall uses (from /proc) over SECONDS at 0, 1 000, 10 000 and
# 100 000 frames/s (xskwall-gen --rate, which sends in bursts), with
# idle-spin-us 200 (the default) and 0 (sleep at the first empty round).
#
#   bench/run/idle-cost.sh [-s SECONDS]      (root; after a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=5
while getopts "s:" o; do
	case $o in
	s) SECONDS_RUN=$OPTARG ;;
	*) sed -n '2,8p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "idle-cost: needs root" >&2; exit 77; }
WORK=$(mktemp -d /tmp/xskwall-bench.XXXXXX)
. tests/lab/labctl.sh
PREFIX=xwi
cleanup() {
	[ -n "$FW_PID" ] && kill -TERM "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null
	"$LAB" down -p "$PREFIX" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
"$LAB" up -p "$PREFIX" >/dev/null
lab_attach "$PREFIX"
out_mac=$(ip -n "$NS_FW" link show "$FW_OUT" | awk '/link\/ether/ { print $2 }')
hz=$(getconf CLK_TCK)
cpu=$(($(nproc) - 1))
ticks() { awk '{ print $14 + $15 }' "/proc/$FW_PID/stat"; }
for spin in 200 0; do
	conf=$(printf 'cpus %s\nidle-spin-us %s\n' "$cpu" "$spin" | write_conf "spin$spin.conf")
	fw_start "$conf"
	for rate in 0 1000 10000 100000; do
		t0=$(ticks)
		if [ "$rate" = 0 ]; then
			sleep "$SECONDS_RUN"
		else
			in_gen "$BUILD_DIR/tests/lab/xskwall-gen" --dev "$GEN_IF" --dst-mac "$out_mac" \
				--src "$GEN_IP4" --dst "$SINK_IP4" --rate "$rate" --duration "$SECONDS_RUN" \
				--cpus 0 >/dev/null
		fi
		t1=$(ticks)
		awk -v s="$spin" -v r="$rate" -v t=$((t1 - t0)) -v hz="$hz" -v sec="$SECONDS_RUN" \
			'BEGIN { printf "idle-spin-us %-4s %7d frames/s: xskwall used %.1f%% of a CPU\n", s, r, 100 * t / (sec * hz) }'
	done
	fw_stop
done
