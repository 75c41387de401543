#!/usr/bin/env bash
# bench/plot.sh DIR - PNG plots from DIR/results.jsonl (gnuplot):
#   mpps_by_scenario.png  forwarded + dropped Mpps (medians) per measurement
#   mpps_vs_rules.png     Mpps against rule count (log scale; 0 rules at x=1)
set -euo pipefail
dir=$1
res=$dir/results.jsonl
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
# series SCENARIO MIX FIELD: "rules value" lines, 0 rules at 1
series() {
	grep "\"scenario\":\"$1\",\"mix\":\"$2\"" "$res" | while read -r l; do
		echo "$(echo "$l" | field rules) $(echo "$l" | field "$3")"
	done | awk '{ print ($1 == 0 ? 1 : $1), $2 }'
}
while read -r l; do
	echo "\"$(echo "$l" | field scenario) $(echo "$l" | field mix) $(echo "$l" | field rules)\" $(echo "$l" | field fwd_mpps_median) $(echo "$l" | field drop_mpps_median)"
done <"$res" >"$dir/by_scenario.dat"
series xskwall forward fwd_mpps_median >"$dir/xw_fwd.dat"
# a drop-heavy run with no rule drops nothing by definition: left out
series xskwall drop drop_mpps_median | awk '$1 > 1' >"$dir/xw_drop.dat"
series nft-forward-hook forward fwd_mpps_median >"$dir/nft_fwd.dat"
series nft-netdev-ingress drop drop_mpps_median | awk '$1 > 1' >"$dir/nft_drop.dat"
ceiling=$(grep '"scenario":"ceiling"' "$res" | field fwd_mpps_median | head -1)
genonly=$(grep '"scenario":"gen-only"' "$res" | field fwd_mpps_median | head -1)
info="$(uname -r), $(nproc) CPUs shared by generator and firewall"

gnuplot <<PLOT
set terminal pngcairo size 1400,700 noenhanced
set output "$dir/mpps_by_scenario.png"
set title "Mpps by scenario (median of per-second samples)\n$info"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -45 font ",9"
set ylabel "Mpps"
set key top right
plot "$dir/by_scenario.dat" using 2:xtic(1) title "forwarded", '' using 3 title "dropped by the firewall"
PLOT

gnuplot <<PLOT
set terminal pngcairo size 1000,700 noenhanced
set output "$dir/mpps_vs_rules.png"
set title "Mpps against rule count\n$info"
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
     ${ceiling:-0} with lines dt 2 title "ceiling: XDP redirect", \
     ${genonly:-0} with lines dt 3 title "generator alone"
PLOT
