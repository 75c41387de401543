#!/usr/bin/env bash
# Least privilege (README "Privileges"): once running, every thread of
# xskwall holds exactly CAP_NET_ADMIN, CAP_NET_RAW, CAP_IPC_LOCK and CAP_BPF
# (CAP_IPC_LOCK only while its RLIMIT_MEMLOCK is limited) in its effective,
# permitted and bounding sets, and nothing inheritable or ambient; the log
# names each one kept and why. With only those, it still
# forwards, reloads on SIGHUP, and serves queues added while running (the
# work they are kept for), and its new workers hold the same sets.
# Started without CAP_SETPCAP (setpriv), it cannot narrow the bounding set:
# it says so, keeps running, and still drops the rest.
. "$(dirname "$0")/lib.sh"
command -v ethtool >/dev/null || skip "ethtool is not installed"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
lab_up 4
ns_sysctl "$NS_GEN" net/ipv6/conf/all/disable_ipv6=1 net/ipv6/conf/default/disable_ipv6=1 \
	"net/ipv6/conf/$GEN_IF/disable_ipv6=1"

# The capability numbers of linux/capability.h (kernel 6.18: 0-40).
CAP_NAMES=(chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
	linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner
	sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice
	sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap
	mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
	checkpoint_restore)
