#!/usr/bin/env bash
# Start-up errors say what is wrong: every missing interface is named as
# missing; a CPU in `cpus` that this machine lacks is named with the CPUs
# it has; the RLIMIT_MEMLOCK line appears only where it matters (the limit
# cannot be raised and CAP_IPC_LOCK is missing), never at a plain start
# as root.
. "$(dirname "$0")/lib.sh"
lab_up 1
# run_fw CONF [PREFIX...]: xskwall in fw until it exits (5 s at most);
# sets RC and LOG
run_fw() {
	local conf=$1
	shift
	LOG=$WORK/run.$RANDOM.log
	RC=0
	in_fw timeout 5 "$@" "$XSKWALL" -c "$conf" >"$LOG" 2>&1 || RC=$?
}

printf 'port outside nosuch0\nport inside nosuch1\n' >"$WORK/missing.conf"
run_fw "$WORK/missing.conf"
check "missing interfaces: exit 1 (measured $RC)" [ "$RC" = 1 ]
check "the outside one is named as missing" grep -q "port outside: interface nosuch0 does not exist" "$LOG"
check "and so is the inside one" grep -q "port inside: interface nosuch1 does not exist" "$LOG"
check "no sysfs jargon" ! grep -q "cannot read its queues" "$LOG"

printf 'port outside %s\nport inside nosuch1\n' "$FW_OUT" >"$WORK/one.conf"
run_fw "$WORK/one.conf"
check "one missing: only it is named" [ "$(grep -c 'does not exist' "$LOG")" = 1 ]

ncpu=$(nproc --all)
have=$(in_fw sh -c 'grep Cpus_allowed_list /proc/self/status' | awk '{ print $2 }')
run_fw "$(write_conf cpus.conf <<<"cpus 0,$((ncpu + 5))")"
check "cpus $((ncpu + 5)): exit 1 (measured $RC)" [ "$RC" = 1 ]
check "the CPU and the CPUs that exist are named ($have)" \
	grep -q "cpus: CPU $((ncpu + 5)) does not exist or is not available here (the CPUs are $have)" "$LOG"
check "no bare 'Invalid argument'" ! grep -q "start failed: Invalid argument" "$LOG"
attached() { in_fw ip link show "$FW_OUT" | grep -q xdp; }
check "nothing was attached" ! attached

conf=$(write_conf plain.conf <<<'queues all')
fw_start "$conf" "$WORK/plain.log"
fw_stop
check "a plain start as root says nothing of RLIMIT_MEMLOCK" ! grep -q RLIMIT_MEMLOCK "$WORK/plain.log"

# Without CAP_IPC_LOCK (dropped from the bounding set: root's exec keeps
# only what the set has) the UMEM is charged to RLIMIT_MEMLOCK.
if ! command -v setpriv >/dev/null; then
	echo "# setpriv is not installed: the CAP_IPC_LOCK part is skipped"
elif (ulimit -l unlimited) 2>/dev/null; then
	run_fw "$conf" setpriv --bounding-set=-ipc_lock
	check "without CAP_IPC_LOCK but able to raise the limit: no memlock line" ! grep -q RLIMIT_MEMLOCK "$LOG"
else
	run_fw "$conf" setpriv --bounding-set=-ipc_lock
	check "without CAP_IPC_LOCK and a fixed limit: the memlock line explains it" \
		grep -q "RLIMIT_MEMLOCK is [0-9]* KiB and cannot be raised (Operation not permitted), and CAP_IPC_LOCK is missing" "$LOG"
	check "and the bind that fails is named (exit $RC)" grep -q "cannot bind AF_XDP sockets" "$LOG"
fi
finish
