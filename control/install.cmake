# control/install.cmake - what `cmake --install BUILD [--prefix P]` puts
# where, and the man pages the build makes for it. Included from
# control/CMakeLists.txt.
#
#   P/sbin/xskwall, P/bin/xskwallctl
#   P/share/man/man8/xskwall.8, xskwallctl.8; P/share/man/man5/xskwall.conf.5
#   P/share/doc/xskwall/xskwall.conf.example
#   SYSCONFDIR/xskwall/xskwall.conf (the example, unless a file is there)
#   P/lib/systemd/system/xskwall.service (FW_SYSTEMD_UNITDIR), not enabled
#
# SYSCONFDIR follows GNUInstallDirs: /etc for the prefixes /usr and /,
# /etc/opt/NAME for /opt/NAME, else P/etc (or CMAKE_INSTALL_SYSCONFDIR when
# it is absolute). The unit and the configuration are written when
# installing (control/dist/install_dist.cmake), not when configuring, so that
# the unit names the binaries and the file of the prefix given to --install.
include(GNUInstallDirs)

set(FW_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
  "where xskwall.service is installed: relative to the install prefix, or absolute")

install(TARGETS xskwall RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
# Deferred to the end of control/CMakeLists.txt, so that xskwallctl is
# installed wherever in that file its target is defined.
function(fw_install_xskwallctl)
  if(TARGET xskwallctl)
    install(TARGETS xskwallctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endfunction()
cmake_language(DEFER CALL fw_install_xskwallctl)

# Man pages: scdoc sources (control/man/*.scd) -> roff, as part of `all`.
find_program(SCDOC scdoc)
if(NOT SCDOC)
  message(FATAL_ERROR "scdoc not found (it turns control/man/*.scd into the man pages): "
    "apt-get install scdoc (tests/install-deps.sh installs it)")
endif()
set(fw_man_out "")
foreach(page xskwall.8 xskwallctl.8 xskwall.conf.5)
  string(REGEX MATCH "[0-9]$" sec ${page})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/man/${page}.scd)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/man/man${sec}/${page})
  # Through a temporary file, so that a failed scdoc leaves no page behind
  # that a later build would take as up to date.
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man/man${sec}
    COMMAND sh -c "'${SCDOC}' < '${src}' > '${out}.tmp' && mv '${out}.tmp' '${out}'"
    DEPENDS ${src}
    COMMENT "scdoc ${page}"
    VERBATIM)
  list(APPEND fw_man_out ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sec})
endforeach()
add_custom_target(xskwall_man ALL DEPENDS ${fw_man_out})

install(FILES dist/xskwall.conf.example DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The unit and /etc/xskwall: computed from the prefix in force when installing.
install(CODE "
  set(FW_DIST_DIR \"${CMAKE_CURRENT_SOURCE_DIR}/dist\")
  set(FW_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
  set(FW_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(FW_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
  set(FW_UNITDIR \"${FW_SYSTEMD_UNITDIR}\")
  set(FW_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  include(\"${CMAKE_CURRENT_SOURCE_DIR}/dist/install_dist.cmake\")
")
