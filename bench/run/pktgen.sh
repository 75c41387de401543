#!/usr/bin/env bash
# bench/run/pktgen.sh - drive the kernel's pktgen (/proc/net/pktgen), in the
# style of the kernel's samples/pktgen/pktgen_sample03_burst_single_flow.sh:
# one pktgen thread per CPU, one device clone per thread ("DEV@N"), bursts.
#
#   bench/run/pktgen.sh -d DEV -m DST_MAC (-n COUNT | -D SECONDS) [options]
#
#   -d DEV       output device (required)
#   -m MAC       destination MAC (required)
#   -M MAC       source MAC (default: the device's)
#   -s BYTES     packet size without FCS, as pktgen's pkt_size (default 60)
#   -t N         threads = pktgen kthreads on CPUs F..F+N-1 (default 1)
#   -f F         first CPU (default 0)
#   -b N         burst: frames per xmit_more batch (default 32)
#   -n COUNT     frames per thread, as pktgen counts (0 = unlimited: needs -D)
#   -D SECONDS   stop after SECONDS (at most 600; -n alone also stops at 600)
#   -4 / -6      IPv4 (default) or IPv6
#   -S A[-B]     source address range (default 198.18.0.1 / 2001:db8::1)
#   -T A[-B]     destination address range (default 198.18.0.2 / 2001:db8::2)
#   -p P[-Q]     UDP source port range (default 9)
#   -P P[-Q]     UDP destination port range (default 9)
#   -q           quiet: print only the result line
#   -j           print the result as one JSON line
#
# Exit codes: 0 ok, 2 usage, 3 no pktgen in this kernel, 1 other errors.
# Every run is bounded: -n or -D is required and -D is capped at 600 s.
# Addresses must lie in 198.18.0.0/15 or 2001:db8::/32 (not enforced for
# ranges' inner values; pktgen takes them as given).
set -euo pipefail

PGDIR=/proc/net/pktgen
MAX_SECONDS=600

die() { echo "pktgen.sh: $*" >&2; exit 1; }
usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

DEV="" DST_MAC="" SRC_MAC="" SIZE=60 THREADS=1 F_THREAD=0 BURST=32
COUNT="" DURATION="" FAMILY=4 SRC="" DST="" SPORT=9 DPORT=9 QUIET=0 JSON=0

