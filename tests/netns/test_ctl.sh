#!/usr/bin/env bash
# xskwallctl against a running daemon, every command: status fields match
# the lab; stats totals and per-rule counters equal the frames sent; a
# capture of the drops holds exactly the dropped frames (xskwall-pcapcheck);
# trace agrees with what happens to the described packet; add/del change
# verdicts and lose no frame; reload puts a good file in force and keeps
# the old rules on a broken one (FILE:LINE:COL, exit 1); rules pages past
# CTL_RULES_PAGE; a non-root peer is refused (by the file mode, and by
# SO_PEERCRED when it gets past it); malformed and oversized requests get
# error replies while forwarding goes on. JSON is checked with jq.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
CTLBIN=${XSKWALLCTL:-$BUILD_DIR/control/xskwallctl}
RAW=$BUILD_DIR/tests/lab/xskwall-ctlraw
PCAPCHECK=$BUILD_DIR/tests/lab/xskwall-pcapcheck
for b in "$CTLBIN" "$RAW" "$PCAPCHECK"; do [ -x "$b" ] || skip "$b is not built"; done
lab_up 2

N=40                                 # datagrams that pass
K=25                                 # datagrams the rule drops
FRAME_LEN=$((14 + 20 + 8 + 64))      # Ethernet + IPv4 + UDP + xskwall-probe's payload
conf=$(write_conf fw.conf <<CONF
drop src $GEN_IP4_B proto udp
CONF
)
CTL_SOCK=$(awk '$1 == "control-socket" { print $2 }' "$conf") # write_conf names it
drop_line=$(grep -n "^drop src $GEN_IP4_B proto udp" "$conf" | cut -d: -f1)
drop_text="drop src $GEN_IP4_B proto udp"
fw_start "$conf"
sleep 2 # let the endpoints' start-up chatter (IPv6 MLD) pass

# expect DESCRIPTION MEASURED EXPECTED
expect() {
	if [ "$2" = "$3" ]; then ok "$1 ($2)"; else fail "$1: measured '$2', expected '$3'"; fi
}
# run OUT ARGS...: xskwallctl's stdout (and stderr) into files, its exit status in RC
# stream_start NAME SECONDS: 1000 datagrams gen -> sink in the background,
# received into $WORK/NAME for SECONDS (the receiver listens first); the
# sender's and receiver's PIDs in SPID and RPID
stream_start() {
	local port=$((20000 + RANDOM % 20000))
	in_sink "$PROBE" udp-recv "$SINK_IP4" "$port" "$2" >"$WORK/$1" &
	RPID=$!
	probe_wait_listening "$WORK/$1" "$RPID"
	in_gen "$PROBE" udp-send -s "$GEN_IP4" "$SINK_IP4" "$port" 1000 >/dev/null &
	SPID=$!
}
run() {
	local out=$1
	shift
	RC=0
	ctl "$@" >"$WORK/$out" 2>"$WORK/$out.err" || RC=$?
}
# interrupt PID: SIGINT, then its exit status in RC (SIGKILL after 5 s: RC 137)
interrupt() {
	kill -INT "$1"
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	RC=0
	wait "$1" || RC=$?
}
# has_all: jq helper, all of the keys present
JQ_DEFS='def has_all(k): . as $o | k | all(. as $x | $o | has($x));'
jq_true() { jq -e "$@" >/dev/null; }
total() { ctl -j stats | jq -r ".totals.$1.$2"; }
rule_field() { ctl -j rules | jq -r ".rules[] | select(.index == $1) | .$2"; }
# until_at_least COMMAND VALUE: poll COMMAND's output for 5 s until >= VALUE
until_at_least() {
	for _ in $(seq 50); do
		[ "$($1)" -ge "$2" ] && return 0
		sleep 0.1
	done
}
udp_pass() { udp_count "$NS_GEN" "$GEN_IP4" "$SINK_IP4" "$1" "$NS_SINK"; }
udp_drop() { udp_count "$NS_GEN" "$GEN_IP4_B" "$SINK_IP4" "$1" "$NS_SINK"; }

