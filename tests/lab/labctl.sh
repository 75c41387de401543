# tests/lab/labctl.sh - drive the lab from a script (sourced): run xskwall in
# fw, read its counters, and send exact traffic with xskwall-probe.
#
# The caller sets WORK (a scratch folder) and has run `tests/lab/lab.sh up`;
# lab_attach PREFIX loads the lab's names. Used by tests/lab/demo.sh and by
# the end-to-end tests (tests/netns/lib.sh).

LABCTL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$LABCTL_DIR/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRC_DIR/build}
XSKWALL=$BUILD_DIR/control/xskwall
XSKWALLCTL=$BUILD_DIR/control/xskwallctl
PROBE=$BUILD_DIR/tests/lab/xskwall-probe
LAB=$SRC_DIR/tests/lab/lab.sh
FW_PID=
. "$LABCTL_DIR/ns.sh"

lab_attach() { eval "$("$LAB" env -p "$1")"; }


in_gen() { ip netns exec "$NS_GEN" "$@"; }
in_sink() { ip netns exec "$NS_SINK" "$@"; }
in_fw() { ip netns exec "$NS_FW" "$@"; }

# lab_send_on_queue Q COUNT FRAME_HEX: COUNT copies of the frame from gen's
# tx queue Q (XPS: CPU 0 -> Q only), so that they arrive on fw's rx queue Q
lab_send_on_queue() {
	in_gen sh -c "for f in /sys/class/net/$GEN_IF/queues/tx-*/xps_cpus; do echo 0 > \$f; done
		echo 1 > /sys/class/net/$GEN_IF/queues/tx-$1/xps_cpus"
	in_gen taskset -c 0 "$PROBE" raw-send "$GEN_IF" "$2" "$3" >/dev/null
}

# lab_channels N: every lab interface gets N rx and N tx queues. A veth with
# XDP needs at least as many rx queues as its peer has tx queues: fw's
# ports grow first and shrink last.
lab_channels() {
	local fw="$FW_OUT $FW_IN" ends=1
	[ "$(in_fw ls "/sys/class/net/$FW_OUT/queues" | grep -c rx-)" -lt "$1" ] && ends=0
	if ((ends)); then
		in_gen ethtool -L "$GEN_IF" rx "$1" tx "$1"
		in_sink ethtool -L "$SINK_IF" rx "$1" tx "$1"
	fi
	for i in $fw; do in_fw ethtool -L "$i" rx "$1" tx "$1"; done
	if ((!ends)); then
		in_gen ethtool -L "$GEN_IF" rx "$1" tx "$1"
		in_sink ethtool -L "$SINK_IF" rx "$1" tx "$1"
	fi
}

# write_conf NAME: the body comes on stdin; the ports and a control socket
# of this run's own ($WORK/ctl.sock) are prepended
write_conf() {
	{ printf 'port outside %s\nport inside %s\ncontrol-socket %s\n' "$FW_OUT" "$FW_IN" \
		"$WORK/ctl.sock"; cat; } >"$WORK/$1"
	echo "$WORK/$1"
}

# ctl ARGS...: xskwallctl against this run's daemon (CTL_SOCK, or the
# socket write_conf names)
ctl() { "$XSKWALLCTL" -s "${CTL_SOCK:-$WORK/ctl.sock}" "$@"; }

# fw_start CONF [LOG]: run xskwall in fw and wait until it forwards
fw_start() {
	local log=${2:-$WORK/fw.log}
	FW_LOG=$log
	# not through a shell function: $! must be xskwall itself (ip execs it)
	ip netns exec "$NS_FW" "$XSKWALL" -c "$1" >"$log" 2>&1 &
	FW_PID=$!
	for _ in $(seq 100); do
		grep -q "running:" "$log" && return 0
		kill -0 "$FW_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log" >&2
	echo "xskwall did not start" >&2
	return 1
}

fw_stop() {
	kill -TERM "$FW_PID"
	wait "$FW_PID" && FW_RC=0 || FW_RC=$?
	FW_PID=
}

# fw_stats: read every counter (xskwallctl stats -j) into $FW_STATS
fw_stats() {
	FW_STATS=$WORK/stats.json
	ctl -j stats >"$FW_STATS.new" && mv "$FW_STATS.new" "$FW_STATS"
}

# fw_stats_until ROW_QUEUE DIRECTION NAME VALUE: read the counters until
# that one reaches VALUE (the worker may still hold the last frames sent),
# or 5 s pass; the caller then checks the last reading
fw_stats_until() {
	for _ in $(seq 50); do
		fw_stats || return 1
		[ "$(counter "$1" "$2" "$3")" -ge "$4" ] && return 0
		sleep 0.1
	done
	return 0
}

