#!/usr/bin/env bash
# The worker's idle and loaded behaviour (fastpath/worker.c):
# - an idle firewall's worker sleeps: xskwall uses under 1% of a CPU while
#   no frame arrives;
# - under a flood it does not: the kernel meets an empty fill ring no more
#   often than it does for the bare AF_XDP receive-and-drop (which never
#   sleeps) under the same flood, on the same CPU, rings and sockets.
#   and does not go to sleep while frames keep coming. A worker that slept
#   after the first empty round (idle-spin-us 0) slept tens of thousands of
#   times a second and lost 2-40% of a flood this way (more with more
#   rules), the bare receiver 0.1-9%.
. "$(dirname "$0")/lib.sh"
GEN_BIN=$BUILD_DIR/tests/lab/xskwall-gen
BARE_BIN=$BUILD_DIR/tests/lab/xskwall-afxdp-bare
[ -x "$GEN_BIN" ] && [ -x "$BARE_BIN" ] || skip "the benchmark tools are not built"
lab_up
CPU=$(($(nproc) - 1))
FLOOD_SRC=198.18.128.0-198.18.255.255
OUT_MAC=$(ip -n "$NS_FW" link show "$FW_OUT" | awk '/link\/ether/ { print $2 }')

# flood SECONDS: UDP from the dropped prefix, as fast as one thread on CPU 0
# sends; prints the number of frames sent
flood() {
	in_gen taskset -c 0 "$GEN_BIN" --dev "$GEN_IF" --dst-mac "$OUT_MAC" --src "$FLOOD_SRC" \
		--dst "$SINK_IP4" --duration "$1" --cpus 0 --json | sed -n 's/.*"sent":\([0-9]*\).*/\1/p'
}
# cpu_ticks PID: user + system time of a process, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# socket_counter NAME: the kernel's counter (XDP_STATISTICS name) for queue
# 0's outside socket in the last reading
socket_counter() {
	jq -r --arg n "$1" '[.queues[] | select(.queue == 0) | .kernel.outside[$n]] | first // 0' \
		"$FW_STATS"
}
# sleeps PID: voluntary context switches of all its threads (a worker that
# sleeps in poll() makes one per sleep)
sleeps() { cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }'; }
# within A_NUM A_DEN B_NUM B_DEN: A's share is at most twice B's, or B's + 2 points
within() {
	awk -v an="$1" -v ad="$2" -v bn="$3" -v bd="$4" 'BEGIN {
		a = ad ? an / ad : 1; b = bd ? bn / bd : 1
		printf "# fill ring empty: xskwall %.2f%% of the frames sent, bare receiver %.2f%%\n", 100 * a, 100 * b
		exit !(a <= 2 * b || a <= b + 0.02) }'
}

conf=$(write_conf flood.conf <<CONF
cpus $CPU
drop src 198.18.128.0/17
CONF
)
fw_start "$conf"
sleep 1
t0=$(cpu_ticks "$FW_PID")
sleep 3
t1=$(cpu_ticks "$FW_PID")
hz=$(getconf CLK_TCK)
echo "# idle: xskwall used $((t1 - t0)) ticks of $((3 * hz)) in 3 s"
check "an idle worker sleeps: under 1% of a CPU (measured $((t1 - t0)) ticks, limit $((3 * hz / 100)))" \
	[ $((100 * (t1 - t0))) -lt $((3 * hz)) ]

s0=$(sleeps "$FW_PID")
sent_x=$(flood 3)
s1=$(sleeps "$FW_PID")
fw_stats
empty_x=$(socket_counter rx_fill_ring_empty_descs)
fw_stop
check "xskwall exited cleanly after the flood" [ "$FW_RC" = 0 ]
check "a worker under a flood does not sleep: $((s1 - s0)) sleeps in 3 s (limit 300)" [ $((s1 - s0)) -lt 300 ]

ip netns exec "$NS_FW" "$BARE_BIN" --mode rxdrop --outside "$FW_OUT" --inside "$FW_IN" --cpu "$CPU" \
	--seconds 8 >"$WORK/bare.jsonl" &
bare_pid=$!
for _ in $(seq 50); do grep -q '"t":' "$WORK/bare.jsonl" && break; sleep 0.1; done
sent_b=$(flood 3)
kill -TERM "$bare_pid"
wait "$bare_pid" || true
empty_b=$(grep '"t":0' "$WORK/bare.jsonl" | sed -n 's/.*"k_fill_empty":\([0-9]*\).*/\1/p')
echo "# xskwall: $empty_x of $sent_x frames met an empty fill ring; bare: ${empty_b:-?} of $sent_b"
check "the flood was sent (xskwall $sent_x, bare $sent_b frames)" [ "${sent_x:-0}" -gt 100000 -a "${sent_b:-0}" -gt 100000 ]
check "under a flood, fill-ring starvation no worse than the bare receiver's (2x or +2 points)" \
	within "$empty_x" "$sent_x" "${empty_b:-0}" "$sent_b"
finish