echo "# status"
run st -j status
expect "status exits 0" "$RC" 0
st=$WORK/st
expect "status .ok" "$(jq -r .ok "$st")" true
expect "status .pid is the daemon's" "$(jq -r .pid "$st")" "$FW_PID"
expect "status .version is xskwall's" "xskwall $(jq -r .version "$st")" "$("$XSKWALL" --version)"
expect "status .config" "$(jq -r .config "$st")" "$conf"
expect "status ports and interfaces" "$(jq -r '[.ports[] | "\(.port)=\(.ifname)"] | join(",")' "$st")" \
	"outside=$FW_OUT,inside=$FW_IN"
expect "status XDP modes are native or generic" \
	"$(jq '[.ports[].xdp_mode | IN("native", "generic")] | all' "$st")" true
expect "status queue count" "$(jq '.queues | length' "$st")" 2
expect "status sockets (2 per queue)" "$(jq '[.queues[].sockets | length] | add' "$st")" 4
expect "status bind modes are zero-copy or copy" \
	"$(jq '[.queues[].sockets[].bind_mode | IN("zero-copy", "copy")] | all' "$st")" true
expect "status queue fields present" "$(jq "$JQ_DEFS"'[.queues[] | has_all(["worker_cpu", "numa_node",
	"hugepages", "ring_size", "frame_size", "frames", "busy_poll"])] | all' "$st")" true
expect "status rules count" "$(jq .rules.count "$st")" 1
expect "status rules not edited" "$(jq .rules.edited "$st")" false
expect "status uptime_s >= 0" "$(jq '.uptime_s >= 0' "$st")" true
gen0=$(jq .rules.generation "$st")
run sth status
check "human status: a row per queue and port with the interface" \
	grep -Eq "^ +1 +inside +$FW_IN +(native|generic) +(zero-copy|copy) " "$WORK/sth"

echo "# stats: totals equal what was sent"
rx0=$(total outside rx) fwd0=$(total outside fwd) dr0=$(total outside drop_rule)
expect "sink got all $N datagrams" "$(udp_pass $N)" $N
until_at_least "total outside fwd" $((fwd0 + N))
expect "stats totals outside rx grew by $N" $(($(total outside rx) - rx0)) $N
expect "stats totals outside fwd grew by $N" $(($(total outside fwd) - fwd0)) $N
expect "stats totals outside drop_rule unchanged" $(($(total outside drop_rule) - dr0)) 0
ctl -j stats >"$WORK/sj"
expect "stats: the queues add up to the totals" \
	"$(jq '([.queues[].dir.outside.rx] | add) == .totals.outside.rx' "$WORK/sj")" true
expect "stats: kernel XDP_STATISTICS per socket" "$(jq "$JQ_DEFS"'[.queues[].kernel[] | has_all(["rx_dropped",
	"rx_invalid_descs", "tx_invalid_descs", "rx_ring_full", "rx_fill_ring_empty_descs",
	"tx_ring_empty_descs"])] | length == 4 and all' "$WORK/sj")" true
expect "stats: on_miss per port" "$(jq "$JQ_DEFS"'.on_miss | has_all(["outside", "inside"])' "$WORK/sj")" true
expect "stats: rates per direction" \
	"$(jq "$JQ_DEFS"'.totals.outside | has_all(["rx_pps", "fwd_pps", "drop_pps"])' "$WORK/sj")" true
run sh stats
check "human stats: a totals row" grep -Eq '^ +all +outside +[0-9]+' "$WORK/sh"
run w stats --watch --count 2
expect "stats --watch --count 2 exits 0" "$RC" 0
expect "stats --watch --count 2: two snapshots" "$(grep -c '^xskwall stats at' "$WORK/w")" 2
run wj -j stats --watch --count 3
expect "stats --watch -j: three compact lines" "$(jq -c 'select(.ok)' "$WORK/wj" | wc -l)" 3
expect "stats --watch -j: one a second, rates after the first" \
	"$(jq -s '(.[2].time_unix_ns - .[0].time_unix_ns) >= 1500000000 and .[2].interval_s > 0' "$WORK/wj")" true
"$CTLBIN" -s "$CTL_SOCK" stats --watch >"$WORK/wint" 2>&1 &
wpid=$!
sleep 1.5
interrupt $wpid
expect "stats --watch ends with exit 0 on SIGINT" "$RC" 0

