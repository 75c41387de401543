#!/usr/bin/env bash
# bench/run/loading.sh - loading at scale (issue 10, item 4): how long xskwall
# takes to check, start with and reload a big rule set, how much memory it
# holds, and whether a reload under load loses or misclassifies a frame.
#
#   bench/run/loading.sh [-n REPS] [-o DIR] [--rules4 N] [--rules6 M]
#                        [--load-pps PPS] [--reload-memory release|keep]
#                        [--smoke] [--no-build]
#
# Rules, generated here (awk, a seeded full-period LCG: the same files from
# gawk and mawk): N distinct `drop src A.B.C.0/24` (never in 0/8, 127/8,
# 224/3 or 198.18.0.0/15) and M distinct `drop src 2001:db8:X:Y::/64` (never
# 2001:db8::/64), default 1 000 000 + 200 000, then the probes' rules
# (below). Config A uses seed 1, config B seed 2: two different rule sets of
# the same size. Both files sit in the page cache. --reload-memory puts that
# key in both (default: none, the daemon's default, release): with keep, the
# first reload (reload_idle) maps fresh memory and the second (reload)
# builds in the memory of the rules the first replaced.
#
# Measurements, one JSON line each in DIR/loading.jsonl, REPS times:
#  check        `xskwall --check A` under /usr/bin/time: wall, user, sys,
#               max RSS, minor faults.
#  start        lab (tests/lab/lab.sh, prefix xwl): gen pings the sink
#               through fw every 10 ms; xskwall is exec'd with A (odd reps)
#               or B (even reps), its worker pinned to the last CPU;
#               start_s = exec to the first ping reply (ping -D's timestamp,
#               10 ms resolution), running_s = exec to its "running:" log
#               line; VmRSS and VmHWM 1 s after the first reply.
#  reload_idle  its file becomes the other config (a rename), `xskwallctl
#               reload` with no traffic: the reply's load_ms (request to
#               rules in force), the command's wall time, the peak (VmHWM
#               after `echo 5 > clear_refs` just before).
#  steady       the control: the traffic below for LOAD_S seconds, no reload.
#  reload       the same traffic, and RELOAD_AT_S (2) s in, once the
#               generator's AF_XDP set-up and the probes' start-up (each an
#               `ip netns exec`, which remounts /sys) are over, a reload
#               back to the first config: load_ms, peak, and how long the
#               worker waited for its CPU meanwhile (schedstat run_delay).
# The traffic: xskwall-gen (AF_XDP mode, bursts of 256, CPU 0) sends
# LOAD_PPS x LOAD_S 64-byte UDP frames from 198.18.1.0-198.18.127.255, which
# no rule matches; six paced xskwall-probe UDP streams run until 1 s after
# the reload: pass4/pass6 (no rule matches: forwarded), drop4/drop6
# (198.18.200.1 and 2001:db8::100: a `drop src` in A and B), change4/change6
# (198.18.0.10 and 2001:db8::10: a `drop src` in B only, so a reload to B
# turns pass into drop and a reload to A the reverse); udp-recv in sink
# counts each stream. The probes, receivers and samplers stay off the
# worker's CPU. Every frame sent must end in exactly one place: gen0's
# tx_dropped or the socket ring's drops (lost before xskwall), xskwall's
# tx_full (lost in it), drop_rule or drop_policy, lost between xskwall's TX
# and sink0, or sink0's rx_packets; so `frames_lost` = sent - sink0 -
# drop_rule - drop_policy. Misclassified: drop frames a receiver got, and,
# when nothing was lost (exact then): pass frames not received, change
# frames neither received nor counted by drop_rule, load frames missing at
# sink0, drop_policy. `chatter` (rx beyond what was sent) is reported.
#
# Prints a table with the issue's targets beside the medians (DIR/loading.md).
# Exit 1 if a reload failed or lost or misclassified a frame, or a step
# failed; not for a missed time or memory target. --smoke: 20 000 + 4 000
# rules, one repetition, 20 000 frames/s for 3 s (ctest bench.loading).
# Every line records the machine (MACHINE_NOTE adds a word to the table);
# on the 2-core development VM the traffic, the daemon's worker and its
# loader share two cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=3 OUT= N4=1000000 N6=200000 BUILD=1 RELOAD_MEMORY=
LOAD_PPS=50000 LOAD_S=8 RELOAD_AT_S=2
while [ $# -gt 0 ]; do
	case $1 in
	-n) REPS=$2; shift ;;
	-o) OUT=$2; shift ;;
	--rules4) N4=$2; shift ;;
	--rules6) N6=$2; shift ;;
	--load-pps) LOAD_PPS=$2; shift ;;
	--reload-memory) RELOAD_MEMORY=$2; shift ;;
	--smoke) N4=20000 N6=4000 REPS=1 LOAD_PPS=20000 LOAD_S=3 RELOAD_AT_S=1 ;;
	--no-build) BUILD=0 ;;
	*) sed -n '2,60p' "$0"; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "loading: needs root" >&2; exit 77; }
