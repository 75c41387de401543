#!/usr/bin/env bash
# Signals are answered while a reload runs (reloads run on a thread of
# their own): during a reload of 1 990 000 rules (seconds of parsing and
# compiling), SIGUSR1 prints the counters and SIGTERM stops xskwall, each
# within a second. A configuration replaced by a FIFO fails to reload at
# once (no hang) and the old rules stay; a SIGHUP during a reload queues
# one more.
. "$(dirname "$0")/lib.sh"
lab_up 1
conf=$(write_conf fw.conf <<<'drop src 198.18.9.0/24')
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# wait_for PATTERN COUNT: ms until PATTERN is in the log COUNT times (3 s at most)
wait_for() {
	local t0
	t0=$(date +%s%N)
	for _ in $(seq 300); do
		[ "$(grep -c -- "$1" "$FW_LOG" || true)" -ge "$2" ] && { ms_since "$t0"; return; }
		sleep 0.01
	done
	echo never
}
under() { [ "$1" != never ] && [ "$1" -le "$2" ]; }
big_conf() { # RULES: a config with that many IPv6 /64 rules (documentation prefix)
	write_conf "big$1.conf" < <(awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "drop src 2001:db8:%x:%x::/64\n", int(i / 65536), i % 65536 }')
}

# --- SIGUSR1 and SIGTERM during a slow reload ---------------------------------
big=$(big_conf 1990000)
fw_start "$conf"
cp "$big" "$conf"
tables=$(grep -c '^port  *interface  *on_miss' "$FW_LOG" || true)
kill -HUP "$FW_PID"
sleep 0.2
kill -USR1 "$FW_PID"
t=$(wait_for '^port  *interface  *on_miss' $((tables + 1)))
check "SIGUSR1 during the reload: counters printed within a second (measured $t ms)" under "$t" 1000
check "the reload was still running then (no 'reloaded' yet: the test's reload is slow enough)" \
	! grep -q "reloaded" "$FW_LOG"
t0=$(date +%s%N)
kill -TERM "$FW_PID"
wait "$FW_PID" && FW_RC=0 || FW_RC=$?
t=$(ms_since "$t0")
FW_PID=
check "SIGTERM during the reload: exited within a second (measured $t ms)" under "$t" 1000
check "exit 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
check "the exit table was printed" grep -q '^queue  *direction' "$FW_LOG"

# --- a FIFO instead of the file -------------------------------------------------
conf=$(write_conf fw2.conf <<<'drop src 198.18.9.0/24')
fw_start "$conf" "$WORK/fw2.log"
rm "$conf"
mkfifo "$conf"
kill -HUP "$FW_PID"
t=$(wait_for "reload failed: .*; keeping the 1 rules in force" 1)
check "a FIFO fails the reload at once (measured $t ms)" under "$t" 1000
check "and says why" grep -q "$conf: cannot read: not a regular file (a FIFO)" "$FW_LOG"
rm "$conf"
write_conf fw2.conf <<<'drop src 198.18.10.0/24' >/dev/null
kill -HUP "$FW_PID"
t=$(wait_for "reloaded $conf: 1 rules in force (generation 1)" 1)
check "the next reload of a file works (measured $t ms)" under "$t" 1000

# --- SIGHUP during a reload: one more follows -------------------------------------
cp "$(big_conf 300000)" "$conf"
kill -HUP "$FW_PID"
sleep 0.05
kill -HUP "$FW_PID"
t=$(wait_for "reloaded $conf: 300000 rules in force" 2)
check "two reloads done (measured $t ms after the second SIGHUP)" [ "$t" != never ]
check "the second SIGHUP was queued, not lost" grep -q "another one follows it" "$FW_LOG"
fw_stop
check "exit 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
finish