echo "# rules, capture: a drop rule hit by exactly $K frames"
"$CTLBIN" -s "$CTL_SOCK" capture --drops -w "$WORK/drops.pcapng" >"$WORK/cap" 2>&1 &
cpid=$!
sleep 1 # the capture is running
expect "the sink got none of the $K dropped datagrams" "$(udp_drop $K)" 0
expect "the sink got the $N passing datagrams" "$(udp_pass $N)" $N
until_at_least "rule_field 1 packets" $K
sleep 0.3
interrupt $cpid
expect "capture ends with exit 0 on SIGINT" "$RC" 0
check "capture says how many frames it wrote" grep -q "^captured $K frames to $WORK/drops.pcapng" "$WORK/cap"
"$PCAPCHECK" "$WORK/drops.pcapng" >"$WORK/pc" || fail "xskwall-pcapcheck cannot read the pcapng file"
expect "capture file: frames" "$(awk '$1 == "frames" { print $2 }' "$WORK/pc")" $K
expect "capture file: bytes" "$(awk '$1 == "bytes" { print $2 }' "$WORK/pc")" $((K * FRAME_LEN))
expect "capture file: every frame is from $GEN_IP4_B" \
	"$(grep -c "^frame .*$(ip4_hex "$GEN_IP4_B")$(ip4_hex "$SINK_IP4")" "$WORK/pc")" $K
expect "capture file: each frame's comment names the rule" \
	"$(grep -a -o "drop by rule 1: $drop_text" "$WORK/drops.pcapng" | wc -l)" $K
run rj -j rules
expect "rules: rule 1 packets" "$(jq '.rules[0].packets' "$WORK/rj")" $K
expect "rules: rule 1 bytes" "$(jq '.rules[0].bytes' "$WORK/rj")" $((K * FRAME_LEN))
expect "rules: rule 1 file:line" "$(jq -r '.rules[0] | "\(.file):\(.line)"' "$WORK/rj")" "$conf:$drop_line"
expect "rules: rule 1 text" "$(jq -r '.rules[0].rule' "$WORK/rj")" "$drop_text"
expect "rules: total" "$(jq '.total' "$WORK/rj")" 1
run rh rules
check "human rules: # packets bytes file:line rule" \
	grep -Eq "^ *1 +$K +$((K * FRAME_LEN)) +$conf:$drop_line +$drop_text\$" "$WORK/rh"
expect "stats totals outside drop_rule grew by $K" $(($(total outside drop_rule) - dr0)) $K
"$CTLBIN" -s "$CTL_SOCK" capture --all --count 3 --pcap -w "$WORK/all.pcap" >"$WORK/cap2" 2>&1 &
cpid=$!
sleep 1
udp_pass 3 >/dev/null
wait $cpid && RC=0 || RC=$?
expect "capture --all --count 3 --pcap ends by itself, exit 0" "$RC" 0
check "capture --count 3 says 0 lost" grep -q "^captured 3 frames to $WORK/all.pcap (0 lost" "$WORK/cap2"
expect "capture --pcap: classic pcap, nanoseconds" "$(od -An -tx1 -N4 "$WORK/all.pcap" | tr -d ' ')" 4d3cb2a1
expect "capture --pcap: frames" "$("$PCAPCHECK" "$WORK/all.pcap" | awk '$1 == "frames" { print $2 }')" 3
# longer than the 10 s a client may leave a reply unread: a quiet capture
# owes nothing and must not be taken for a stalled reader
run cs capture --seconds 12 -w "$WORK/none.pcapng"
expect "capture --seconds 12 with no drops: exit 0" "$RC" 0
check "... and it ran to its end" grep -q "^captured 0 frames to $WORK/none.pcapng (0 lost" "$WORK/cs"
expect "capture --seconds 12: no frames" "$("$PCAPCHECK" "$WORK/none.pcapng" | awk '$1 == "frames" { print $2 }')" 0

echo "# trace agrees with the traffic"
trace_drop="src $GEN_IP4_B dst $SINK_IP4 proto udp in outside"
trace_pass="src $GEN_IP4 dst $SINK_IP4 proto udp in outside"
run t1 trace "$trace_drop"
expect "trace of a dropped packet" "$(cat "$WORK/t1")" "drop by rule 1 ($conf:$drop_line): $drop_text"
run t2 -j trace $trace_drop
expect "trace -j: verdict, reason, rule, port" \
	"$(jq -r '"\(.verdict) \(.reason) \(.rule.index) \(.in)"' "$WORK/t2")" "drop rule 1 outside"
