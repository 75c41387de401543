#!/usr/bin/env bash
# Every counter table adds up, per row, while a flood runs: rx = fwd +
# drop_rule + drop_policy + tx_full in each queue and direction row and in
# the totals (the worker publishes a round's counts together; a reader
# never sees half of one). The table printed at exit is taken after the
# workers stopped, and adds up too.
. "$(dirname "$0")/lib.sh"
GEN_BIN=$BUILD_DIR/tests/lab/xskwall-gen
[ -x "$GEN_BIN" ] || skip "$GEN_BIN is not built (the flood comes from it)"
lab_up 1
# Half the flood is dropped by a rule, half forwarded: both sides of the
# sum move in every batch.
conf=$(write_conf fw.conf <<CONF
drop src 198.18.0.1/32 in outside
CONF
)
fw_start "$conf"
out_mac=$(ip -n "$NS_FW" link show "$FW_OUT" | awk '/link\/ether/ { print $2 }')
in_gen "$GEN_BIN" --dev "$GEN_IF" --dst-mac "$out_mac" --src 198.18.0.0/31 --dst "$SINK_IP4" \
	--duration 4 --json >"$WORK/flood.json" &
gen=$!
sleep 0.5
# A table every 10 ms while the flood lasts (a signal that arrives while
# one is pending merges with it: count the tables, not the signals).
for _ in $(seq 300); do
	kill -USR1 "$FW_PID"
	sleep 0.01
done
wait "$gen"
fw_stats # and the complete log of the last one
fw_stop

# unbalanced LOG: rows whose rx differs from what left them, one per line
unbalanced() {
	awk '$1 == "queue" && $2 == "direction" { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == "queue" { col["rx"] = 0 }
		col["rx"] && NF == length(col) && $(col["rx"]) ~ /^[0-9]+$/ {
			out = $(col["fwd"]) + $(col["drop_rule"]) + $(col["drop_policy"]) + $(col["tx_full"])
			rows++
			if ($(col["rx"]) != out)
				printf "queue %s %s: rx %s, fwd+drop_rule+drop_policy+tx_full %s\n", $1, $2, $(col["rx"]), out
		}
		END { print rows " rows" > "/dev/stderr" }' "$1"
}
tables=$(grep -c '^queue  *direction' "$FW_LOG")
check "at least 100 tables under load and one at exit (measured $tables)" [ "$tables" -ge 101 ]
bad=$(unbalanced "$FW_LOG" 2>"$WORK/rows")
[ -z "$bad" ] || echo "$bad" | head -20
check "every row of every table adds up ($(cat "$WORK/rows"), $(echo -n "$bad" | grep -c . || true) unbalanced)" [ -z "$bad" ]
rx=$(counter all 'outside>inside' rx) dropped=$(counter all 'outside>inside' drop_rule)
check "the flood was counted (rx $rx > 100000, drop_rule $dropped > 0)" \
	[ "$rx" -gt 100000 -a "$dropped" -gt 0 ]
stop_line=$(grep -n 'stopped: workers joined' "$FW_LOG" | cut -d: -f1 | head -1)
last_table=$(grep -n '^queue  *direction' "$FW_LOG" | cut -d: -f1 | tail -1)
check "the exit table (line ${last_table:-none}) comes after the workers stopped (line ${stop_line:-none})" \
	[ "${last_table:-0}" -gt "${stop_line:-999999}" ]
check "xskwall exited 0 (measured $FW_RC)" [ "$FW_RC" = 0 ]
finish