# Strict unsigned integer in [min, max]: num VALUE MIN MAX NAME
num() {
	[[ $1 =~ ^[0-9]+$ ]] || die "$4: '$1' is not a number"
	(( 10#$1 >= $2 && 10#$1 <= $3 )) || die "$4: $1 is not in $2..$3"
	echo $((10#$1))
}

parse_args() {
	local o
	while getopts "d:m:M:s:t:f:b:n:D:46S:T:p:P:qjh" o; do
		case $o in
		d) DEV=$OPTARG ;;
		m) DST_MAC=$OPTARG ;;
		M) SRC_MAC=$OPTARG ;;
		s) SIZE=$(num "$OPTARG" 60 9000 -s) ;;
		t) THREADS=$(num "$OPTARG" 1 64 -t) ;;
		f) F_THREAD=$(num "$OPTARG" 0 1023 -f) ;;
		b) BURST=$(num "$OPTARG" 1 1024 -b) ;;
		n) COUNT=$(num "$OPTARG" 0 1000000000000 -n) ;;
		D) DURATION=$(num "$OPTARG" 1 $MAX_SECONDS -D) ;;
		4) FAMILY=4 ;;
		6) FAMILY=6 ;;
		S) SRC=$OPTARG ;;
		T) DST=$OPTARG ;;
		p) SPORT=$OPTARG ;;
		P) DPORT=$OPTARG ;;
		q) QUIET=1 ;;
		j) JSON=1 ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	(( $# == 0 )) || usage
	[[ -n $DEV ]] || { echo "pktgen.sh: -d DEV is required" >&2; usage; }
	[[ -n $DST_MAC ]] || { echo "pktgen.sh: -m DST_MAC is required" >&2; usage; }
	[[ -n $COUNT || -n $DURATION ]] || { echo "pktgen.sh: -n COUNT or -D SECONDS is required" >&2; usage; }
	if [[ ${COUNT:-0} == 0 && -z $DURATION ]]; then
		echo "pktgen.sh: -n 0 (unlimited) needs -D SECONDS" >&2
		usage
	fi
	[[ $DST_MAC =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] || die "-m: '$DST_MAC' is not a MAC"
	[[ -z $SRC_MAC || $SRC_MAC =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] || die "-M: '$SRC_MAC' is not a MAC"
	if [[ $FAMILY == 4 ]]; then
		SRC=${SRC:-198.18.0.1} DST=${DST:-198.18.0.2}
	else
		SRC=${SRC:-2001:db8::1} DST=${DST:-2001:db8::2}
	fi
}

# pgset FILE CMD: write one pktgen command and check its "Result:" line.
pgset() {
	local file=$1 cmd=$2 result
	echo "$cmd" > "$file" || die "writing '$cmd' to $file failed"
	# thread and device files report the outcome of the last command
	if [[ $file != "$PGDIR/pgctrl" ]]; then
		result=$(grep -m1 '^Result:' "$file" || true)
		[[ $result == "Result: OK"* || -z $result ]] || die "$file: '$cmd': $result"
	fi
}

# lo-hi split of a range "A[-B]" into two words
range_lo() { echo "${1%%-*}"; }
range_hi() { if [[ $1 == *-* ]]; then echo "${1##*-}"; else echo "$1"; fi; }

check_env() {
	if [[ ! -d $PGDIR ]]; then
		modprobe pktgen 2>/dev/null || true
	fi
	if [[ ! -e $PGDIR/pgctrl ]]; then
		echo "pktgen.sh: no pktgen in this kernel (CONFIG_NET_PKTGEN): $PGDIR is absent;" \
		     "use xskwall-gen instead" >&2
		exit 3
	fi
	[[ $(id -u) == 0 ]] || die "must run as root"
	[[ -e /sys/class/net/$DEV ]] || die "no device $DEV in this namespace"
	local ncpu
	ncpu=$(getconf _NPROCESSORS_ONLN)
	(( F_THREAD + THREADS <= ncpu )) || die "-f $F_THREAD -t $THREADS needs CPUs up to $((F_THREAD + THREADS - 1)), have $ncpu"
	for ((t = F_THREAD; t < F_THREAD + THREADS; t++)); do
		[[ -e $PGDIR/kpktgend_$t ]] || die "no pktgen thread kpktgend_$t"
	done
}

# Remove every device from the pktgen threads we use (sample's "reset").
pg_reset() {
	local t
	for ((t = F_THREAD; t < F_THREAD + THREADS; t++)); do
		if [[ -e $PGDIR/kpktgend_$t ]]; then
			echo "rem_device_all" > "$PGDIR/kpktgend_$t" 2>/dev/null || true
		fi
	done
}

config_addresses() {
	local pdev=$1
	if [[ $FAMILY == 4 ]]; then
		pgset "$pdev" "src_min $(range_lo "$SRC")"
		pgset "$pdev" "src_max $(range_hi "$SRC")"
		pgset "$pdev" "dst_min $(range_lo "$DST")"
		pgset "$pdev" "dst_max $(range_hi "$DST")"
	else
		# pktgen varies IPv6 destinations only over a range (dst6_min/max);
		# the source is fixed at the range start.
		pgset "$pdev" "src6 $(range_lo "$SRC")"
		pgset "$pdev" "dst6_min $(range_lo "$DST")"
		pgset "$pdev" "dst6_max $(range_hi "$DST")"
		pgset "$pdev" "flag IPV6"
	fi
	pgset "$pdev" "udp_src_min $(range_lo "$SPORT")"
	pgset "$pdev" "udp_src_max $(range_hi "$SPORT")"
	pgset "$pdev" "udp_dst_min $(range_lo "$DPORT")"
	pgset "$pdev" "udp_dst_max $(range_hi "$DPORT")"
	[[ $SRC == *-* ]] && pgset "$pdev" "flag IPSRC_RND"
	[[ $DST == *-* ]] && pgset "$pdev" "flag IPDST_RND"
	[[ $SPORT == *-* ]] && pgset "$pdev" "flag UDPSRC_RND"
	[[ $DPORT == *-* ]] && pgset "$pdev" "flag UDPDST_RND"
	return 0
}

config_thread() {
	local t=$1 dev="$DEV@$1" pdev="$PGDIR/$DEV@$1"
	pgset "$PGDIR/kpktgend_$t" "add_device $dev"
	pgset "$pdev" "flag QUEUE_MAP_CPU"
	pgset "$pdev" "count ${COUNT:-0}"
	pgset "$pdev" "clone_skb 0"
	pgset "$pdev" "burst $BURST"
	pgset "$pdev" "pkt_size $SIZE"
	pgset "$pdev" "delay 0"
	pgset "$pdev" "flag NO_TIMESTAMP"
	pgset "$pdev" "dst_mac $DST_MAC"
	[[ -n $SRC_MAC ]] && pgset "$pdev" "src_mac $SRC_MAC"
	config_addresses "$pdev"
	# sample03 default: queue the skb and let the driver batch (xmit_more)
	pgset "$pdev" "xmit_mode start_xmit"
}

# "sofar" of every device of ours, summed
pg_sent() {
	local t sum=0 n
	for ((t = F_THREAD; t < F_THREAD + THREADS; t++)); do
		n=$(grep -o 'sofar: [0-9]*' "$PGDIR/$DEV@$t" 2>/dev/null | awk '{print $2}')
		sum=$((sum + ${n:-0}))
	done
	echo "$sum"
}

run() {
	local t0 t1 pid secs sent
	t0=$(date +%s%N)
	# "start" blocks until every device is done (count reached) or "stop"
	echo "start" > "$PGDIR/pgctrl" &
	pid=$!
	# -n alone is still bounded in time: at most MAX_SECONDS
	local end=$((SECONDS + ${DURATION:-$MAX_SECONDS}))
	while kill -0 "$pid" 2>/dev/null && (( SECONDS < end )); do
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "stop" > "$PGDIR/pgctrl"
	fi
	wait "$pid" || true
	t1=$(date +%s%N)
	sent=$(pg_sent)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	report "$sent" "$secs"
}

report() {
	local sent=$1 secs=$2 mpps
	mpps=$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%.3f", s > 0 ? n / s / 1e6 : 0 }')
	if [[ $JSON == 1 ]]; then
		printf '{"generator":"pktgen","sent":%s,"seconds":%s,"mpps":%s,"threads":%s,"size":%s,"burst":%s,"dev":"%s"}\n' \
			"$sent" "$secs" "$mpps" "$THREADS" "$((SIZE + 4))" "$BURST" "$DEV"
	else
		echo "pktgen.sh: $sent frames in $secs s = $mpps Mpps ($THREADS threads, $((SIZE + 4))-byte frames incl. FCS, burst $BURST)"
	fi
	if [[ $QUIET == 0 && $JSON == 0 ]]; then
		for ((t = F_THREAD; t < F_THREAD + THREADS; t++)); do
			grep -h -A2 '^Result' "$PGDIR/$DEV@$t" || true
		done
	fi
}

main() {
	parse_args "$@"
	check_env
	trap 'echo stop > "$PGDIR/pgctrl" 2>/dev/null || true; pg_reset' EXIT
	trap 'exit 130' INT TERM
	pg_reset
	for ((t = F_THREAD; t < F_THREAD + THREADS; t++)); do
		config_thread "$t"
	done
	run
}

main "$@"
