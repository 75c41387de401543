#!/usr/bin/env bash
# The ports' links change under a running xskwall (rtnetlink notifies it):
# - channels grow from 2 to 4 (`ethtool -L`): with `queues all` queues 2
#   and 3 get sockets and workers within a second and forward; with
#   `queues 0-1` the log names the queues that meet on-miss, and the
#   port's on_miss counter counts their frames;
# - a link set down, its peer down, then up again: each logged by name;
# - MTUs: a smaller egress MTU, and (generic XDP) an MTU above the UMEM
#   frame, are warned about at start and on change, naming the port and
#   the largest frame xskwall forwards;
# - the inside interface deleted: logged, and xskwall exits 1 within a
#   second with every frame accounted for.
. "$(dirname "$0")/lib.sh"
command -v ethtool >/dev/null || skip "ethtool is not installed"
lab_up 4
ns_sysctl "$NS_GEN" net/ipv6/conf/all/disable_ipv6=1 net/ipv6/conf/default/disable_ipv6=1 \
	"net/ipv6/conf/$GEN_IF/disable_ipv6=1"
udp=$(udp4_frame "" "$GEN_IP4" "$SINK_IP4")

# wait_log PATTERN: seconds (x10) until PATTERN is in the log, at most 3 s
wait_log() {
	for t in $(seq 0 30); do
		grep -q -- "$1" "$FW_LOG" && { echo "$t"; return; }
		sleep 0.1
	done
	echo never
}
within_1s() { [ "$1" != never ] && [ "$1" -le 10 ]; }

# --- channels grow, queues all -------------------------------------------
lab_channels 2
fw_start "$(write_conf all.conf <<<'queues all')"
check "started with 2 queues" grep -q ", 2 queues," "$FW_LOG"
counters_baseline
lab_channels 4
t=$(wait_log "queue 3: added while running")
check "queues 2 and 3 added within a second (measured ${t} x 0.1 s)" within_1s "$t"
check "the new queue count is logged" grep -q "$FW_OUT (outside): 4 rx and 4 tx queues, 2 and 2 before" "$FW_LOG"
lab_send_on_queue 3 20 "$udp"
lab_send_on_queue 0 10 "$udp"
fw_stats_until 3 'outside>inside' rx 20
q3=$(counter 3 'outside>inside' rx) f3=$(counter 3 'outside>inside' fwd) q0=$(counter 0 'outside>inside' rx)
check "queue 3 received its 20 frames (measured $q3)" [ "$q3" = 20 ]
check "queue 3 forwarded them (measured $f3)" [ "$f3" = 20 ]
check "queue 0 still received its 10 (measured $q0)" [ "$q0" = 10 ]
check "nothing met on-miss (measured $(on_miss outside))" [ "$(on_miss outside)" = 0 ]
fw_stop
check "exit 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
check "every frame of the 4 queues accounted for" [ "$(grep -c 'UMEM frames .* 0 unaccounted' "$FW_LOG")" = 4 ]

# --- channels grow, explicit list ------------------------------------------
lab_channels 2
fw_start "$(write_conf list.conf <<<'queues 0-1')"
lab_channels 4
t=$(wait_log "$FW_OUT (outside): rx queues 2,3 have no socket (not in \`queues\`)")
check "queues 2 and 3 logged as meeting on-miss within a second (measured ${t} x 0.1 s)" within_1s "$t"
lab_send_on_queue 3 20 "$udp"
fw_stats
check "on_miss of outside counts their 20 frames (measured $(on_miss outside))" [ "$(on_miss outside)" = 20 ]
check "no worker was added" ! grep -q "queue [0-9]*: added while running" "$FW_LOG"
fw_stop

# --- link down and up, and MTUs ---------------------------------------------
in_fw ip link set "$FW_IN" mtu 1400
fw_start "$(write_conf links.conf <<<'queues all')"
check "start: the smaller egress MTU is named" \
	grep -q "port outside ($FW_OUT): MTU 1500 admits frames of 1514 bytes, but xskwall forwards at most 1414 bytes to inside ($FW_IN)" "$FW_LOG"
in_fw ip link set "$FW_IN" mtu 1500
t=$(wait_log "port inside ($FW_IN): MTU 1500, 1400 before")
check "the MTU change is logged (measured ${t} x 0.1 s)" within_1s "$t"
in_fw ip link set "$FW_OUT" mtu 1300
t=$(wait_log "port inside ($FW_IN): MTU 1500 admits frames of 1514 bytes, but xskwall forwards at most 1314 bytes to outside")
check "a new MTU that is too small for the other port is warned about (measured ${t} x 0.1 s)" within_1s "$t"
in_fw ip link set "$FW_OUT" mtu 1500
in_fw ip link set "$FW_IN" down
t=$(wait_log "port inside ($FW_IN): link down (set down)")
check "link set down: logged (measured ${t} x 0.1 s)" within_1s "$t"
in_fw ip link set "$FW_IN" up
t=$(wait_log "port inside ($FW_IN): link up")
check "link up: logged (measured ${t} x 0.1 s)" within_1s "$t"
in_sink ip link set "$SINK_IF" down
t=$(wait_log "port inside ($FW_IN): link down (no carrier)")
check "peer down: logged as no carrier (measured ${t} x 0.1 s)" within_1s "$t"
in_sink ip link set "$SINK_IF" up
check "xskwall keeps running" kill -0 "$FW_PID"
fw_stop
check "exit 0 after link changes (measured $FW_RC)" [ "$FW_RC" = 0 ]

# --- an MTU above the UMEM frame (generic XDP: native veth caps the MTU) -----
for i in "$FW_OUT" "$FW_IN"; do in_fw ip link set "$i" mtu 9000; done
in_gen ip link set "$GEN_IF" mtu 9000
in_sink ip link set "$SINK_IF" mtu 9000
fw_start "$(write_conf jumbo.conf <<<'xdp-mode generic')"
check "start: MTU 9000 is warned about with the UMEM's limit" \
	grep -q "port outside ($FW_OUT): MTU 9000 admits frames of 9014 bytes, but xskwall forwards at most 3840 bytes to inside ($FW_IN): larger frames are dropped (the UMEM frame" "$FW_LOG"
fw_stop
for i in "$FW_OUT" "$FW_IN"; do in_fw ip link set "$i" mtu 1500; done

# --- the inside interface deleted -------------------------------------------
fw_start "$(write_conf del.conf <<<'queues all')"
lab_send_on_queue 0 10 "$udp"
start=$(date +%s%N)
in_fw ip link del "$FW_IN"
wait "$FW_PID" && FW_RC=0 || FW_RC=$?
ms=$((($(date +%s%N) - start) / 1000000))
FW_PID=
check "deleted: exit status 1 (measured $FW_RC)" [ "$FW_RC" = 1 ]
check "deleted: exited within a second (measured $ms ms)" [ "$ms" -le 1000 ]
check "deleted: logged by name" grep -q "port inside: interface $FW_IN was deleted" "$FW_LOG"
check "deleted: the exit table was printed" grep -q '^port  *interface  *on_miss' "$FW_LOG"
check "deleted: every frame accounted for" [ "$(grep -c 'UMEM frames .* 0 unaccounted' "$FW_LOG")" = 4 ]
grep 'UMEM frames' "$FW_LOG"
finish
