# bench/run/bench-lib.sh - the steps of bench/run/bench.sh (sourced after labctl.sh).
#
# Every measurement runs the same generator command for WARMUP + SECONDS_RUN
# + 1 seconds and keeps the per-second samples of the SECONDS_RUN seconds
# after the warm-up: forwarded = the sink's XDP counter, dropped = the
# firewall's own drop counter (xskwall's table, nftables' named counter).

BENCH_BIN=$BUILD_DIR/bench    # the measuring tools (bench/tools/)
LAB_BIN=$BUILD_DIR/tests/lab  # the lab's traffic tools (tests/lab/)
GEN_BIN=$LAB_BIN/xskwall-gen
SINK_BIN=$BENCH_BIN/xskwall-sink
CEILING_BIN=$BENCH_BIN/xskwall-ceiling
BARE_BIN=$LAB_BIN/xskwall-afxdp-bare
# Where things run: generator threads on GEN_CPUS, firewall on FW_CPUS
# (comma lists; bench/run/scaling.sh sets them for several queues).
GEN_THREADS=${GEN_THREADS:-1}
GEN_CPUS=${GEN_CPUS:-0}
FW_CPUS=${FW_CPUS:-$(($(nproc) - 1))}
QUEUES=${QUEUES:-1}
ROUTED_DST=198.19.0.2
FWD_SRC=198.18.1.0-198.18.127.255   # matches no rule
DROP_SRC=198.18.128.0-198.18.255.255 # matches the last rule of every set
GEN_ONLY_MPPS=0
GEN_KIND=unknown

bench_cleanup() {
	[ -n "${FW_PID:-}" ] && kill -TERM "$FW_PID" 2>/dev/null && wait "$FW_PID" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null || true
	"$LAB" down -p "$PREFIX" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}

# The lab, plus what kernel forwarding needs: addresses on fw's ports, a
# route to the sink's second subnet, a static neighbour, forwarding on, and
# GRO on out0 (so its veth accepts XDP_TX frames from the generator when no
# XDP program is attached there). No RPS: the kernel's receive work stays
# where the kernel puts it, for nftables and xskwall alike (an RPS mask that
# moved it onto the firewall's CPU slowed nftables two to three times).
bench_lab_up() {
	"$LAB" up -p "$PREFIX" -q "$QUEUES"
	lab_attach "$PREFIX"
	OUT_MAC=$(ip -n "$NS_FW" link show "$FW_OUT" | awk '/link\/ether/ { print $2 }')
	ip -n "$NS_FW" addr add 198.18.0.254/24 dev "$FW_OUT"
	ip -n "$NS_FW" addr add 198.19.0.254/24 dev "$FW_IN"
	ip -n "$NS_SINK" addr add "$ROUTED_DST/24" dev "$SINK_IF"
	ip -n "$NS_FW" neigh replace "$ROUTED_DST" lladdr "$SINK_MAC" dev "$FW_IN" nud permanent
	ns_sysctl "$NS_FW" net/ipv4/ip_forward=1 net/ipv4/conf/all/rp_filter=0 \
		net/ipv4/conf/default/rp_filter=0 "net/ipv4/conf/$FW_OUT/rp_filter=0"
	in_fw ethtool -K "$FW_OUT" gro on >/dev/null 2>&1 || echo "bench: cannot turn GRO on (no ethtool?): kernel scenarios need it" >&2
}

