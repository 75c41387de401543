# bench/bench-table.awk - results.jsonl -> the Markdown table of the
# README's Performance section (awk -f bench/bench-table.awk results.jsonl).
function num(line, key,   m) {
	if (!match(line, "\"" key "\":[0-9.eE+-]+"))
		return 0
	m = substr(line, RSTART, RLENGTH)
	sub(/^"[^"]*":/, "", m)
	return m + 0
}
function str(line, key,   m) {
	if (!match(line, "\"" key "\":\"[^\"]*\""))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub(/^"[^"]*":"/, "", m)
	sub(/"$/, "", m)
	return m
}
function thousands(n,   s) {
	s = sprintf("%d", n)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s
}
function rate(line, what,   med) {
	med = num(line, what "_mpps_median")
	if (med == 0)
		return "0"
	return sprintf("%.2f (%.2f-%.2f)", med, num(line, what "_mpps_min"), num(line, what "_mpps_max"))
}
BEGIN {
	print "| scenario | mix | rules | offered | forwarded (median, min-max) | dropped by fw (median, min-max) | fw CPU ns/pkt |"
	print "|---|---|---:|---:|---:|---:|---:|"
}
/"scenario"/ {
	printf "| %s | %s | %s | %.2f | %s | %s | %.0f |\n", str($0, "scenario"), str($0, "mix"),
		thousands(num($0, "rules")), num($0, "offered_mpps"), rate($0, "fwd"), rate($0, "drop"),
		num($0, "cpu_ns_per_pkt_fw_cpus")
}
