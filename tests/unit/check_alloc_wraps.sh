#!/bin/sh
# tests/unit/check_alloc_wraps.sh NM WRAPPED LIB... - the libraries call
# no libc allocator that test_alloc_fail does not wrap, so a new one cannot
# escape its failure injection. WRAPPED is FW_ALLOC_WRAPS (';'-separated).
set -eu
nm=$1
wrapped=" $(echo "$2" | tr ';' ' ') "
shift 2
allocators="malloc calloc realloc reallocarray free posix_memalign aligned_alloc
memalign valloc pvalloc strdup strndup __strdup __strndup wcsdup asprintf
vasprintf getline getdelim realpath canonicalize_file_name
get_current_dir_name open_memstream fmemopen fopen fopen64 fdopen opendir
fdopendir scandir scandir64 glob glob64 mmap mmap64 mremap"
called=$("$nm" -u "$@" | awk 'NF == 2 && $1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u)
used="" missing=""
for s in $called; do
	case " $(echo $allocators) " in *" $s "*) ;; *) continue ;; esac
	used="$used $s"
	case "$wrapped" in *" $s "*) ;; *) missing="$missing $s" ;; esac
done
if [ -n "$missing" ]; then
	echo "allocators called but not wrapped for test_alloc_fail:$missing" >&2
	echo "(add them to FW_ALLOC_WRAPS in tests/unit/CMakeLists.txt and to failalloc.c)" >&2
	exit 1
fi
echo "allocators called:$used; all wrapped"