if ((BUILD)); then
	bash tests/install-deps.sh
	[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j"$(nproc)" >/dev/null
fi
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time is missing (apt-get install time)" >&2; exit 77; }
OUT=${OUT:-bench/results/loading-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
: >"$OUT/loading.jsonl"
WORK=$(mktemp -d /tmp/xskwall-loading.XXXXXX)
. tests/lab/labctl.sh
PREFIX=xwl
GEN_BIN=$BUILD_DIR/tests/lab/xskwall-gen
FW_CPU=$(($(nproc) - 1))
# the traffic's helpers (probes, receivers, samplers) stay off the worker's CPU
TRAFFIC_CPUS=0-$((FW_CPU > 0 ? FW_CPU - 1 : 0))
pin_traffic() { taskset -pc "$TRAFFIC_CPUS" "$1" >/dev/null; }
PING_PID=
FAILED=0
cleanup() {
	[ -n "$FW_PID" ] && kill -TERM "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null
	[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null || true
	"$LAB" down -p "$PREFIX" >/dev/null 2>&1 || true
	[ -n "${LOADING_KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

# bigrules SEED: the generated rules on stdout
bigrules() {
	awk -v n4="$N4" -v n6="$N6" -v seed="$1" 'BEGIN {
		x = seed % 16777216
		for (made = 0; made < n4; ) {
			x = (1664525 * x + 1013904223) % 16777216
			a = int(x / 65536); b = int(x / 256) % 256
			if (a == 0 || a == 127 || a >= 224 || (a == 198 && (b == 18 || b == 19)))
				continue
			printf "drop src %d.%d.%d.0/24\n", a, b, x % 256
			made++
		}
		y = (seed * 7919) % 4294967296
		for (made = 0; made < n6; ) {
			y = (1664525 * y + 1013904223) % 4294967296
			if (y == 0)
				continue
			printf "drop src 2001:db8:%x:%x::/64\n", int(y / 65536), y % 65536
			made++
		}
	}'
}

# Lab addresses of the probe streams (gen0's own are GEN_IP4, GEN_IP4_B, GEN_IP6)
CHG4=198.18.0.10 CHG6=2001:db8::10 DROP6=2001:db8::100
P_PASS4=40001 P_DROP4=40002 P_CHG4=40003 P_PASS6=40004 P_DROP6=40005 P_CHG6=40006

# write_configs: $WORK/A.conf and $WORK/B.conf (full daemon configs)
write_configs() {
	local s
	for s in 1 2; do
		{
			printf 'cpus %s\npolicy pass\n' "$FW_CPU"
			[ -z "$RELOAD_MEMORY" ] || printf 'reload-memory %s\n' "$RELOAD_MEMORY"
			bigrules "$s"
			printf 'drop src 198.18.200.0/24\ndrop src %s\n' "$DROP6"
			if [ "$s" = 2 ]; then printf 'drop src %s\ndrop src %s\n' "$CHG4" "$CHG6"; fi
		} | write_conf "$([ "$s" = 1 ] && echo A || echo B).conf" >/dev/null
	done
}

MACHINE=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
# emit KIND JSON_BODY: one line, with what every line carries
emit() {
	printf '{"measure":"%s","rules4":%d,"rules6":%d,"reload_memory":"%s",%s,"ncpu":%d,"kernel":"%s","cpu_model":"%s","date":"%s"}\n' \
		"$1" "$N4" "$N6" "${RELOAD_MEMORY:-release}" "$2" "$(nproc)" "$(uname -r)" "$MACHINE" "$(date -u +%FT%TZ)" |
		tee -a "$OUT/loading.jsonl"
}

kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

measure_check() {
	local rep=$1 rc=0
	/usr/bin/time -o "$WORK/time.txt" -f '%e %U %S %M %R' \
		"$XSKWALL" --check "$WORK/A.conf" >"$WORK/check.out" 2>&1 || rc=$?
	read -r wall user sys rss faults <"$WORK/time.txt"
	((rc == 0)) || { echo "loading: --check failed:" >&2; tail -5 "$WORK/check.out" >&2; FAILED=1; }
	emit check "$(printf '"rep":%d,"rc":%d,"wall_s":%s,"user_s":%s,"sys_s":%s,"max_rss_kib":%d,"minor_faults":%d' \
		"$rep" "$rc" "$wall" "$user" "$sys" "$rss" "$faults")"
}

# use_conf A|B: the daemon's file (cur.conf) becomes that config (a rename)
use_conf() {
	[ "$WORK/$1.conf" -ef "$WORK/cur.conf" ] && return 0
	ln -f "$WORK/$1.conf" "$WORK/cur.conf.new"
	mv -f "$WORK/cur.conf.new" "$WORK/cur.conf"
}

# measure_start REP CONF: exec xskwall with CONF, time the first forwarded ping
measure_start() {
	local rep=$1 conf=$2 t0 t_run= first= i
	use_conf "$conf"
	# not through a shell function: $! must be ping itself (ip execs it)
	taskset -c "$TRAFFIC_CPUS" ip netns exec "$NS_GEN" ping -D -n -i 0.01 -W 1 -w 120 "$SINK_IP4" >"$WORK/ping.log" 2>&1 &
	PING_PID=$!
	sleep 0.3
	t0=$EPOCHREALTIME
	ip netns exec "$NS_FW" "$XSKWALL" -c "$WORK/cur.conf" >"$WORK/fw.log" 2>&1 &
	FW_PID=$!
	for ((i = 0; i < 6000; i++)); do
		[ -z "$t_run" ] && grep -q "running:" "$WORK/fw.log" && t_run=$EPOCHREALTIME
		first=$(sed -n 's/^\[\([0-9.]*\)\] .*bytes from.*/\1/p;T;q' "$WORK/ping.log")
		[ -n "$first" ] && [ -n "$t_run" ] && break
		kill -0 "$FW_PID" 2>/dev/null || break
		sleep 0.01
	done
	kill "$PING_PID" 2>/dev/null || true
	wait "$PING_PID" 2>/dev/null || true
	PING_PID=
	if [ -z "$first" ] || [ -z "$t_run" ]; then
		cat "$WORK/fw.log" >&2
		echo "loading: xskwall did not start forwarding" >&2
		return 1
	fi
	sleep 1
	emit start "$(printf '"rep":%d,"config":"%s","start_s":%s,"running_s":%s,"vm_rss_kib":%d,"vm_hwm_kib":%d' \
		"$rep" "$conf" "$(secs "$t0" "$first")" "$(secs "$t0" "$t_run")" "$(kib "$FW_PID" VmRSS)" \
		"$(kib "$FW_PID" VmHWM)")"
}

# worker_tid: the daemon's thread pinned to FW_CPU; run_delay_ns TID: how
# long it has waited for a CPU while runnable (schedstat)
worker_tid() {
	local t
	for t in /proc/"$FW_PID"/task/*; do
		[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status")" = "$FW_CPU" ] && { echo "${t##*/}"; return; }
	done
	echo "$FW_PID"
}
run_delay_ns() { awk '{ print $2 }' "/proc/$FW_PID/task/$1/schedstat" 2>/dev/null || echo 0; }

sysfs() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# the counters the checks use, outside -> inside, as "NAME VALUE" lines
counters_now() {
	fw_stats || return 1
	jq -r '.totals.outside | to_entries[] | select(.key | endswith("_pps") | not) | "\(.key) \(.value)"' "$FW_STATS"
	jq -r '"xsk_lost \([.queues[].kernel.outside // {} | (.rx_dropped // 0) + (.rx_ring_full // 0)] | add // 0)"' "$FW_STATS"
	echo "sink_rx $(sysfs "$NS_SINK" "$SINK_IF" rx_packets)"
	echo "gen_txdrop $(sysfs "$NS_GEN" "$GEN_IF" tx_dropped)"
}

# measure_reload_idle REP FROM TO: the daemon's file becomes TO, and a
# reload with no traffic (measure "reload_idle")
measure_reload_idle() {
	local wt r0 r1 d0 d1 hwm0 rc=0
	use_conf "$3"
	wt=$(worker_tid)
	echo 5 >"/proc/$FW_PID/clear_refs"
	hwm0=$(kib "$FW_PID" VmHWM) d0=$(run_delay_ns "$wt")
	r0=$EPOCHREALTIME
	ctl -j reload >"$WORK/reload.json" 2>"$WORK/reload.err" || rc=$?
	r1=$EPOCHREALTIME
	d1=$(run_delay_ns "$wt")
	((rc == 0)) || { echo "loading: reload failed:" >&2; cat "$WORK/reload.err" >&2; FAILED=1; }
	emit reload_idle "$(printf '"rep":%d,"from":"%s","to":"%s","reload_ok":%s,"load_ms":%s,"ctl_wall_s":%s,"vm_hwm_before_kib":%d,"vm_hwm_kib":%d,"vm_rss_after_kib":%d,"worker_run_delay_ms":%.1f' \
		"$1" "$2" "$3" "$( ((rc == 0)) && echo true || echo false)" \
		"$(jq -r '.load_ms // "null"' "$WORK/reload.json" 2>/dev/null || echo null)" \
		"$(secs "$r0" "$r1")" "$hwm0" "$(kib "$FW_PID" VmHWM)" "$(kib "$FW_PID" VmRSS)" \
		"$(awk -v a="$d0" -v b="$d1" 'BEGIN { print (b - a) / 1e6 }')")"
	sleep 1
}

# counters_settled FILE: read until two readings agree (the worker may hold
# the last frames for a moment)
counters_settled() {
	local prev=
	for _ in $(seq 50); do
		counters_now >"$1"
		[ -n "$prev" ] && [ "$(cat "$1")" = "$prev" ] && return 0
		prev=$(cat "$1")
		sleep 0.2
	done
}

# sender NAME SRC DST PORT: one paced udp-stream (1 000 datagrams/s) until
# $WORK/stop exists or SEND_UNTIL; the total in $WORK/NAME.sent, the first
# and last datagram's time (roughly) in $WORK/NAME.t. One process per
# stream: a loop of short udp-sends spent more of the traffic CPU on forks
# and `ip netns exec` than the daemon's loader got of it.
sender() {
	local s=$EPOCHREALTIME out
	pin_traffic $BASHPID
	out=$(in_gen "$PROBE" udp-stream -s "$2" "$3" "$4" $((SEND_UNTIL - ${EPOCHREALTIME%.*})) \
		"$WORK/stop" 2>&1) || true
	echo "sent $(awk '$1 == "sent" { print $2 }' <<<"$out")" >"$WORK/$1.sent"
	echo "$s $EPOCHREALTIME" >"$WORK/$1.t"
}

# receiver NAME ADDR PORT SECONDS: udp-recv in sink, started and listening
receiver() {
	taskset -c "$TRAFFIC_CPUS" ip netns exec "$NS_SINK" "$PROBE" udp-recv "$2" "$3" "$4" >"$WORK/$1.recv" &
	RECV_PIDS+=($!)
	probe_wait_listening "$WORK/$1.recv" $!
}

# loss_sampler: the socket ring drops every 0.5 s, "TIME COUNT" lines
loss_sampler() {
	pin_traffic $BASHPID
	while [ ! -e "$WORK/stop" ]; do
		echo "$EPOCHREALTIME $(ctl -j stats 2>/dev/null | jq '[.queues[].kernel.outside // {} | (.rx_dropped // 0) + (.rx_ring_full // 0)] | add // 0')"
		sleep 0.5
	done >"$WORK/losses"
}

STREAMS="pass4 drop4 chg4 pass6 drop6 chg6"
# measure_traffic REP FROM TO: the load and the probe streams cross the
# running daemon for LOAD_S seconds; TO = FROM: nothing else happens (the
# control, measure "steady"); else its file becomes TO and, RELOAD_AT_S in,
# a reload (measure "reload"). The probe streams stop 1 s after the reload
# returned (or RELOAD_AT_S + 2 s in), the load after LOAD_S seconds.
measure_traffic() {
	local rep=$1 from=$2 to=$3 recv_s=$((LOAD_S + 8)) pids=() hwm0= r0= r1= hwm= rss1= rc=0
	RECV_PIDS=()
	rm -f "$WORK/stop"
	use_conf "$to"
	SEND_UNTIL=$((${EPOCHREALTIME%.*} + recv_s - 3)) # the receivers outlast every sender
	receiver pass4 "$SINK_IP4" $P_PASS4 $recv_s
	receiver drop4 "$SINK_IP4_B" $P_DROP4 $recv_s
	receiver chg4 "$SINK_IP4" $P_CHG4 $recv_s
	receiver pass6 "$SINK_IP6" $P_PASS6 $recv_s
	receiver drop6 "$SINK_IP6" $P_DROP6 $recv_s
	receiver chg6 "$SINK_IP6" $P_CHG6 $recv_s
	counters_settled "$WORK/c0"
	local l_t0=$EPOCHREALTIME
	in_gen "$GEN_BIN" --dev "$GEN_IF" --dst-mac "$OUT_MAC" --src 198.18.1.0-198.18.127.255 \
		--dst 198.19.0.2 --rate "$LOAD_PPS" --count $((LOAD_PPS * LOAD_S)) --mode afxdp \
		--cpus 0 --json >"$WORK/gen.json" 2>"$WORK/gen.err" &
	pids+=($!)
	sender pass4 "$GEN_IP4" "$SINK_IP4" $P_PASS4 &
	pids+=($!)
	sender drop4 "$GEN_IP4_B" "$SINK_IP4_B" $P_DROP4 &
	pids+=($!)
	sender chg4 "$CHG4" "$SINK_IP4" $P_CHG4 &
	pids+=($!)
	sender pass6 "$GEN_IP6" "$SINK_IP6" $P_PASS6 &
	pids+=($!)
	sender drop6 "$DROP6" "$SINK_IP6" $P_DROP6 &
	pids+=($!)
	sender chg6 "$CHG6" "$SINK_IP6" $P_CHG6 &
	pids+=($!)
	loss_sampler &
	pids+=($!)
	sleep "$RELOAD_AT_S"
	local wt d0 d1
	wt=$(worker_tid)
	if [ "$to" != "$from" ]; then
		echo 5 >"/proc/$FW_PID/clear_refs"
		hwm0=$(kib "$FW_PID" VmHWM)
		d0=$(run_delay_ns "$wt")
		r0=$EPOCHREALTIME
		ctl -j reload >"$WORK/reload.json" 2>"$WORK/reload.err" || rc=$?
		r1=$EPOCHREALTIME
		d1=$(run_delay_ns "$wt")
		hwm=$(kib "$FW_PID" VmHWM) rss1=$(kib "$FW_PID" VmRSS)
		((rc == 0)) || { echo "loading: reload failed:" >&2; cat "$WORK/reload.err" >&2; }
		sleep 1
	else
		sleep 2
	fi
	touch "$WORK/stop"
	wait "${pids[@]}" || true
	local l_t1=$EPOCHREALTIME
	wait "${RECV_PIDS[@]}"
	counters_settled "$WORK/c1"
	if [ "$to" != "$from" ]; then
		traffic_emit reload "$rep" "$(printf '"from":"%s","to":"%s","reload_ok":%s,"load_ms":%s,"ctl_wall_s":%s,"vm_hwm_before_kib":%d,"vm_hwm_kib":%d,"vm_rss_after_kib":%d,"vm_rss_end_kib":%d,"worker_run_delay_ms":%.1f' \
			"$from" "$to" "$( ((rc == 0)) && echo true || echo false)" \
			"$(jq -r '.load_ms // "null"' "$WORK/reload.json" 2>/dev/null || echo null)" \
			"$(secs "$r0" "$r1")" "$hwm0" "$hwm" "$rss1" "$(kib "$FW_PID" VmRSS)" \
			"$(awk -v a="$d0" -v b="$d1" 'BEGIN { print (b - a) / 1e6 }')")" "$l_t0" "$l_t1" "$r0" "$r1"
	else
		traffic_emit steady "$rep" "$(printf '"config":"%s"' "$from")" "$l_t0" "$l_t1" 0 0
	fi
}

# traffic_emit MEASURE REP JSON_HEAD T0 T1 R0 R1: the accounting (see the
# header) and the JSON line. Every frame we sent ends in exactly one of:
# gen0's tx_dropped, the socket ring drops, xskwall's tx_full, drop_rule,
# drop_policy, lost between xskwall's TX and sink0, or sink0.
traffic_emit() {
	local v=() n
	for n in $STREAMS; do
		v+=(-v "sent_$n=$(awk '$1 == "sent" { print $2 }' "$WORK/$n.sent")")
		v+=(-v "t_$n=$(cat "$WORK/$n.t")")
		v+=(-v "got_$n=$(probe_received "$WORK/$n.recv")")
	done
	emit "$1" "$(awk -v rep="$2" -v head="$3" -v lt0="$4" -v lt1="$5" -v r0="$6" -v r1="$7" \
		-v lpps="$LOAD_PPS" -v gsent="$(jq -r '.sent' "$WORK/gen.json")" "${v[@]}" '
	function within(t,   a) { split(t, a, " "); return a[1] < r0 && a[2] > r1 }
	function abs(x) { return x < 0 ? -x : x }
	FILENAME ~ /c0$/ { c0[$1] = $2 } FILENAME ~ /c1$/ { c1[$1] = $2 }
	FILENAME ~ /losses$/ && NF == 2 {
		if (r0 && $1 >= r0 && !a0) { a0 = 1; lr0 = lp + 0 }
		if (r0 && $1 > r1 && !a1) { a1 = 1; lr1 = $2 }
		lp = $2
	}
	END {
		if (!a1) lr1 = lp
		for (k in c1) d[k] = c1[k] - c0[k]
		probes = sent_pass4 + sent_drop4 + sent_chg4 + sent_pass6 + sent_drop6 + sent_chg6
		got = got_pass4 + got_chg4 + got_pass6 + got_chg6
		chg_sent = sent_chg4 + sent_chg6; chg_got = got_chg4 + got_chg6
		chg_dropped = d["drop_rule"] - sent_drop4 - sent_drop6
		sent = gsent + probes
		lost_before = d["gen_txdrop"] + d["xsk_lost"]
		lost_in = d["tx_full"] + abs(d["rx"] - d["fwd"] - d["drop_rule"] - d["drop_policy"] - d["tx_full"])
		lost_after = d["fwd"] - d["sink_rx"]
		lost = sent - d["sink_rx"] - d["drop_rule"] - d["drop_policy"]
		chatter = d["rx"] + lost_before - sent
		# misclassified: drop frames that reached the sink (exact); with
		# nothing lost, every per-stream balance is exact too; otherwise
		# only rule drops beyond every frame a rule could drop are certain
		misfwd = got_drop4 + got_drop6
		if (lost == 0)
			mis = misfwd + d["drop_policy"] + (sent_pass4 + sent_pass6 - got_pass4 - got_pass6) + \
				abs(chg_sent - chg_got - chg_dropped) + abs(gsent - (d["sink_rx"] - got - misfwd))
		else
			mis = misfwd + d["drop_policy"] + (chg_dropped > chg_sent ? chg_dropped - chg_sent : 0)
		printf "\"rep\":%d,%s,\"load_pps\":%d,\"traffic_s\":%.3f,\"sent\":%d,\"gen_sent\":%d,\"probes_sent\":%d,", rep, head, lpps, lt1 - lt0, sent, gsent, probes
		printf "\"rx\":%d,\"fwd\":%d,\"drop_rule\":%d,\"drop_policy\":%d,\"sink_rx\":%d,\"probes_received\":%d,", d["rx"], d["fwd"], d["drop_rule"], d["drop_policy"], d["sink_rx"], got
		printf "\"pass_sent\":%d,\"pass_received\":%d,\"drop_sent\":%d,\"drop_received\":%d,", sent_pass4 + sent_pass6, got_pass4 + got_pass6, sent_drop4 + sent_drop6, got_drop4 + got_drop6
		printf "\"change_sent\":%d,\"change_received\":%d,\"change_dropped\":%d,", chg_sent, chg_got, chg_dropped
		printf "\"gen0_tx_dropped\":%d,\"xsk_ring_lost\":%d,", d["gen_txdrop"], d["xsk_lost"]
		covered = within(t_pass4) && within(t_drop4) && within(t_chg4) && within(t_pass6) && \
			within(t_drop6) && within(t_chg6) && (lt1 > r1)
		if (r0) printf "\"xsk_ring_lost_during_reload\":%d,\"streams_cover_reload\":%s,", lr1 - lr0, covered ? "true" : "false"
		printf "\"lost_before_fw\":%d,\"lost_in_fw\":%d,\"lost_after_fw\":%d,\"chatter\":%d,", lost_before, lost_in, lost_after, chatter
		printf "\"frames_lost\":%d,\"frames_misclassified\":%d,\"misclassified_exact\":%s", lost, mis, lost == 0 ? "true" : "false"
	}' "$WORK/c0" "$WORK/c1" "$WORK/losses")"
}

# The summary: every figure beside the issue's target (a target is met when
# every repetition meets it, "median only" when the median does)
summary() {
	echo
	echo "Loading at scale: $N4 IPv4 + $N6 IPv6 rules, reload-memory ${RELOAD_MEMORY:-release}, $REPS repetitions ($(date -u +%F))"
	echo "machine: $(nproc) CPUs ($MACHINE), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)${MACHINE_NOTE:+; $MACHINE_NOTE}"
	(($(nproc) <= 2)) && echo "(2 cores: the traffic, the daemon's worker and its loader share them)"
	echo
	awk '
	function num(k,   v) { return match($0, "\"" k "\":[-0-9.]+") ? substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0 : "" }
	function add(name, v) { if (v == "") return; n[name]++; x[name, n[name]] = v }
	/"measure":"check"/ { add("cw", num("wall_s")); add("cu", num("user_s")); add("cs", num("sys_s")); add("cm", num("max_rss_kib") / 1024); add("cf", num("minor_faults")) }
	/"measure":"start"/ { add("ss", num("start_s")); add("sr", num("running_s")); add("rss", num("vm_rss_kib") / 1024); add("hwm", num("vm_hwm_kib") / 1024) }
	/"measure":"reload"/ { add("rl", num("load_ms") / 1000); add("rw", num("ctl_wall_s")); add("rp", num("vm_hwm_kib") / 1024); add("ra", num("vm_rss_end_kib") / 1024)
		add("rs", num("sent")); add("rc", num("change_sent")); add("rx", num("frames_lost")); add("rd", num("xsk_ring_lost_during_reload")); add("rq", num("worker_run_delay_ms") / 1000)
		add("rm", num("frames_misclassified")) }
	/"measure":"reload_idle"/ { add("il", num("load_ms") / 1000); add("ip", num("vm_hwm_kib") / 1024) }
	/"measure":"steady"/ { add("qs", num("sent")); add("qx", num("frames_lost")); add("qm", num("frames_misclassified")) }
	function sort(k,   i, j, t) { for (i = 1; i <= n[k]; i++) s[i] = x[k, i]
		for (i = 2; i <= n[k]; i++) for (j = i; j > 1 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t } }
	function med(k) { sort(k); return n[k] % 2 ? s[(n[k] + 1) / 2] : (s[n[k] / 2] + s[n[k] / 2 + 1]) / 2 }
	function fig(k, f,   m) { if (!n[k]) return "-"; m = med(k); sort(k)
		return sprintf(f " (" f "-" f ", %d)", m, s[1], s[n[k]], n[k]) }
	function verdict(k, lim,   m) { if (!n[k]) return "not measured"; m = med(k); sort(k)
		return s[n[k]] <= lim ? "met" : (m <= lim ? "median only" : "missed") }
	function row(what, target, k, f, lim) { printf "| %s | %s | %s | %s |\n", what, target, fig(k, f), lim == "" ? "" : verdict(k, lim) }
	END {
		print "| measurement | target | median (min-max, reps) | |"
		print "|---|---|---:|---|"
		row("`--check`: wall time, s", "<= 1", "cw", "%.2f", 1)
		row("`--check`: user time, s", "", "cu", "%.2f", "")
		row("`--check`: system time, s", "", "cs", "%.2f", "")
		row("`--check`: max resident, MiB", "", "cm", "%.0f", "")
		row("`--check`: minor page faults", "", "cf", "%.0f", "")
		row("start: exec to the first forwarded ping, s", "<= 2", "ss", "%.2f", 2)
		row("start: exec to \"running:\", s", "", "sr", "%.2f", "")
		row("start: resident (VmRSS) 1 s after, MiB", "<= 256", "rss", "%.0f", 256)
		row("start: peak resident (VmHWM), MiB", "", "hwm", "%.0f", "")
		row("reload, no traffic: request to new rules in force, s", "<= 1.5", "il", "%.2f", 1.5)
		row("reload, no traffic: peak resident (VmHWM), MiB", "<= 400", "ip", "%.0f", 400)
		row("reload under load: request to new rules in force, s", "<= 1.5", "rl", "%.2f", 1.5)
		row("reload under load: `xskwallctl reload` wall time, s", "", "rw", "%.2f", "")
		row("reload under load: peak resident (VmHWM), MiB", "<= 400", "rp", "%.0f", 400)
		row("reload under load: resident after, MiB", "", "ra", "%.0f", "")
		row("reload under load: worker waiting for its CPU, s", "", "rq", "%.2f", "")
		row("reload under load: frames sent", "", "rs", "%.0f", "")
		row("reload under load: of them, in the streams the reload turns", "", "rc", "%.0f", "")
		row("reload under load: frames lost", "0", "rx", "%.0f", 0)
		row("reload under load: of them, at the socket ring while the reload ran", "", "rd", "%.0f", "")
		row("reload under load: frames misclassified", "0", "rm", "%.0f", 0)
		row("same load, no reload (control): frames sent", "", "qs", "%.0f", "")
		row("same load, no reload (control): frames lost", "", "qx", "%.0f", "")
		row("same load, no reload (control): frames misclassified", "", "qm", "%.0f", "")
	}' "$OUT/loading.jsonl"
}

"$LAB" up -p "$PREFIX" >/dev/null
lab_attach "$PREFIX"
write_configs
ip -n "$NS_GEN" addr add "$CHG4/24" dev "$GEN_IF"
ip -n "$NS_GEN" -6 addr add "$CHG6/64" dev "$GEN_IF" nodad
ip -n "$NS_GEN" -6 addr add "$DROP6/64" dev "$GEN_IF" nodad
OUT_MAC=$(ip -n "$NS_FW" link show "$FW_OUT" | awk '/link\/ether/ { print $2 }')
for rep in $(seq "$REPS"); do
	measure_check "$rep"
done
for rep in $(seq "$REPS"); do
	from=A to=B
	((rep % 2)) || { from=B to=A; }
	measure_start "$rep" "$from" || { FAILED=1; break; }
	measure_reload_idle "$rep" "$from" "$to"
	measure_traffic "$rep" "$to" "$to"
	measure_traffic "$rep" "$to" "$from"
	fw_stop
done
summary | tee "$OUT/loading.md"
grep '"measure":"reload"' "$OUT/loading.jsonl" | grep -qv '"frames_lost":0,' && FAILED=1
grep '"measure":"reload"' "$OUT/loading.jsonl" | grep -qv '"frames_misclassified":0,' && FAILED=1
grep '"measure":"reload"' "$OUT/loading.jsonl" | grep -q '"reload_ok":false' && FAILED=1
[ "$(grep -c '"measure":"reload"' "$OUT/loading.jsonl")" = "$REPS" ] || FAILED=1
echo "results: $OUT/loading.jsonl $OUT/loading.md"
exit "$FAILED"
