#!/usr/bin/env bash
# tests/install-deps.sh [--bench] - the Debian 12 packages xskwall needs to
# build, test and run its lab (--bench: also nftables and gnuplot for the
# benchmark's baseline, its counter reader and plots). Idempotent; needs root.
set -euo pipefail
packages=(
	build-essential cmake pkg-config clang llvm libclang-rt-14-dev
	libbpf-dev libxdp-dev liburcu-dev libnuma-dev libcap-ng-dev libmnl-dev libsystemd-dev
	libjansson-dev libmicrohttpd-dev libpcap-dev scdoc systemd
	libcmocka-dev
	bpftool linux-libc-dev
	iproute2 ethtool iputils-ping procps util-linux gawk jq curl time strace
)
[ "${1:-}" = --bench ] && packages+=(nftables libnftnl-dev gnuplot-nox)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "dependencies: all ${#packages[@]} packages installed"
