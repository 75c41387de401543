#!/usr/bin/env bash
# SIGHUP switches verdicts; a file that does not parse, or that changes what
# needs a restart, keeps the old rules and says why (file:line:col); a rule
# that can never match is named after the new rules are in force;
# reloading under traffic loses no packet, also when each reload builds in
# the memory of the rules it replaced (reload-memory keep, with enough
# rules for the big arrays), which the daemon then holds as LazyFree until
# reload-memory release gives it back; --check agrees with reload.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$WORK/fw.conf
write_conf a.conf >/dev/null <<'CONF'
drop icmp type echo-request
CONF
write_conf b.conf >/dev/null <<'CONF'
pass icmp
drop src 198.18.0.1 proto udp
CONF
write_conf dup.conf >/dev/null <<'CONF'
pass icmp
drop src 198.18.0.1 proto udp
drop src 198.18.0.1 proto udp
CONF
filler() { # 40 000 rules no test frame matches: big arrays, for the pool
	awk 'BEGIN { for (i = 0; i < 40000; i++) printf "drop src 198.19.%d.%d\n", i / 256, i % 256 }'
}
{ echo 'reload-memory keep'; grep -v '^port\|^control' "$WORK/a.conf"; filler; } | write_conf a_keep.conf >/dev/null
{ echo 'reload-memory keep'; grep -v '^port\|^control' "$WORK/b.conf"; filler; } | write_conf b_keep.conf >/dev/null
{ grep -v '^port\|^control' "$WORK/b.conf"; filler; } | write_conf b_release.conf >/dev/null
printf 'port outside %s\nport inside %s\ndrop src 198.18.0.0/33\n' "$FW_OUT" "$FW_IN" >"$WORK/bad.conf"
printf 'port outside %s\nport inside lo\n' "$FW_OUT" >"$WORK/ports.conf"
cp "$WORK/a.conf" "$conf"
fw_start "$conf"

udp() { udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" 20 "$NS_SINK"; }
reload() { # FILE: install it, SIGHUP, wait for the daemon's answer
	local n
	n=$(grep -c -E 'reloaded|reload failed' "$FW_LOG" || true)
	cp "$1" "$conf"
	kill -HUP "$FW_PID"
	for _ in $(seq 50); do
		[ "$(grep -c -E 'reloaded|reload failed' "$FW_LOG" || true)" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

check "rules A: ping dropped" ! ping_ok "$NS_GEN" "$SINK_IP4"
check "rules A: UDP forwarded" [ "$(udp)" = 20 ]
check "SIGHUP with rules B is answered" reload "$WORK/b.conf"
check "reload logged the new rule count" grep -q "reloaded $conf: 2 rules in force (generation 1)" "$FW_LOG"
check "rules B: ping forwarded" ping_ok "$NS_GEN" "$SINK_IP4"
check "rules B: UDP from 198.18.0.1 dropped" [ "$(udp)" = 0 ]

check "SIGHUP with a bad file is answered" reload "$WORK/bad.conf"
check "the error names file:line:col and the text" \
	grep -q "$conf:3:10: '198.18.0.0/33'" "$FW_LOG"
check "the error says the old rules stay" \
	grep -q "reload failed: $conf:3:10: .*; keeping the 2 rules in force" "$FW_LOG"
check "after the bad file: ping still forwarded (rules B)" ping_ok "$NS_GEN" "$SINK_IP4"
check "after the bad file: UDP still dropped (rules B)" [ "$(udp)" = 0 ]

check "SIGHUP with changed ports is answered" reload "$WORK/ports.conf"
check "a port change is refused" grep -q "needs a restart; keeping the 2 rules in force" "$FW_LOG"
check "after the refused change: UDP still dropped (rules B)" [ "$(udp)" = 0 ]

log_has() { # PATTERN: in the log within 5 s (warnings follow the reload)
	for _ in $(seq 50); do
		grep -q -- "$1" "$FW_LOG" && return 0
		sleep 0.1
	done
	return 1
}
check "SIGHUP with a repeated rule is answered" reload "$WORK/dup.conf"
check "the repeated rule is in force with the others" \
	grep -q "reloaded $conf: 3 rules in force (generation 2)" "$FW_LOG"
check "the reload warns: the repeat names both lines" \
	log_has "$conf:6: this rule is identical to $conf:5"
check "after the warning: UDP from 198.18.0.1 still dropped" [ "$(udp)" = 0 ]

lazyfree_kib() { awk '/^LazyFree:/ { print $2 }' "/proc/$FW_PID/smaps_rollup"; }

# Reload every 0.1 s while 1000 paced datagrams cross: none may be lost;
# from here on each reload builds in the memory of the one before.
check "SIGHUP back to rules A, 40 000 more rules, reload-memory keep, is answered" \
	reload "$WORK/a_keep.conf"
check "rules A kept: in force" grep -q "reloaded $conf: 40001 rules in force" "$FW_LOG"
check "rules A kept: ping dropped" ! ping_ok "$NS_GEN" "$SINK_IP4"
port=$((20000 + RANDOM % 20000))
ip netns exec "$NS_SINK" "$PROBE" udp-recv "$SINK_IP4" "$port" 4 >"$WORK/stream" &
rpid=$!
probe_wait_listening "$WORK/stream" "$rpid"
( for _ in $(seq 25); do kill -HUP "$FW_PID"; sleep 0.1; done ) &
hpid=$!
in_gen "$PROBE" udp-send -s "$GEN_IP4" "$SINK_IP4" "$port" 1000 >/dev/null
wait "$hpid" "$rpid"
check "25 reloads under traffic: 1000 of 1000 datagrams arrive (got $(probe_received "$WORK/stream"))" \
	grep -qx "received 1000" "$WORK/stream"
check "SIGHUP with rules B kept is answered" reload "$WORK/b_keep.conf"
check "rules B kept: in force" grep -q "reloaded $conf: 40002 rules in force" "$FW_LOG"
check "rules B kept: ping forwarded" ping_ok "$NS_GEN" "$SINK_IP4"
check "rules B kept: UDP from 198.18.0.1 dropped" [ "$(udp)" = 0 ]
kept=$(lazyfree_kib)
check "reload-memory keep: the replaced rules' memory is held (LazyFree $kept KiB, > 0)" \
	[ "${kept:-0}" -gt 0 ]
said=$(ctl -j status | jq '.rules.kept_bytes')
check "status says so (kept_bytes $said, > 0)" [ "${said:-0}" -gt 0 ]
check "SIGHUP with rules B, reload-memory release, is answered" reload "$WORK/b_release.conf"
check "rules B released: UDP from 198.18.0.1 still dropped" [ "$(udp)" = 0 ]
kept=$(lazyfree_kib)
check "reload-memory release: nothing held (LazyFree $kept KiB, 0)" [ "${kept:-1}" = 0 ]
said=$(ctl -j status | jq '.rules.kept_bytes')
check "status says so (kept_bytes $said, 0)" [ "$said" = 0 ]

check "--check accepts rules B (exit 0)" "$XSKWALL" --check "$WORK/b.conf"
check "--check rejects the bad file (exit 1)" ! "$XSKWALL" --check "$WORK/bad.conf"
msg=$("$XSKWALL" --check "$WORK/bad.conf" 2>&1 || true)
check "--check prints file:line:col" grep -q "bad.conf:3:10:" <<<"$msg"
fw_stop
check "xskwall exited 0" [ "$FW_RC" = 0 ]
finish
