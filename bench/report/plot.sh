#!/usr/bin/env bash
# bench/report/plot.sh DIR - PNG plots from DIR/results.jsonl (gnuplot):
#   mpps_by_scenario.png  the scenario's rate (median over the repetitions)
#                         per scenario, busy-poll setting, mix and rule count
#   mpps_vs_rules.png     Mpps against rule count (log scale), busy-poll off,
#                         with the bare AF_XDP baselines and the calibration
# The rate is the one bench-table.awk reports: dropped by the firewall for
# a drop-heavy mix with rules (and the bare receive-and-drop), else forwarded.
# When DIR holds ring.jsonl, plot-ring.sh plots it too; either file may be
# missing.
set -euo pipefail
dir=$1
res=$dir/results.jsonl
if [ -s "$dir/ring.jsonl" ]; then
	bash "$(dirname "$0")/plot-ring.sh" "$dir"
fi
[ -s "$res" ] || exit 0
# medians FILTER: "scenario busy-poll mix rules median" per group, in order
medians() {
	awk -v filter="$1" '
	function num(k,   m) { if (!match($0, "\"" k "\":[0-9.eE+-]+")) return 0; m = substr($0, RSTART, RLENGTH); sub(/^"[^"]*":/, "", m); return m + 0 }
	function str(k,   m) { if (!match($0, "\"" k "\":\"[^\"]*\"")) return ""; m = substr($0, RSTART, RLENGTH); sub(/^"[^"]*":"/, "", m); sub(/"$/, "", m); return m }
	$0 ~ filter {
		s = str("scenario"); mx = str("mix"); r = num("rules")
		v = (s == "afxdp-bare-rxdrop" || (mx == "drop" && r > 0)) ? num("drop_mpps_median") : num("fwd_mpps_median")
		k = s " " str("busy_poll") " " mx " " r
		if (!(k in n)) order[++nk] = k
		vals[k, ++n[k]] = v
	}
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]; c = n[k]
			for (a = 1; a <= c; a++) x[a] = vals[k, a]
			for (a = 2; a <= c; a++) for (b = a; b > 1 && x[b - 1] > x[b]; b--) { t = x[b]; x[b] = x[b - 1]; x[b - 1] = t }
			print k, (c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2)
		}
	}' "$res"
}
# series SCENARIO MIX: "rules median" for busy-poll off, 0 rules at 1
series() { medians "\"scenario\":\"$1\",\"mix\":\"$2\"" | awk '$2 == "off" { print ($4 == 0 ? 1 : $4), $5 }'; }
medians '"scenario"' | awk '$1 != "gen-only" && $1 != "ceiling" { printf "\"%s bp-%s %s %s\" %s\n", $1, $2, $3, $4, $5 }' >"$dir/by_scenario.dat"
series xskwall forward >"$dir/xw_fwd.dat"
# a drop-heavy run with no rule drops nothing by definition: left out
series xskwall drop | awk '$1 > 1' >"$dir/xw_drop.dat"
series nft-forward-hook forward >"$dir/nft_fwd.dat"
series nft-netdev-ingress drop | awk '$1 > 1' >"$dir/nft_drop.dat"
one() { medians "\"scenario\":\"$1\"" | awk -v bp="$2" '$2 == bp { print $5; exit }'; }
ceiling=$(one ceiling off) genonly=$(one gen-only off)
bare_drop=$(one afxdp-bare-rxdrop off) bare_fwd=$(one afxdp-bare-fwd off)
info="$(uname -r), $(nproc) CPUs shared by generator and firewall; medians over the repetitions"

gnuplot <<PLOT
set terminal pngcairo size 1400,700 noenhanced
set output "$dir/mpps_by_scenario.png"
set title "Mpps by scenario: dropped by the firewall (drop-heavy with rules, bare rxdrop), else forwarded\n$info"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -45 font ",9"
set ylabel "Mpps"
set key off
plot "$dir/by_scenario.dat" using 2:xtic(1)
PLOT

gnuplot <<PLOT
set terminal pngcairo size 1000,700 noenhanced
set output "$dir/mpps_vs_rules.png"
set title "Mpps against rule count (busy-poll off)\n$info"
set logscale x 10
set xlabel "rules (0 plotted at 1)"
set ylabel "Mpps"
set yrange [0:*]
set key below
set grid
plot "$dir/xw_fwd.dat" with linespoints lw 2 title "xskwall forwarded (forward-heavy)", \
     "$dir/nft_fwd.dat" with linespoints lw 2 title "kernel+nft forwarded (forward-heavy)", \
     "$dir/xw_drop.dat" with linespoints lw 2 title "xskwall dropped (drop-heavy)", \
     "$dir/nft_drop.dat" with linespoints lw 2 title "nft netdev ingress dropped (drop-heavy)", \
     ${bare_drop:-0} with lines dt 4 lw 2 title "bare AF_XDP receive-and-drop", \
     ${bare_fwd:-0} with lines dt 5 lw 2 title "bare AF_XDP forwarder", \
     ${ceiling:-0} with lines dt 2 title "ceiling: XDP redirect (calibration)", \
     ${genonly:-0} with lines dt 3 title "generator alone (calibration)"
PLOT
