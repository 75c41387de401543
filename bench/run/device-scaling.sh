#!/usr/bin/env bash
# bench/run/device-scaling.sh OUTDIR - what runs on a lent many-core machine
# with nothing installed: report the platform, check the bundle's binaries
# load, then bench/run/scaling.sh. Prepare with: build, then bench/run/bundle.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?OUTDIR}
shift
mkdir -p "$out"
export LD_LIBRARY_PATH=$PWD/.bundle/lib
{
	echo "== platform"; uname -a; nproc; grep -m1 'model name' /proc/cpuinfo
	for t in ip ethtool awk sed seq sh; do printf '%s: %s\n' "$t" "$(command -v $t || echo missing)"; done
	echo "== bundle"; ldd .bundle/build/control/xskwall | grep -E 'not found|=>' || true
	.bundle/build/control/xskwall --version
} 2>&1 | tee "$out/platform.txt"
bash bench/run/scaling.sh -o "$out/scaling" "$@" 2>&1 | tee "$out/scaling.log"
