#!/bin/sh
# tests/bpf/check_startup_wraps.sh NM WRAPPED LIB... - the libraries make
# no start-up resource call (BPF object load, XSKMAP insert, UMEM, socket,
# XDP attach, thread) that test_startup_faults does not wrap, so a new step
# or a switch to another library call cannot escape its failure injection.
# WRAPPED is FW_STARTUP_WRAPS (';'-separated).
set -eu
nm=$1
wrapped=" $(echo "$2" | tr ';' ' ') "
shift 2
resource_calls="bpf_object__open bpf_object__open_file bpf_object__open_mem
bpf_object__open_skeleton bpf_object__load bpf_object__load_skeleton
bpf_prog_load bpf_load_program bpf_program__attach bpf_program__attach_xdp
bpf_link_create bpf_xdp_attach bpf_set_link_xdp_fd bpf_map_update_elem
bpf_map__update_elem xsk_socket__update_xskmap xsk_setup_xdp_prog
xdp_program__open_file xdp_program__find_file xdp_program__from_bpf_obj
xdp_program__from_fd xdp_program__attach xdp_program__attach_multi
xsk_umem__create xsk_umem__create_with_fd xsk_socket__create
xsk_socket__create_shared pthread_create"
called=$("$nm" -u "$@" | awk 'NF == 2 && $1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u)
used="" missing=""
for s in $called; do
	case " $(echo $resource_calls) " in *" $s "*) ;; *) continue ;; esac
	used="$used $s"
	case "$wrapped" in *" $s "*) ;; *) missing="$missing $s" ;; esac
done
if [ -n "$missing" ]; then
	echo "start-up resource calls made but not wrapped for test_startup_faults:$missing" >&2
	echo "(add them to FW_STARTUP_WRAPS in tests/bpf/CMakeLists.txt and a step to" >&2
	echo " test_startup_faults.c)" >&2
	exit 1
fi
echo "start-up resource calls:$used; all wrapped"
