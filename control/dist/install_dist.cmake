# control/dist/install_dist.cmake - run by `cmake --install` (install(CODE)
# in control/install.cmake) with the prefix being installed to: writes the
# systemd unit with that prefix's paths, and the example configuration
# where the unit reads it unless a configuration is there already (it is
# the operator's file from then on; the example is also in the doc dir).
#
# Takes FW_DIST_DIR (this folder) and FW_SBINDIR, FW_BINDIR, FW_SYSCONFDIR,
# FW_UNITDIR, FW_DOCDIR (each relative to the prefix, or absolute); the
# prefix is CMAKE_INSTALL_PREFIX as --prefix set it, and DESTDIR is honoured.

# fw_full_dir(OUT DIR SYSCONF|PLAIN): DIR under the prefix, as GNUInstallDirs
# makes CMAKE_INSTALL_FULL_<DIR>: sysconfdir is /etc for the prefixes /usr
# and /, and /etc/opt/NAME for /opt/NAME.
function(fw_full_dir out dir kind)
  string(REGEX REPLACE "/+$" "" prefix "${CMAKE_INSTALL_PREFIX}")
  if(IS_ABSOLUTE "${dir}")
    set(full "${dir}")
  elseif(kind STREQUAL "SYSCONF" AND prefix MATCHES "^(/usr)?$")
    set(full "/${dir}")
  elseif(kind STREQUAL "SYSCONF" AND prefix MATCHES "^/opt/(.+)$")
    set(full "/${dir}/opt/${CMAKE_MATCH_1}")
  else()
    set(full "${prefix}/${dir}")
  endif()
  set(${out} "${full}" PARENT_SCOPE)
endfunction()

# The unit, from xskwall.service.in: @FW_SBINDIR@, @FW_BINDIR@ and
# @FW_SYSCONFDIR@ become the full paths (without DESTDIR: they are where
# the files will be at run time). Sets fw_unit_file in the caller.
function(fw_install_unit)
  fw_full_dir(unitdir "${FW_UNITDIR}" PLAIN)
  fw_full_dir(FW_SBINDIR "${FW_SBINDIR}" PLAIN)
  fw_full_dir(FW_BINDIR "${FW_BINDIR}" PLAIN)
  fw_full_dir(FW_SYSCONFDIR "${FW_SYSCONFDIR}" SYSCONF)
  set(unit "$ENV{DESTDIR}${unitdir}/xskwall.service")
  message(STATUS "Installing: ${unit}")
  configure_file("${FW_DIST_DIR}/xskwall.service.in" "${unit}" @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  set(fw_unit_file "${unit}" PARENT_SCOPE)
endfunction()

fw_install_unit()
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${fw_unit_file}")

# file(INSTALL) puts DESTDIR before an absolute destination itself.
fw_full_dir(fw_confdir "${FW_SYSCONFDIR}" SYSCONF)
set(fw_confdir "${fw_confdir}/xskwall")
if(EXISTS "$ENV{DESTDIR}${fw_confdir}/xskwall.conf")
  fw_full_dir(fw_docdir "${FW_DOCDIR}" PLAIN)
  message(STATUS "Keeping: $ENV{DESTDIR}${fw_confdir}/xskwall.conf (it exists; the "
    "example is $ENV{DESTDIR}${fw_docdir}/xskwall.conf.example)")
else()
  file(INSTALL DESTINATION "${fw_confdir}" TYPE FILE RENAME xskwall.conf
    FILES "${FW_DIST_DIR}/xskwall.conf.example")
endif()
# The example includes rules.d/*.rules (none is fine).
file(MAKE_DIRECTORY "$ENV{DESTDIR}${fw_confdir}/rules.d")
