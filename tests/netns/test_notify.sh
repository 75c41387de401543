#!/usr/bin/env bash
# The systemd notify protocol from a running xskwall, to a test-owned
# NOTIFY_SOCKET (PID 1 here is not systemd): READY=1 once it forwards,
# RELOADING=1 with MONOTONIC_USEC then READY=1 around a reload, WATCHDOG=1
# at half of WATCHDOG_USEC while it runs, STOPPING=1 when it stops.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$(write_conf fw.conf <<<'drop src 198.18.9.0/24')
sock=$WORK/notify
in_fw "$PROBE" notify-recv "$sock" 6 >"$WORK/notify.log" &
probe_wait_listening "$WORK/notify.log" $!
NOTIFY_SOCKET=$sock WATCHDOG_USEC=400000 fw_start "$conf"
sleep 1
kill -HUP "$FW_PID"
for _ in $(seq 50); do grep -q "generation 1" "$WORK/notify.log" && break; sleep 0.1; done
sleep 1
fw_stop
wait
msgs=$(cut -d' ' -f2- "$WORK/notify.log" | grep -v '^$' | grep -v '^listening' || true)
kinds=$(echo "$msgs" | grep -v '^WATCHDOG=1' | cut -d= -f1 | tr '\n' ' ')
check "messages in order: READY, RELOADING, READY, STOPPING (measured: $kinds)" \
	[ "$kinds" = "READY RELOADING READY STOPPING " ]
check "READY says what runs" grep -q "READY=1 STATUS=forwarding $FW_OUT <-> $FW_IN, 1 queues, 1 rules (generation 0)" "$WORK/notify.log"
check "RELOADING carries MONOTONIC_USEC" grep -Eq "RELOADING=1 MONOTONIC_USEC=[0-9]+$" "$WORK/notify.log"
check "READY again after the reload (generation 1)" grep -q "READY=1 STATUS=.*(generation 1)" "$WORK/notify.log"
pings=$(grep -c "WATCHDOG=1" "$WORK/notify.log" || true)
check "watchdog pings at half of WATCHDOG_USEC=400000 over ~2 s (measured $pings, at least 5)" [ "$pings" -ge 5 ]
check "xskwall exited 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
finish