# decode HEX: the capability names of a /proc status mask, by number, or "none"
decode() {
	local mask=$((16#$1)) out= c
	for c in $(seq 0 62); do
		(((mask >> c) & 1)) || continue
		out+=${out:+,}cap_${CAP_NAMES[c]:-$c}
	done
	echo "${out:-none}"
}
# mask NAME...: the hex mask of those capabilities
mask() {
	local m=0 n c
	for n in "$@"; do
		for c in "${!CAP_NAMES[@]}"; do [ "cap_${CAP_NAMES[c]}" = "$n" ] && m=$((m | 1 << c)); done
	done
	printf '%016x' "$m"
}
RUNTIME="cap_net_admin cap_net_raw cap_ipc_lock cap_bpf" # the documented set
# expect_runtime: the documented set for the running daemon, whose UMEMs
# need no CAP_IPC_LOCK when start-up could make RLIMIT_MEMLOCK unlimited
expect_runtime() {
	local want=$RUNTIME
	if awk '/^Max locked memory/ { u = $4 == "unlimited" } END { exit !u }' /proc/"$FW_PID"/limits; then
		want=${want/cap_ipc_lock /}
		echo "  (RLIMIT_MEMLOCK is unlimited: CAP_IPC_LOCK is not expected)"
	fi
	runtime_caps=$(decode "$(mask $want)")
	kept_caps=$want
}

# caps_are WHAT SET EXPECTED: every thread of xskwall has EXPECTED (names)
# in /proc status field SET (CapEff, ...); prints measured vs expected
caps_are() {
	local what=$1 set=$2 want=$3 t got bad=0 n=0
	for t in /proc/"$FW_PID"/task/*; do
		got=$(decode "$(awk -v f="$set:" '$1 == f { print $2 }' "$t/status")")
		n=$((n + 1))
		[ "$got" = "$want" ] && continue
		bad=1
		echo "  thread ${t##*/}: $set measured $got, expected $want"
	done
	check "$what: $set of all $n threads is $want" [ "$bad" = 0 ]
}
all_sets_are_runtime() { # WHAT [BOUNDING]
	caps_are "$1" CapEff "$runtime_caps"
	caps_are "$1" CapPrm "$runtime_caps"
	caps_are "$1" CapBnd "${2:-$runtime_caps}"
	caps_are "$1" CapInh none
	caps_are "$1" CapAmb none
}
threads() { ls /proc/"$FW_PID"/task | wc -l; }

udp_frame=$(udp4_frame "" "$GEN_IP4" "$SINK_IP4")
wait_log() { # PATTERN: 0 once it is in the log, 1 after 3 s
	for _ in $(seq 30); do grep -q -- "$1" "$FW_LOG" && return 0; sleep 0.1; done
	return 1
}
udp() { udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 20 "$NS_SINK"; }

# --- the runtime set, in every thread -----------------------------------
lab_channels 2
write_conf all.conf >/dev/null <<<'queues all'
conf=$WORK/live.conf
cp "$WORK/all.conf" "$conf"
write_conf drop-udp.conf >/dev/null <<CONF
queues all
drop src $GEN_IP4 proto udp
CONF
fw_start "$conf"
check "started with 2 queues" grep -q ", 2 queues," "$FW_LOG"
expect_runtime
all_sets_are_runtime "after start-up"
for c in $kept_caps; do
	c=${c^^}
	check "the log says $c is kept, and why" grep -q "info: privileges: kept $c: ." "$FW_LOG"
done
check "the log says the rest is dropped, bounding set included, in all $(threads) threads" \
	grep -q "every other capability dropped from the effective, permitted, inheritable and ambient sets and the bounding set of all $(threads) threads" "$FW_LOG"
check "the drop comes before \"running:\"" \
	[ "$(grep -n -m1 'privileges: kept' "$FW_LOG" | cut -d: -f1)" -lt "$(grep -n -m1 'running:' "$FW_LOG" | cut -d: -f1)" ]

# --- the work they are kept for, and the work that needs none -------------
n=$(udp)
check "UDP forwarded after the drop (measured $n of 20)" [ "$n" = 20 ]
cp "$WORK/drop-udp.conf" "$conf"
kill -HUP "$FW_PID"
check "SIGHUP: reloaded" wait_log "reloaded $conf: 1 rules in force (generation 1)"
n=$(udp)
check "the reloaded rules drop that UDP (measured $n of 20, expected 0)" [ "$n" = 0 ]
cp "$WORK/all.conf" "$conf"
kill -HUP "$FW_PID"
check "SIGHUP: reloaded again" wait_log "(generation 2)"
before=$(threads)
lab_channels 4
check "channels 2 -> 4: queue 3 added while running" wait_log "queue 3: added while running"
check "the program attached again for the new queues (twin loaded)" \
	! grep -q "cannot attach .* again" "$FW_LOG"
check "no error logged (measured: $(grep -c ': error: ' "$FW_LOG" || true) lines)" \
	! grep -q ': error: ' "$FW_LOG"
counters_baseline
lab_send_on_queue 3 20 "$udp_frame"
fw_stats_until 3 'outside>inside' fwd 20
f3=$(counter 3 'outside>inside' fwd)
check "queue 3 forwarded its 20 frames (measured $f3)" [ "$f3" = 20 ]
check "the new workers run (threads measured $(threads), $before before, expected $((before + 2)))" \
	[ "$(threads)" = $((before + 2)) ]
all_sets_are_runtime "after queues were added"
fw_stop
check "exit 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]

# --- started without CAP_SETPCAP: the bounding set cannot be narrowed -----
lab_channels 1
real=$XSKWALL
XSKWALL=$WORK/xskwall-nosetpcap
printf '#!/bin/sh\nexec setpriv --bounding-set -setpcap %q "$@"\n' "$real" >"$XSKWALL"
chmod +x "$XSKWALL"
want_bnd=$(decode "$(printf '%x' $((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status) & ~(1 << 8))))")
fw_start "$conf"
XSKWALL=$real
expect_runtime
all_sets_are_runtime "without CAP_SETPCAP" "$want_bnd"
check "without CAP_SETPCAP: the log says the bounding set stays" \
	grep -q "warning: privileges: CAP_SETPCAP was not granted: the bounding set stays" "$FW_LOG"
n=$(udp)
check "without CAP_SETPCAP: UDP forwarded (measured $n of 20)" [ "$n" = 20 ]
fw_stop
check "without CAP_SETPCAP: exit 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
finish
