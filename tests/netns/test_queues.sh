#!/usr/bin/env bash
# Two queues: a socket pair and a worker each, traffic on both forwarded
# and counted per queue. With `queues 0`, frames on queue 1 meet on-miss:
# `drop` stops them in XDP, `pass` hands them to fw's kernel stack; either
# way the port's on_miss counter counts them.
# Frames are steered to a queue with XPS (tx-q <- CPU q) plus taskset.
. "$(dirname "$0")/lib.sh"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs to steer traffic to 2 queues"
lab_up 2
# Only the frames this test sends may be counted: the generator's own IPv6
# (MLD reports for its addresses, sent on queue 0 up to seconds after the
# lab is up) is turned off; the test sends IPv4 only.
ns_sysctl "$NS_GEN" net/ipv6/conf/all/disable_ipv6=1 net/ipv6/conf/default/disable_ipv6=1 \
	"net/ipv6/conf/$GEN_IF/disable_ipv6=1"
in_gen sh -c "echo 1 > /sys/class/net/$GEN_IF/queues/tx-0/xps_cpus; echo 2 > /sys/class/net/$GEN_IF/queues/tx-1/xps_cpus"
udp=$(udp4_frame "" "$GEN_IP4" "$SINK_IP4")

# send_on CPU COUNT: from gen's tx queue CPU into fw's rx queue CPU
send_on() { in_gen taskset -c "$1" "$PROBE" raw-send "$GEN_IF" "$2" "$udp" >/dev/null; }
# seen_by NS IF [QUEUE]: frames of ours a packet socket on NS/IF sees in
# 2 s while 20 frames go out on QUEUE (default 1)
seen_by() {
	local out=$WORK/seen.$RANDOM
	ip netns exec "$1" "$PROBE" raw-count "$2" 2 "$MAGIC" >"$out" &
	local rpid=$!
	probe_wait_listening "$out" "$rpid"
	send_on "${3:-1}" 20
	wait "$rpid"
	probe_received "$out"
}

conf=$(write_conf all.conf <<'CONF'
queues all
CONF
)
fw_start "$conf"
check "two queues in use" grep -q "2 queues" "$FW_LOG"
counters_baseline
send_on 0 30
send_on 1 40
fw_stats_until all 'outside>inside' rx 70
q0=$(counter 0 'outside>inside' rx) q1=$(counter 1 'outside>inside' rx)
fwd=$(counter all 'outside>inside' fwd)
check "queue 0 received its 30 frames (measured $q0)" [ "$q0" = 30 ]
check "queue 1 received its 40 frames (measured $q1)" [ "$q1" = 40 ]
check "all 70 forwarded (measured $fwd)" [ "$fwd" = 70 ]
check "sink receives queue-1 traffic (20 of 20)" [ "$(seen_by "$NS_SINK" "$SINK_IF")" = 20 ]
fw_stop

conf=$(write_conf q0-drop.conf <<'CONF'
queues 0
on-miss drop
CONF
)
fw_start "$conf"
check "queues 0: one queue in use" grep -q "1 queues" "$FW_LOG"
check "on-miss drop: queue-1 frames do not reach the sink" [ "$(seen_by "$NS_SINK" "$SINK_IF")" = 0 ]
check "on-miss drop: nor fw's kernel stack" [ "$(seen_by "$NS_FW" "$FW_OUT")" = 0 ]
check "queue 0 still forwards (20 of 20)" [ "$(seen_by "$NS_SINK" "$SINK_IF" 0)" = 20 ]
fw_stats
misses=$(on_miss outside)
check "on_miss of outside counts the 40 frames sent to queue 1 (measured $misses)" [ "$misses" = 40 ]
check "the start-up log names queue 1 as meeting on-miss" \
	grep -q "$FW_OUT (outside): rx queues 1 have no socket (not in \`queues\`)" "$FW_LOG"
fw_stop

conf=$(write_conf q0-pass.conf <<'CONF'
queues 0
on-miss pass
CONF
)
fw_start "$conf"
check "on-miss pass: queue-1 frames reach fw's kernel stack (20 of 20)" \
	[ "$(seen_by "$NS_FW" "$FW_OUT")" = 20 ]
fw_stop
check "exit 0" [ "$FW_RC" = 0 ]
finish
