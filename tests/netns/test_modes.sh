#!/usr/bin/env bash
# Every attach and bind mode: native and generic XDP forward the same
# traffic; copy mode binds; zero-copy, forced, either works (a driver that
# has it) or fails saying the driver lacks it, and `auto` falls back to
# copy. The mode obtained is logged per port and queue.
. "$(dirname "$0")/lib.sh"
lab_up 1
udp() { udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 20 "$NS_SINK"; }

for mode in native generic; do
	conf=$(write_conf "$mode.conf" <<CONF
xdp-mode $mode
bind-mode auto
drop icmp type echo-request
CONF
)
	fw_start "$conf" "$WORK/$mode.log"
	check "xdp-mode $mode: $FW_OUT attached in $mode mode" grep -q "$FW_OUT: xskwall_redirect attached in $mode mode" "$FW_LOG"
	check "xdp-mode $mode: $FW_IN attached in $mode mode" grep -q "$FW_IN: xskwall_redirect attached in $mode mode" "$FW_LOG"
	check "xdp-mode $mode: bind-mode auto obtained a mode and logged it" grep -qE "queue 0: .* bound in (copy|zero-copy) mode" "$FW_LOG"
	check "xdp-mode $mode: UDP forwarded (20 of 20)" [ "$(udp)" = 20 ]
	check "xdp-mode $mode: ICMP echo dropped" ! ping_ok "$NS_GEN" "$SINK_IP4"
	fw_stop
	check "xdp-mode $mode: clean exit" [ "$FW_RC" = 0 ]
done

conf=$(write_conf copy.conf <<'CONF'
bind-mode copy
CONF
)
fw_start "$conf" "$WORK/copy.log"
check "bind-mode copy: bound in copy mode" grep -q "queue 0: .* bound in copy mode" "$FW_LOG"
check "bind-mode copy: UDP forwarded (20 of 20)" [ "$(udp)" = 20 ]
fw_stop

conf=$(write_conf zc.conf <<'CONF'
bind-mode zero-copy
CONF
)
rc=0
# not through in_fw: $! must be the process that gets SIGTERM (ip execs timeout)
ip netns exec "$NS_FW" timeout 20 "$XSKWALL" -c "$conf" >"$WORK/zc.log" 2>&1 &
zpid=$!
for _ in $(seq 100); do # until it runs or gives up, 10 s at most
	grep -q "running:" "$WORK/zc.log" && break
	kill -0 "$zpid" 2>/dev/null || break
	sleep 0.1
done
if grep -q "running:" "$WORK/zc.log"; then
	check "bind-mode zero-copy: bound in zero-copy mode" grep -q "bound in zero-copy mode" "$WORK/zc.log"
	kill -TERM "$zpid"
	wait "$zpid" || rc=$?
	check "bind-mode zero-copy: stopped cleanly" [ "$rc" = 0 ]
else
	wait "$zpid" || rc=$?
	check "bind-mode zero-copy on veth: start fails" [ "$rc" != 0 ]
	check "and the error says the driver has no zero-copy" grep -q "the driver has no zero-copy support" "$WORK/zc.log"
	echo "# note: veth has no zero-copy; the positive zero-copy path needs a NIC driver with AF_XDP zero-copy"
fi
check "no XDP program left behind after the refused start" no_xdp_on "$FW_OUT"
finish