expect "... and the packet is dropped" "$(udp_drop 5)" 0
run t3 trace $trace_pass
expect "trace of a passing packet" "$(cat "$WORK/t3")" "pass by policy"
expect "... and the packet passes" "$(udp_pass 5)" 5
run t4 trace src 198.18.0.1
expect "trace of an incomplete description: exit 1" "$RC" 1
check "... with the daemon's error" grep -q '^xskwallctl: trace: ' "$WORK/t4.err"

echo "# add and del change verdicts"
run a1 add drop src "$GEN_IP4" proto udp --at 1
expect "add exits 0" "$RC" 0
gen_add=$(ctl -j status | jq .rules.generation)
expect "add's answer" "$(cat "$WORK/a1")" "added rule 1: drop src $GEN_IP4 proto udp (generation $gen_add)"
expect "after add: $trace_pass is dropped" "$(udp_pass 10)" 0
expect "after add: trace names rule 1" "$(ctl -j trace $trace_pass | jq -r '"\(.verdict) \(.rule.index)"')" "drop 1"
expect "after add: the file's rule is rule 2" "$(rule_field 2 rule)" "$drop_text"
expect "after add: status says the rules differ from the file" "$(ctl -j status | jq .rules.edited)" true
check "after add: human status says so too" sh -c "'$CTLBIN' -s '$CTL_SOCK' status | grep -q 'differ from the file'"
run d1 del 1
expect "del's answer" "$(cat "$WORK/d1")" "deleted rule 1: drop src $GEN_IP4 proto udp (generation $((gen_add + 1)))"
expect "after del: $trace_pass passes" "$(udp_pass 10)" 10
run a2 add drop src 198.18.0.0/33
expect "add of a bad rule: exit 1" "$RC" 1
check "... its error quotes the rule's column" grep -q '^xskwallctl: add: rule:1:[0-9]*:' "$WORK/a2.err"
run d2 del 99
expect "del of a missing rule: exit 1" "$RC" 1
stream_start stream 5
edits=0
for _ in $(seq 10); do
	ctl add drop dst 198.19.0.0/16 --at 1 >/dev/null && ctl del 1 >/dev/null && edits=$((edits + 1))
done
wait "$SPID" "$RPID"
expect "10 add/del pairs while 1000 datagrams cross" "$edits" 10
expect "... none of the 1000 is lost" "$(probe_received "$WORK/stream")" 1000

echo "# reload"
gen1=$(ctl -j status | jq .rules.generation)
echo "drop src $GEN_IP4 dst $SINK_IP4_B proto udp" >>"$conf"
run r1 reload
expect "reload exits 0" "$RC" 0
check "reload's answer" grep -Eq "^reloaded: 2 rules in force \(generation $((gen1 + 1)), [0-9.]+ ms\)$" "$WORK/r1"
ctl -j status >"$WORK/st2"
expect "after reload: status rules count, generation, reloads_ok, edited" \
	"$(jq -r '.rules | "\(.count) \(.generation) \(.reloads_ok) \(.edited)"' "$WORK/st2")" \
	"2 $((gen1 + 1)) 1 false"
cp "$conf" "$WORK/good.conf"
echo "drop src 198.18.0.0/33" >>"$conf"
bad_line=$(wc -l <"$conf")
run r2 reload
expect "reload of a broken file: exit 1" "$RC" 1
check "... the error names FILE:LINE:COL" grep -q "^xskwallctl: reload: $conf:$bad_line:10: " "$WORK/r2.err"
check "... and says the old rules stay" grep -q "^xskwallctl: reload: the 2 rules in force stay" "$WORK/r2.err"
run r3 -j reload
expect "reload -j of a broken file: ok, kept_rules" "$(jq -r '"\(.ok) \(.kept_rules)"' "$WORK/r3")" "false 2"
ctl -j status >"$WORK/st3"
expect "after the broken file: status count, generation, reloads_failed" \
	"$(jq -r '.rules | "\(.count) \(.generation) \(.reloads_failed)"' "$WORK/st3")" "2 $((gen1 + 1)) 2"
