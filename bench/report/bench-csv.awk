# bench/report/bench-csv.awk - results.jsonl -> results.csv (same fields, same order).
{
	n = 0
	s = $0
	gsub(/^\{|\}$/, "", s)
	while (match(s, /"[^"]+":("[^"]*"|[^,]*)/)) {
		kv = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		k = kv; sub(/":.*/, "", k); sub(/^"/, "", k)
		v = kv; sub(/^"[^"]+":/, "", v); gsub(/"/, "", v)
		key[++n] = k; val[n] = v
	}
	if (NR == 1) { for (i = 1; i <= n; i++) printf "%s%s", key[i], i < n ? "," : "\n" }
	for (i = 1; i <= n; i++) printf "%s%s", val[i], i < n ? "," : "\n"
}
