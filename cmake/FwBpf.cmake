# fw_bpf_skeleton(<target> <source.bpf.c> [DEPENDS files...])
#
# Compiles one BPF program with clang -target bpf against the UAPI headers
# (no vmlinux.h), generates <name>.skel.h with `bpftool gen skeleton`
# (name: the source's basename with .bpf.c replaced by _bpf), and exposes
# both through the INTERFACE library <target>, like libbpf-bootstrap's
# bpf_object(). Include directories: the source's folder and include/.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)
execute_process(COMMAND uname -m OUTPUT_VARIABLE FW_HOST_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)

function(fw_bpf_skeleton target src)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  get_filename_component(base ${src} NAME)
  string(REPLACE ".bpf.c" "" stem ${base})
  set(dir ${CMAKE_CURRENT_BINARY_DIR})
  set(obj ${dir}/${stem}.bpf.o)
  set(skel ${dir}/${stem}.skel.h)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -target bpf -O2 -g -Wall -Werror
            -I${CMAKE_CURRENT_SOURCE_DIR} -I${PROJECT_SOURCE_DIR}/include
            -I/usr/include/${FW_HOST_ARCH}-linux-gnu
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
    DEPENDS ${src} ${ARG_DEPENDS}
    VERBATIM)
  add_custom_command(OUTPUT ${skel}
    COMMAND sh -c "${BPFTOOL} gen skeleton ${obj} name ${stem}_bpf > ${skel}"
    DEPENDS ${obj}
    VERBATIM)
  add_custom_target(${target}_gen DEPENDS ${skel})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_gen)
  target_include_directories(${target} INTERFACE ${dir} ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${target} INTERFACE PkgConfig::LIBBPF)
endfunction()
