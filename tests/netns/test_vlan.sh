#!/usr/bin/env bash
# The same rules hold for untagged, 802.1Q-tagged, QinQ (802.1ad outer,
# 802.1Q inner) and 4-deep tag stacks: ICMP echo dropped, UDP forwarded, a
# source prefix dropped. The kernel here has no 8021q, so frames are made
# by hand (AF_PACKET) and counted at the sink's wire.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$(write_conf fw.conf <<'CONF'
drop icmp type echo-request
drop src 198.18.200.0/24
CONF
)
fw_start "$conf"

declare -A stacks=(
	[untagged]=""
	[802.1Q]="8100000a"
	[QinQ]="88a800648100001e"
	[4-tags]="88a8000188a800028100000381000004"
)
total=0
for name in untagged 802.1Q QinQ 4-tags; do
	tags=${stacks[$name]}
	check "$name: UDP from 198.18.0.1 is forwarded (20 of 20)" \
		[ "$(raw_delivered 20 "$(udp4_frame "$tags" "$GEN_IP4" "$SINK_IP4")")" = 20 ]
	check "$name: ICMP echo request is dropped (0 of 20)" \
		[ "$(raw_delivered 20 "$(icmp4_echo_frame "$tags" "$GEN_IP4" "$SINK_IP4")")" = 0 ]
	check "$name: UDP from 198.18.200.1 (dropped prefix) is dropped (0 of 20)" \
		[ "$(raw_delivered 20 "$(udp4_frame "$tags" "$GEN_IP4_B" "$SINK_IP4")")" = 0 ]
	total=$((total + 40))
done
fw_stats_until all 'outside>inside' drop_rule "$total"
check "tagged frames were parsed, not malformed" [ "$(counter all 'outside>inside' malformed)" = 0 ]
check "tagged frames were IP, not non-IP" [ "$(counter all 'outside>inside' non_ip)" = 0 ]
check "rule drops counted exactly ($total)" [ "$(counter all 'outside>inside' drop_rule)" = "$total" ]
fw_stop
check "xskwall exited 0" [ "$FW_RC" = 0 ]
finish
