#!/usr/bin/env bash
# tests/lab/lab.sh - the namespace lab:  gen --veth--> fw (outside|inside) --veth--> sink
#
#   tests/lab/lab.sh up   [-q QUEUES] [-p PREFIX]   build it (removing an old one first)
#   tests/lab/lab.sh down [-p PREFIX]               remove it
#   tests/lab/lab.sh env  [-p PREFIX]               print the names, as shell variables
#
# fw is a bump in the wire: its two ports carry no address, and gen and sink
# share one subnet, so frames cross xskwall unmodified. Addresses come from
# 198.18.0.0/15 and 2001:db8::/32 only; neighbours are static so that no
# ARP/ND chatter moves counters; L4 checksum and VLAN offloads are off on the
# endpoints so frames are complete on the wire.
set -euo pipefail
. "$(dirname "$0")/ns.sh"

PREFIX=${LAB_PREFIX:-xw}
QUEUES=1
cmd=${1:-}
shift || true
while getopts "q:p:" o; do
	case $o in
	q) QUEUES=$OPTARG ;;
	p) PREFIX=$OPTARG ;;
	*) echo "usage: $0 up|down|env [-q QUEUES] [-p PREFIX]" >&2; exit 2 ;;
	esac
done

NS_GEN=$PREFIX-gen NS_FW=$PREFIX-fw NS_SINK=$PREFIX-sink
GEN_IF=gen0 SINK_IF=sink0 FW_OUT=out0 FW_IN=in0
GEN_MAC=02:58:57:00:00:01 SINK_MAC=02:58:57:00:00:02
GEN_IP4=198.18.0.1 SINK_IP4=198.18.0.2
GEN_IP4_B=198.18.200.1 SINK_IP4_B=198.18.200.2   # a second source prefix
GEN_IP6=2001:db8::1 SINK_IP6=2001:db8::2

lab_env() {
	cat <<VARS
NS_GEN=$NS_GEN NS_FW=$NS_FW NS_SINK=$NS_SINK
GEN_IF=$GEN_IF SINK_IF=$SINK_IF FW_OUT=$FW_OUT FW_IN=$FW_IN
GEN_MAC=$GEN_MAC SINK_MAC=$SINK_MAC
GEN_IP4=$GEN_IP4 SINK_IP4=$SINK_IP4 GEN_IP4_B=$GEN_IP4_B SINK_IP4_B=$SINK_IP4_B
GEN_IP6=$GEN_IP6 SINK_IP6=$SINK_IP6
VARS
}


lab_down() {
	for ns in "$NS_GEN" "$NS_FW" "$NS_SINK"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

# endpoint NS IF MAC IP4 IP4_B IP6
lab_endpoint() {
	local ns=$1 ifc=$2
	ip -n "$ns" link set "$ifc" address "$3" addrgenmode none
	ip netns exec "$ns" ethtool -K "$ifc" tx off txvlan off tx-vlan-stag-hw-insert off \
		rxvlan off rx-vlan-stag-hw-parse off >/dev/null 2>&1 || true
	ns_sysctl "$ns" net/ipv6/conf/all/accept_dad=0 net/ipv6/conf/default/accept_dad=0 \
		"net/ipv6/conf/$ifc/router_solicitations=0"
	ip -n "$ns" addr add "$4/24" dev "$ifc"
	ip -n "$ns" addr add "$5/24" dev "$ifc"
	ip -n "$ns" -6 addr add "$6/64" dev "$ifc" nodad
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "$ifc" up
}

lab_neighbours() {
	ip -n "$NS_GEN" neigh replace "$SINK_IP4" lladdr "$SINK_MAC" dev "$GEN_IF" nud permanent
	ip -n "$NS_GEN" neigh replace "$SINK_IP4_B" lladdr "$SINK_MAC" dev "$GEN_IF" nud permanent
	ip -n "$NS_GEN" neigh replace "$SINK_IP6" lladdr "$SINK_MAC" dev "$GEN_IF" nud permanent
	ip -n "$NS_SINK" neigh replace "$GEN_IP4" lladdr "$GEN_MAC" dev "$SINK_IF" nud permanent
	ip -n "$NS_SINK" neigh replace "$GEN_IP4_B" lladdr "$GEN_MAC" dev "$SINK_IF" nud permanent
	ip -n "$NS_SINK" neigh replace "$GEN_IP6" lladdr "$GEN_MAC" dev "$SINK_IF" nud permanent
}

lab_fw_port() {
	ns_sysctl "$NS_FW" "net/ipv6/conf/$1/disable_ipv6=1"
	ip netns exec "$NS_FW" ethtool -K "$1" txvlan off tx-vlan-stag-hw-insert off \
		rxvlan off rx-vlan-stag-hw-parse off >/dev/null 2>&1 || true
	ip -n "$NS_FW" link set "$1" up
}

lab_up() {
	local q="numrxqueues $QUEUES numtxqueues $QUEUES"
	lab_down
	for ns in "$NS_GEN" "$NS_FW" "$NS_SINK"; do
		ip netns add "$ns"
	done
	# shellcheck disable=SC2086
	ip link add "$GEN_IF" netns "$NS_GEN" $q type veth peer name "$FW_OUT" netns "$NS_FW" $q
	# shellcheck disable=SC2086
	ip link add "$SINK_IF" netns "$NS_SINK" $q type veth peer name "$FW_IN" netns "$NS_FW" $q
	ip -n "$NS_FW" link set lo up
	lab_fw_port "$FW_OUT"
	lab_fw_port "$FW_IN"
	lab_endpoint "$NS_GEN" "$GEN_IF" "$GEN_MAC" "$GEN_IP4" "$GEN_IP4_B" "$GEN_IP6"
	lab_endpoint "$NS_SINK" "$SINK_IF" "$SINK_MAC" "$SINK_IP4" "$SINK_IP4_B" "$SINK_IP6"
	lab_neighbours
}

case $cmd in
up) lab_up ;;
down) lab_down ;;
env) lab_env ;;
*) echo "usage: $0 up|down|env [-q QUEUES] [-p PREFIX]" >&2; exit 2 ;;
esac
