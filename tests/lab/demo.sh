#!/usr/bin/env bash
# tests/lab/demo.sh - set everything up and show xskwall doing its job.
#
# Installs the Debian packages, builds, brings up the namespace lab
# (gen -> fw -> sink), runs xskwall in fw with the default configuration
# below, sends ping, UDP and TCP over IPv4 and IPv6 from both ends, shows
# what reached the other side and what was dropped, prints xskwall's
# counters, and removes the lab. Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built: build/control/xskwall"

. tests/lab/labctl.sh
WORK=$(mktemp -d /tmp/xskwall-demo.XXXXXX)
PREFIX=xw-demo
cleanup() {
	[ -n "$FW_PID" ] && kill -TERM "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null
	"$LAB" down -p "$PREFIX"
	rm -rf "$WORK"
}
trap cleanup EXIT
"$LAB" up -p "$PREFIX" -q 1
lab_attach "$PREFIX"

conf=$(write_conf xskwall.conf <<'CONF'
# The demo's default configuration (ports are filled in above).
policy pass
on-miss drop
drop icmp type echo-request          # no pings through, either way
drop icmp6 type echo-request
drop src 198.18.200.0/24             # a blocked source prefix
CONF
)
echo; echo "== configuration ($conf)"; cat "$conf"
fw_start "$conf"
echo; echo "== xskwall is running in namespace $NS_FW"; grep -E 'bound|attached|running' "$FW_LOG"

row() { printf '%-48s %-10s %s\n' "$1" "$2" "$3"; }
ping_row() { if ping_ok "$@"; then echo "replied"; else echo "no reply"; fi; }
tcp_row() { if tcp_ok "$@"; then echo "connected"; else echo "no connection"; fi; }
echo; echo "== traffic through the firewall"
row "what" "expected" "what happened"
row "ping gen -> sink ($GEN_IP4 -> $SINK_IP4)" "dropped" "$(ping_row "$NS_GEN" "$SINK_IP4")"
row "ping6 sink -> gen ($SINK_IP6 -> $GEN_IP6)" "dropped" "$(ping_row "$NS_SINK" "$GEN_IP6")"
row "100 UDP gen -> sink from $GEN_IP4" "forwarded" "$(udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 100 "$NS_SINK") of 100 arrived"
row "100 UDP sink -> gen" "forwarded" "$(udp_count "$NS_SINK" "$SINK_IP4" "$GEN_IP4" 100 "$NS_GEN") of 100 arrived"
row "100 UDP6 gen -> sink" "forwarded" "$(udp_count "$NS_GEN" "$GEN_IP6" "$SINK_IP6" 100 "$NS_SINK") of 100 arrived"
row "100 UDP gen -> sink from $GEN_IP4_B" "dropped" "$(udp_count "$NS_GEN" "$GEN_IP4_B" "$SINK_IP4" 100 "$NS_SINK") of 100 arrived"
row "TCP gen -> sink" "forwarded" "$(tcp_row "$NS_GEN" "$GEN_IP4" "$SINK_IP4" "$NS_SINK")"
row "TCP6 sink -> gen" "forwarded" "$(tcp_row "$NS_SINK" "$SINK_IP6" "$GEN_IP6" "$NS_GEN")"
row "TCP gen -> sink from $GEN_IP4_B" "dropped" "$(tcp_row "$NS_GEN" "$GEN_IP4_B" "$SINK_IP4" "$NS_SINK")"

echo; echo "== xskwallctl stats (the counters)"
ctl stats
echo; echo "== xskwallctl rules (what each rule caught)"
ctl rules
echo; echo "== xskwallctl trace 'src $GEN_IP4_B dst $SINK_IP4 proto udp in outside'"
ctl trace "src $GEN_IP4_B dst $SINK_IP4 proto udp in outside"
fw_stop
echo; echo "== stopped (SIGTERM, exit status $FW_RC)"
grep -E 'UMEM frames' "$FW_LOG"
for ifc in "$FW_OUT" "$FW_IN"; do
	if xdp_on "$ifc"; then echo "$ifc: XDP program still attached!"; else echo "$ifc: no XDP program left"; fi
done
