#!/usr/bin/env bash
# bench/report/plot-ring.sh DIR - the worker path's plot from DIR/ring.jsonl
# (xskwall-ring-bench), with gnuplot; plot.sh calls it:
#   ring_mpps_vs_rules.png  the worker's Mpps on one core (the feeder's time
#                           excluded) against rule count (log scale), per
#                           mix and family (the median over the
#                           repetitions); the targets' configuration as
#                           points; the two targets as lines
set -euo pipefail
dir=$1
ring=$dir/ring.jsonl

# medians MIX FAMILY TARGET: "rules worker_mpps" for each rule list of that
# mix and family, the median over the repetitions, by rule count; TARGET 1:
# the targets' configuration only (the lines with target_mpps 14.88),
# 0: the rest (mixed lists other than N - N/2 + N/2 left out)
medians() {
	awk -v mix="$1" -v fam="$2" -v tgt="$3" '
	function num(k,   m) { if (!match($0, "\"" k "\":[0-9.eE+-]+")) return 0; m = substr($0, RSTART, RLENGTH); sub(/^"[^"]*":/, "", m); return m + 0 }
	index($0, "\"mix\":\"" mix "\"") && index($0, "\"family\":\"" fam "\"") {
		n = num("rules")
		is_tgt = index($0, "\"target_mpps\":14.88") > 0
		if (is_tgt != tgt || (fam == "mixed" && !tgt && num("rules_ipv6") != int(n / 2)))
			next
		if (!(n in cnt))
			keys[++nk] = n
		v[n, ++cnt[n]] = num("worker_ns_per_pkt")
	}
	END {
		for (i = 2; i <= nk; i++)
			for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) { t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t }
		for (i = 1; i <= nk; i++) {
			n = keys[i]; c = cnt[n]
			for (a = 1; a <= c; a++) x[a] = v[n, a]
			for (a = 2; a <= c; a++) for (b = a; b > 1 && x[b - 1] > x[b]; b--) { t = x[b]; x[b] = x[b - 1]; x[b - 1] = t }
			print n, 1000 / (c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2)
		}
	}' "$ring"
}

# curve FILE STYLE TITLE: one gnuplot plot element, none for an empty file
curve() {
	[ -s "$1" ] && printf '"%s" with %s title "%s", ' "$1" "$2" "$3"
	return 0
}

curves=
for mix in forward drop; do
	dt=1 pt=7
	[ $mix = drop ] && dt=2 pt=5
	lc=1
	for fam in ipv4 ipv6 mixed; do
		medians "$mix" "$fam" 0 >"$dir/ring_${mix}_${fam}.dat"
		curves+=$(curve "$dir/ring_${mix}_${fam}.dat" "linespoints lw 2 lc $lc dt $dt" \
			"$mix-heavy $([ $fam = mixed ] && echo mixed || echo "IPv${fam#ipv}")")
		lc=$((lc + 1))
	done
	medians "$mix" mixed 1 >"$dir/ring_${mix}_target.dat"
	curves+=$(curve "$dir/ring_${mix}_target.dat" "points pt $pt ps 2 lc 4" \
		"$mix-heavy, 1 000 000 + 200 000 (targets' config.)")
done
cpu=$(sed -n '1s/.*"cpu":\(-*[0-9]*\).*/\1/p' "$ring")
where="on CPU $cpu"
[ "$cpu" = -1 ] && where="on one CPU, not pinned"
# the y axis: the highest rate or the 30 Mpps target, and room for the key above
ymax=$(cat "$dir"/ring_*.dat | awk '{ if ($2 > m) m = $2 } END { print (m > 30 ? m : 30) * 1.6 }')
hit=$(sed -n '1s/.*"hit_fraction":\([0-9.]*\).*/\1/p' "$ring")
info="$(uname -r), $(nproc) CPUs, the worker and the feeder $where; 64-byte frames, $hit of them matching a rule"

gnuplot <<PLOT
set terminal pngcairo size 1100,700 noenhanced
set output "$dir/ring_mpps_vs_rules.png"
set title "Worker path alone (xskwall-ring-bench): fp_worker_round on rings in memory, one core, feeder excluded\n$info"
set logscale x 10
set xrange [7:2000000]
set xtics ("10" 10, "100" 100, "1 000" 1000, "10 000" 10000, "100 000" 100000, "1 000 000" 1000000)
set xlabel "rules (mixed: N - N/2 IPv4 + N/2 IPv6; points: 1 000 000 IPv4 + 200 000 IPv6, mixed traffic)"
set ylabel "Mpps (the worker's time only)"
set yrange [0:$ymax]
set key inside top right vertical opaque box
set grid
plot $curves 30 with lines dt 3 lw 2 lc 7 title "target, 10 rules: 30 Mpps", \
     14.88 with lines dt 4 lw 2 lc 8 title "target, 1 000 000 IPv4 + 200 000 IPv6: 14.88 Mpps"
PLOT
