#!/usr/bin/env bash
# ICMP echo dropped while UDP and TCP are forwarded in both directions, over
# IPv4 and IPv6; an IPv6 rule; a source-prefix rule drops exactly that
# prefix; an earlier pass rule overrides a later drop.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$(write_conf fw.conf <<'CONF'
pass src 198.18.200.1 proto udp        # exception, listed before the drop below
drop icmp type echo-request
drop icmp6 type echo-request
drop src 198.18.200.0/24
drop dst 2001:db8::2 proto udp
CONF
)
fw_start "$conf"

check "ping gen->sink is dropped" ! ping_ok "$NS_GEN" "$SINK_IP4"
check "ping sink->gen is dropped" ! ping_ok "$NS_SINK" "$GEN_IP4"
check "ping6 gen->sink is dropped" ! ping_ok "$NS_GEN" "$SINK_IP6"
check "UDP gen->sink: 50 of 50 arrive" [ "$(udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 50 "$NS_SINK")" = 50 ]
check "UDP sink->gen: 50 of 50 arrive" [ "$(udp_count "$NS_SINK" "$SINK_IP4" "$GEN_IP4" 50 "$NS_GEN")" = 50 ]
check "TCP gen->sink carries data" tcp_ok "$NS_GEN" "$GEN_IP4" "$SINK_IP4" "$NS_SINK"
check "TCP sink->gen carries data" tcp_ok "$NS_SINK" "$SINK_IP4" "$GEN_IP4" "$NS_GEN"
check "UDP6 sink->gen: 50 of 50 arrive" [ "$(udp_count "$NS_SINK" "$SINK_IP6" "$GEN_IP6" 50 "$NS_GEN")" = 50 ]
check "TCP6 gen->sink carries data" tcp_ok "$NS_GEN" "$GEN_IP6" "$SINK_IP6" "$NS_SINK"
check "TCP6 sink->gen carries data" tcp_ok "$NS_SINK" "$SINK_IP6" "$GEN_IP6" "$NS_GEN"
check "IPv6 rule: UDP6 gen->sink (dst 2001:db8::2 proto udp) is dropped" \
	[ "$(udp_count "$NS_GEN" "$GEN_IP6" "$SINK_IP6" 20 "$NS_SINK")" = 0 ]
check "src 198.18.200.0/24: TCP from 198.18.200.1 is dropped" \
	! tcp_ok "$NS_GEN" "$GEN_IP4_B" "$SINK_IP4" "$NS_SINK"
check "src 198.18.200.0/24: UDP from 198.18.0.1 (outside the prefix) arrives" \
	[ "$(udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4_B" 20 "$NS_SINK")" = 20 ]
check "earlier pass overrides later drop: UDP from 198.18.200.1 arrives" \
	[ "$(udp_count "$NS_GEN" "$GEN_IP4_B" "$SINK_IP4" 20 "$NS_SINK")" = 20 ]
fw_stats
check "rule drops were counted" [ "$(counter all 'outside>inside' drop_rule)" -gt 0 ]
check "nothing was malformed" [ "$(counter all 'outside>inside' malformed)" = 0 ]
fw_stop
check "xskwall exited 0 on SIGTERM" [ "$FW_RC" = 0 ]
check "every UMEM frame accounted for" grep -q ' 0 unaccounted' "$FW_LOG"
finish