# counter ROW_QUEUE DIRECTION NAME: a value from the last reading (ROW
# "all": every queue; DIRECTION "outside>inside" or "inside>outside"),
# minus the same value in the reading counters_baseline saved, if any
counter() {
	echo $(($(counter_abs "$@") - $(counter_in "${BASELINE:-/dev/null}" "$@")))
}
counters_baseline() {
	fw_stats
	BASELINE=$WORK/baseline.json
	cp "$FW_STATS" "$BASELINE"
}
counter_abs() { counter_in "$FW_STATS" "$@"; }
# on_miss PORT: frames PORT's XDP program gave the on-miss verdict (last reading)
on_miss() { jq -r --arg p "$1" '.on_miss[$p] // 0' "$FW_STATS"; }
counter_in() {
	local f=$1 row=$2 dir=${3%%>*} name=$4
	[ -s "$f" ] || { echo 0; return; }
	if [ "$row" = all ]; then
		jq -r --arg d "$dir" --arg n "$name" '.totals[$d][$n] // 0' "$f"
	else
		jq -r --argjson q "$row" --arg d "$dir" --arg n "$name" \
			'[.queues[] | select(.queue == $q) | .dir[$d][$n]] | first // 0' "$f"
	fi
}

# probe_wait_listening OUT PID: wait until a receiving xskwall-probe has
# bound its socket (it prints "listening"), so nothing is sent too early
probe_wait_listening() {
	for _ in $(seq 200); do
		grep -q '^listening' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	echo "xskwall-probe did not start listening" >&2
	return 1
}
probe_received() { awk '$1 == "received" { print $2 }' "$1"; }

# udp_count FROM_NS SRC DST COUNT RECV_NS: datagrams that arrived
udp_count() {
	local port=$((20000 + RANDOM % 20000)) out=$WORK/recv.$RANDOM
	ip netns exec "$5" "$PROBE" udp-recv "$3" "$port" 2 >"$out" &
	local rpid=$!
	probe_wait_listening "$out" "$rpid"
	ip netns exec "$1" "$PROBE" udp-send -s "$2" "$3" "$port" "$4" >/dev/null
	wait "$rpid"
	probe_received "$out"
}

# tcp_ok FROM_NS SRC DST SERVER_NS: a TCP connection carries data both ways
tcp_ok() {
	local port=$((20000 + RANDOM % 20000))
	local out=$WORK/serve.$RANDOM
	ip netns exec "$4" "$PROBE" tcp-serve "$3" "$port" 4 >"$out" &
	local spid=$!
	probe_wait_listening "$out" "$spid"
	local rc=0
	ip netns exec "$1" "$PROBE" tcp-check -s "$2" "$3" "$port" >/dev/null || rc=$?
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	return $rc
}

# ping_ok NS DST [SRC]
ping_ok() {
	ip netns exec "$1" ping -q -c 2 -i 0.2 -W 1 ${3:+-I "$3"} "$2" >/dev/null 2>&1
}

xdp_on() { ip -n "$NS_FW" link show "$1" | grep -q 'prog/xdp.*name xskwall_redirec'; }
no_xdp_on() { ! ip -n "$NS_FW" link show "$1" | grep -q 'prog/xdp'; }

# --- hand-made frames (hex), for what the kernel here cannot build ---------
# MAGIC marks our frames so raw-count ignores anything else on the wire.
MAGIC=$(printf 'xskwall-%05d' $((RANDOM % 100000)) | od -An -tx1 | tr -d ' \n')
mac_hex() { echo "${1//:/}"; }
ip4_hex() { local IFS=.; set -- $1; printf '%02x%02x%02x%02x' "$1" "$2" "$3" "$4"; }
hex_len() { echo $((${#1} / 2)); }
# eth_hdr TAGS_HEX ETHERTYPE_HEX: gen -> sink
eth_hdr() { echo "$(mac_hex "$SINK_MAC")$(mac_hex "$GEN_MAC")$1$2"; }
# ip4_hdr SRC DST PROTO PAYLOAD_HEX
ip4_pkt() {
	printf '4500%04x00010000400%x0000%s%s%s' $((20 + $(hex_len "$4"))) "$3" \
		"$(ip4_hex "$1")" "$(ip4_hex "$2")" "$4"
}
udp4_frame() { # TAGS SRC DST
	local pl="3039232900$(printf '%02x' $((8 + $(hex_len "$MAGIC"))))0000$MAGIC"
	echo "$(eth_hdr "$1" 0800)$(ip4_pkt "$2" "$3" 11 "$pl")"
}
icmp4_echo_frame() { # TAGS SRC DST
	echo "$(eth_hdr "$1" 0800)$(ip4_pkt "$2" "$3" 1 "0800000000010001$MAGIC")"
}
# raw_delivered COUNT FRAME_HEX [NEEDLE_HEX]: frames of ours that reached
# the sink (found by MAGIC, or by NEEDLE for frames too short to carry it)
raw_delivered() {
	local out=$WORK/raw.$RANDOM
	ip netns exec "$NS_SINK" "$PROBE" raw-count "$SINK_IF" 2 "${3:-$MAGIC}" >"$out" &
	local rpid=$!
	probe_wait_listening "$out" "$rpid"
	in_gen "$PROBE" raw-send "$GEN_IF" "$1" "$2" >/dev/null
	wait "$rpid"
	probe_received "$out"
}