# cpu_busy: "cpuN:jiffies ..." busy time per CPU (user nice system irq softirq steal)
cpu_busy() { awk '/^cpu[0-9]/ { printf "%s:%d ", $1, $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Firewall drop counters: "DECIDED OTHER" (decided: by a rule or policy;
# other: counted elsewhere, e.g. ring overflows). One function per kind.
drops_none() { echo "0 0"; }
drops_xskwall() {
	fw_stats || return 1
	jq -r '[.totals[] | .drop_rule + .drop_policy] as $d | [.totals[] | .tx_full] as $o
		| [.queues[].kernel[] | .rx_dropped + .rx_ring_full] as $k
		| "\($d | add) \(($o | add) + ($k | add // 0))"' "$FW_STATS"
}
# the bare AF_XDP baselines: rxdrop decides (drops) every frame it receives
drops_bare() {
	local last n
	n=$(grep -c '"t":' "$WORK/bare.jsonl" || true)
	kill -USR1 "$BARE_PID" 2>/dev/null || true
	for _ in $(seq 20); do
		[ "$(grep -c '"t":' "$WORK/bare.jsonl" || true)" -gt "$n" ] && break
		sleep 0.05
	done
	last=$(grep '"t":' "$WORK/bare.jsonl" 2>/dev/null | tail -1)
	awk -v l="$last" -v mode="$BARE_MODE" 'function v(k,   m) { return match(l, "\"" k "\":[0-9]+") ? substr(l, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0 : 0 }
		BEGIN { print (mode == "rxdrop" ? v("rx") : 0), v("tx_full") + v("k_rx_dropped") + v("k_rx_full") }'
}
# backlog drops of the kernel stack (second column of softnet_stat, hex)
softnet_drops() {
	local s=0 _ d _rest
	while read -r _ d _rest; do s=$((s + 16#$d)); done </proc/net/softnet_stat
	echo "$s"
}
# (xskwall-nftcount, not nft(8): nft dumps every set element before it
# lists a counter, a minute of CPU with a million-element set)
drops_nft() {
	local n
	n=$(in_fw "$BENCH_BIN/xskwall-nftcount" --family "$NFT_FAMILY" --table xwb --counter dropped |
		cut -d' ' -f1)
	echo "${n:-0} $(softnet_drops)"
}

# bench_generate SRC SECONDS: the same traffic from the kernel's pktgen
# where /proc/net/pktgen exists (BENCH_GEN=xdp forces ours), else from
# xskwall-gen; one JSON line naming the generator either way.
bench_generate() {
	if ip netns exec "$NS_GEN" test -e /proc/net/pktgen && [ "${BENCH_GEN:-auto}" != xdp ]; then
		ip netns exec "$NS_GEN" bash bench/run/pktgen.sh -d "$GEN_IF" -m "$OUT_MAC" -t "$GEN_THREADS" \
			-f "${GEN_CPUS%%,*}" -S "$1" -T "$ROUTED_DST" -D "$2" -q -j
	else
		ip netns exec "$NS_GEN" "$GEN_BIN" --dev "$GEN_IF" --dst-mac "$OUT_MAC" --src "$1" \
			--dst "$ROUTED_DST" --duration "$2" --threads "$GEN_THREADS" --cpus "$GEN_CPUS" --json
	fi
}

# sleep_until T0 I: sleep until I seconds after T0 (samples do not drift by
# the time each sample takes)
sleep_until() {
	sleep "$(awk -v t0="$1" -v i="$2" -v now="$(date +%s.%N)" 'BEGIN { d = t0 + i - now; print (d > 0 ? d : 0) }')"
}

# bench_measure NAME MIX RULES DROPS_FN [SINK_NS SINK_IF]: run the generator,
# sample every second, append one JSON line and one CSV row.
bench_measure() {
	local name=$1 mix=$2 rules=$3 drops_fn=$4 sns=${5:-$NS_SINK} sif=${6:-$SINK_IF}
	local total=$((WARMUP + SECONDS_RUN + 1)) src=$FWD_SRC
	[ "$mix" = drop ] && src=$DROP_SRC
	ip netns exec "$sns" "$SINK_BIN" --dev "$sif" --duration $((total + 2)) --json >"$WORK/sink.jsonl" &
	local sink_pid=$!
	sleep 0.5
	local d0
	d0=$($drops_fn)
	bench_generate "$src" $((total + 1)) >"$WORK/gen.json" &
	local gen_pid=$! t0
	t0=$(date +%s.%N)
	: >"$WORK/samples"
	for i in $(seq "$total"); do
		sleep_until "$t0" "$i"
		echo "$i $(date +%s.%N) $($drops_fn) $(cpu_busy)" >>"$WORK/samples"
	done
	wait "$gen_pid" || true
	sleep 0.3
	local d1
	d1=$($drops_fn)
	kill -TERM "$sink_pid" 2>/dev/null || true
	wait "$sink_pid" || true
	bench_emit "$name" "$mix" "$rules" "$d0" "$d1" "$t0"
}

# Medians and totals from the samples, then the JSON line and CSV row.
bench_emit() {
	local name=$1 mix=$2 rules=$3 d0=$4 d1=$5 line
	GEN_KIND=$(sed -n 's/.*"generator":"\([^"]*\)".*/\1/p' "$WORK/gen.json")
	line=$(awk -v name="$name" -v mix="$mix" -v rules="$rules" -v w="$WARMUP" -v s="$SECONDS_RUN" \
		-v d0="$d0" -v d1="$d1" -v genonly="$GEN_ONLY_MPPS" -v gencpus="$GEN_CPUS" \
		-v fwcpus="$FW_CPUS" -v ncpu="$(nproc)" -v kernel="$(uname -r)" -v queues="$QUEUES" \
		-v busypoll="${BUSY_POLL:+on}" -v rep="${REP:-1}" \
		-f bench/report/bench-stats.awk "$WORK/gen.json" "$WORK/sink.jsonl" "$WORK/samples")
	echo "$line" | tee -a "$OUT/results.jsonl"
}

last_fwd_mpps() { tail -1 "$OUT/results.jsonl" | sed -n 's/.*"fwd_mpps_median":\([0-9.]*\).*/\1/p'; }

bench_gen_only() {
	echo "== gen-only: the generator into an XDP drop on fw's $FW_OUT" >&2
	bench_measure gen-only forward 0 drops_none "$NS_FW" "$FW_OUT"
	GEN_ONLY_MPPS=$(last_fwd_mpps)
}

# bench_calibrate start|end: the generator alone and the XDP redirect
# ceiling, at the start and again at the end of the run; bench_verdict
# compares them (REP says which in results.jsonl)
bench_calibrate() {
	REP=$1
	bench_gen_only
	bench_ceiling
	echo "$1 $GEN_ONLY_MPPS $(last_fwd_mpps)" >>"$OUT/calibration.txt"
}

# A run is publishable when neither calibration moved more than
# CALIB_TOLERANCE (a fraction) between start and end, and both reach at
# least CALIB_FLOOR of this machine's reference (REF_GEN_MPPS,
# REF_CEILING_MPPS: what the same lab gives on this VM in a normal phase).
bench_verdict() {
	awk -v tol="${CALIB_TOLERANCE:-0.15}" -v floor="${CALIB_FLOOR:-0.5}" \
		-v rg="${REF_GEN_MPPS:-17}" -v rc="${REF_CEILING_MPPS:-11}" '
		{ g[$1] = $2; c[$1] = $3 }
		function drift(a, b) { return a > 0 ? (b > a ? b - a : a - b) / a : 1 }
		END {
			why = ""
			if (drift(g["start"], g["end"]) > tol) why = why sprintf("generator moved %.2f -> %.2f Mpps; ", g["start"], g["end"])
			if (drift(c["start"], c["end"]) > tol) why = why sprintf("ceiling moved %.2f -> %.2f Mpps; ", c["start"], c["end"])
			if (g["start"] < floor * rg) why = why sprintf("generator %.2f Mpps is below %.0f%% of this machine'"'"'s %.1f; ", g["start"], floor * 100, rg)
			if (c["start"] < floor * rc) why = why sprintf("ceiling %.2f Mpps is below %.0f%% of this machine'"'"'s %.1f; ", c["start"], floor * 100, rc)
			printf "{\"gen_only_start\":%.3f,\"gen_only_end\":%.3f,\"ceiling_start\":%.3f,\"ceiling_end\":%.3f,", g["start"], g["end"], c["start"], c["end"]
			printf "\"tolerance\":%s,\"floor\":%s,\"ref_gen_mpps\":%s,\"ref_ceiling_mpps\":%s,", tol, floor, rg, rc
			printf "\"publishable\":%s,\"why_not\":\"%s\"}\n", why == "" ? "true" : "false", why
		}' "$OUT/calibration.txt" >"$OUT/calibration.json"
	cat "$OUT/calibration.json" >&2
}

bench_ceiling() {
	echo "== ceiling: XDP devmap redirect $FW_OUT -> $FW_IN" >&2
	# not through a shell function: $! must be the tool itself, or the
	# TERM below misses it and its program stays on out0 into the next scenario
	ip netns exec "$NS_FW" "$CEILING_BIN" --in "$FW_OUT" --out "$FW_IN" \
		--seconds $((WARMUP + SECONDS_RUN + 4)) >/dev/null &
	local pid=$!
	sleep 0.5
	bench_measure ceiling forward 0 drops_none
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || true
}

# bench_rules N: the rule files for N rules (bench/run/rules.sh)
bench_rules() {
	bench/run/rules.sh "$1" "$WORK/rules.xw" "$WORK/rules.nft"
	RULES_N=$1
}

# nftables: forward-heavy through the forward hook of kernel forwarding,
# drop-heavy at netdev ingress (nftables' earliest hook). Same rules.
bench_nft_load() {
	local mix=$1 f=$WORK/ruleset.nft
	if [ "$mix" = forward ]; then
		NFT_FAMILY=inet
		printf 'table inet xwb {\n counter dropped { }\n set blk4 { type ipv4_addr; flags interval; }\n chain forward_filter { type filter hook forward priority filter; policy accept;\n' >"$f"
	else
		NFT_FAMILY=netdev
		printf 'table netdev xwb {\n counter dropped { }\n set blk4 { type ipv4_addr; flags interval; }\n chain ingress_filter { type filter hook ingress device "%s" priority -500; policy accept;\n' "$FW_OUT" >"$f"
	fi
	if [ "$RULES_N" -gt 0 ]; then
		printf '  icmp type echo-request counter name dropped drop\n  ip saddr @blk4 counter name dropped drop\n' >>"$f"
	fi
	printf ' }\n}\n' >>"$f"
	awk -v fam="$NFT_FAMILY" 'NR % 20000 == 1 { if (NR > 1) print " }"; printf "add element %s xwb blk4 { %s", fam, $0; next }
		{ printf ", %s", $0 } END { if (NR) print " }" }' "$WORK/rules.nft" >>"$f"
	in_fw nft -f "$f"
}

bench_nft() {
	local mix=$1 n=$2 t0 t1
	echo "== nft ($mix-heavy, $n rules)" >&2
	t0=$(date +%s.%N)
	bench_nft_load "$mix"
	t1=$(date +%s.%N)
	echo "   nft loaded $n rules in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" >&2
	bench_measure "nft-$( [ "$mix" = forward ] && echo forward-hook || echo netdev-ingress)" "$mix" "$n" drops_nft
	in_fw nft delete table "$NFT_FAMILY" xwb
}

bp_label() { [ -n "${BUSY_POLL:-}" ] && echo on || echo off; }

# busy_poll_knobs DEFER TIMEOUT_NS: the device settings preferred busy
# polling needs on fw's ports (README, busy-poll); 0 0 restores the defaults
busy_poll_knobs() {
	local dev
	for dev in "$FW_OUT" "$FW_IN"; do
		in_fw sh -c "echo $1 >/sys/class/net/$dev/napi_defer_hard_irqs && echo $2 >/sys/class/net/$dev/gro_flush_timeout"
	done
}

# bench_bare rxdrop|fwd MIX: the bare AF_XDP baseline, on the same queue,
# rings, CPU and busy-poll setting as xskwall (BARE_TOUCH=1: rxdrop reads
# each frame's first byte, scenario afxdp-bare-rxdrop-touch)
bench_bare() {
	BARE_MODE=$1
	local name=afxdp-bare-$1${BARE_TOUCH:+-touch}
	echo "== $name (busy-poll $(bp_label))" >&2
	# not through a shell function: $! must be the tool itself (ip execs it)
	ip netns exec "$NS_FW" "$BARE_BIN" --mode "$1" --outside "$FW_OUT" --inside "$FW_IN" --cpu "${FW_CPUS%%,*}" \
		--seconds $((WARMUP + SECONDS_RUN + 6)) ${BUSY_POLL:+--busy-poll} ${BARE_TOUCH:+--touch} \
		>"$WORK/bare.jsonl" &
	BARE_PID=$!
	for _ in $(seq 50); do
		grep -q '"t":' "$WORK/bare.jsonl" && break
		sleep 0.1
	done
	grep -q '"t":' "$WORK/bare.jsonl" || { echo "bench: xskwall-afxdp-bare did not start" >&2; return 1; }
	bench_measure "$name" "$2" 0 drops_bare
	kill -TERM "$BARE_PID" 2>/dev/null || true
	wait "$BARE_PID" || true
}

bench_xskwall_start() {
	local conf=$WORK/xskwall.conf
	{
		CTL_SOCK=$WORK/ctl.sock
		printf 'port outside %s\nport inside %s\ncpus %s\ncontrol-socket %s\n' "$FW_OUT" \
			"$FW_IN" "$FW_CPUS" "$CTL_SOCK"
		[ -n "${BUSY_POLL:-}" ] && echo "busy-poll on"
		cat "$WORK/rules.xw"
	} >"$conf"
	fw_start "$conf" "$WORK/fw.log"
}

bench_xskwall() {
	local mix=$1 n=$2
	echo "== xskwall ($mix-heavy, $n rules, busy-poll $(bp_label))" >&2
	bench_xskwall_start
	bench_measure xskwall "$mix" "$n" drops_xskwall
	fw_stop
}

bench_reload() {
	local n=$1
	echo "== reload: xskwall forwarding, $n rules reloaded every second" >&2
	bench_xskwall_start
	( while kill -HUP "$FW_PID" 2>/dev/null; do sleep 1; done ) &
	local hup=$!
	bench_measure xskwall-reload forward "$n" drops_xskwall
	kill "$hup" 2>/dev/null || true
	wait "$hup" 2>/dev/null || true
	echo "   reloads done: $(grep -c 'reloaded' "$FW_LOG"), failed: $(grep -c 'reload failed' "$FW_LOG" || true)" >&2
	fw_stop
}

bench_classify() {
	local rules=1,10,1000,100000,1000000 seconds=0.2
	((SMOKE)) && rules=1,10,1000 seconds=0.05
	echo "== classifier alone (one core, no I/O)" >&2
	taskset -c "${FW_CPUS%%,*}" "$BENCH_BIN/xskwall-classify-bench" --rules "$rules" \
		--seconds "$seconds" | tee "$OUT/classify.jsonl"
}

# The worker's whole userspace path without the kernel (xskwall-ring-bench:
# fp_worker_round on rings in plain memory, a stand-in for the kernel on the
# same core, timed apart), on the firewall's first CPU, REPS interleaved
# repetitions of every scenario.
bench_ring() {
	local args=(--seconds 0.5 --runs 5 --reps "$REPS")
	((SMOKE)) && args=(--rules 10,1000 --target 1000+200 --seconds 0.02 --runs 1 --packets 4096)
	echo "== worker path alone (one core, rings in memory)" >&2
	"$BENCH_BIN/xskwall-ring-bench" --cpu "${FW_CPUS%%,*}" "${args[@]}" | tee "$OUT/ring.jsonl"
}

bench_report() {
	bench_verdict
	awk -f bench/report/bench-csv.awk "$OUT/results.jsonl" >"$OUT/results.csv"
	if command -v gnuplot >/dev/null; then
		bash bench/report/plot.sh "$OUT" || echo "plots failed" >&2
	fi
	echo "results: $OUT/results.jsonl $OUT/results.csv $(ls "$OUT"/*.png 2>/dev/null | tr '\n' ' ')"
}