check "... and last_error names the line" jq_true --arg w "$conf:$bad_line:10:" '.rules.last_error | startswith($w)' "$WORK/st3"
expect "after the broken file: the old drop rule still drops" "$(udp_drop 5)" 0
# more rules than one page: rules reads them all
{ cat "$WORK/good.conf"; for i in $(seq 0 10049); do echo "drop dst 198.19.$((i / 256)).$((i % 256))"; done; } >"$conf"
run r4 reload
expect "reload of 10052 rules" "$RC" 0
ctl -j rules >"$WORK/rbig"
expect "rules pages through 10052 rules" "$(jq '[.total, (.rules | length), ([.rules[].index] == [range(1; 10053)])] | map(tostring) | join(" ")' -r "$WORK/rbig")" \
	"10052 10052 true"
expect "rules --top 1: the rule with the most packets" "$(ctl -j rules --top 1 | jq -r '.rules | "\(length) \(.[0].index)"')" "1 1"
cp "$WORK/good.conf" "$conf"
ctl reload >/dev/null || fail "reload of the good file"

echo "# a non-root peer is refused"
if command -v setpriv >/dev/null; then
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CTLBIN" -s "$CTL_SOCK" status \
		>/dev/null 2>"$WORK/nr1" || RC=$?
	expect "uid 65534: cannot connect (exit 3)" "$RC" 3
	check "... Permission denied" grep -q "cannot connect to $CTL_SOCK: Permission denied" "$WORK/nr1"
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override \
		--ambient-caps=+dac_override "$CTLBIN" -s "$CTL_SOCK" status >/dev/null 2>"$WORK/nr2" || RC=$?
	expect "uid 65534 past the file mode: the daemon refuses (exit 1)" "$RC" 1
	check "... by SO_PEERCRED, in an error reply" grep -qi "^xskwallctl: status: .*permission denied" "$WORK/nr2"
else
	echo "# setpriv not installed: non-root part skipped"
fi

echo "# malformed and oversized requests, while forwarding goes on"
# raw NAME [-e]: the request on stdin; the first reply line must be an error
raw() {
	local out=$WORK/raw.$1
	shift
	"$RAW" "$@" "$CTL_SOCK" >"$out" 2>&1 || true
	head -1 "$out" | jq -e '.ok == false and (.error | type == "string" and length > 0)' >/dev/null
}
big=$((70 * 1024))
stream_start stream2 10
"$RAW" "$CTL_SOCK" </dev/null >"$WORK/raw.silent" 2>&1 &
silent=$!
check "not JSON: error reply" raw notjson <<<'not json'
check "an array: error reply" raw array <<<'[1,2,3]'
check "an unknown command: error reply" raw unknown <<<'{"cmd":"nosuch"}'
check "an unknown member: error reply" raw member <<<'{"cmd":"status","bogus":1}'
check "a string for a number: error reply" raw type <<<'{"cmd":"del","index":"x"}'
check "NUL bytes: error reply" raw nul < <(printf '\0\0\0\n')
check "$big bytes without a newline: error reply" raw long < <(head -c $big /dev/zero | tr '\0' a)
check "a $big-byte JSON line: error reply" raw longjson \
	< <(printf '{"cmd":"trace","packet":"'; head -c $big /dev/zero | tr '\0' a; printf '"}\n')
check "a request cut short by end of file: error reply" raw cut -e <<<'{"cmd":"sta'
wait "$silent" && RC=0 || RC=$?
expect "a client that sends nothing is closed by the daemon" "$RC" 0
check "... with an error reply" jq_true '.ok == false and (.error | length > 0)' "$WORK/raw.silent"
wait "$SPID" "$RPID"
expect "forwarding went on: all 1000 datagrams arrived" "$(probe_received "$WORK/stream2")" 1000
run st4 -j status
expect "the daemon still answers" "$(jq -r .ok "$WORK/st4")" true

echo "# exit statuses"
RC=0
"$CTLBIN" -s "$WORK/none.sock" status >/dev/null 2>"$WORK/nc" || RC=$?
expect "no daemon: exit 3" "$RC" 3
expect "... saying the socket and why" "$(cat "$WORK/nc")" \
	"xskwallctl: cannot connect to $WORK/none.sock: No such file or directory (is xskwall running?)"
run u1 nosuch
expect "an unknown command: exit 2" "$RC" 2
run u2 del one
expect "del one: exit 2" "$RC" 2

fw_stop
expect "xskwall exited 0" "$FW_RC" 0
finish
