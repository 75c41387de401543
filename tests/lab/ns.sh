# tests/lab/ns.sh - namespace helpers shared by lab.sh and labctl.sh (sourced).

# ns_sysctl NS key/path=value...: write /proc/sys inside NS (no sysctl(8) needed)
ns_sysctl() {
	local ns=$1 kv
	shift
	for kv in "$@"; do
		ip netns exec "$ns" sh -c "echo ${kv#*=} > /proc/sys/${kv%%=*}"
	done
}
