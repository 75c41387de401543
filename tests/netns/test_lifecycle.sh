#!/usr/bin/env bash
# SIGTERM detaches (no XDP program left on either port); a second instance
# on the same ports refuses to start and leaves the first one working;
# after kill -9 nothing blocks the next start.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$(write_conf fw.conf <<'CONF'
drop icmp type echo-request
CONF
)
udp() { udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 20 "$NS_SINK"; }

fw_start "$conf"
check "$FW_OUT carries xskwall_redirect while running" xdp_on "$FW_OUT"
check "$FW_IN carries xskwall_redirect while running" xdp_on "$FW_IN"
check "UDP forwarded" [ "$(udp)" = 20 ]

rc=0
in_fw timeout 10 "$XSKWALL" -c "$conf" >"$WORK/second.log" 2>&1 || rc=$?
check "a second instance on the same ports exits non-zero" [ "$rc" != 0 ]
check "and says another xskwall is running" grep -q "another xskwall is running here" "$WORK/second.log"
check "the first instance still forwards" [ "$(udp)" = 20 ]

fw_stop
check "SIGTERM: exit status 0" [ "$FW_RC" = 0 ]
check "SIGTERM: no XDP program left on $FW_OUT" no_xdp_on "$FW_OUT"
check "SIGTERM: no XDP program left on $FW_IN" no_xdp_on "$FW_IN"
check "SIGTERM: nothing is forwarded any more" [ "$(udp)" = 0 ]

fw_start "$conf" "$WORK/killed.log"
check "restarted after SIGTERM: UDP forwarded" [ "$(udp)" = 20 ]
kill -KILL "$FW_PID"
wait "$FW_PID" 2>/dev/null || true
FW_PID=
for _ in $(seq 20); do # the links go with the process's files; allow 2 s
	no_xdp_on "$FW_OUT" && no_xdp_on "$FW_IN" && break
	sleep 0.1
done
check "kill -9: the bpf_link took the program along ($FW_OUT)" no_xdp_on "$FW_OUT"
check "kill -9: the bpf_link took the program along ($FW_IN)" no_xdp_on "$FW_IN"
fw_start "$conf" "$WORK/after-kill.log"
check "start after kill -9 succeeds and forwards" [ "$(udp)" = 20 ]
check "and still drops ICMP echo" ! ping_ok "$NS_GEN" "$SINK_IP4"
fw_stop
check "exit 0" [ "$FW_RC" = 0 ]
finish
