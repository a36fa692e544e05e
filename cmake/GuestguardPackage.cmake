# The Debian package guestguard-server (`cpack -G DEB` in the build tree): the
# server binary (web UI embedded), the systemd units guestguard.service and
# guestguard-notifier.service, the sysusers.d entry of their account, the
# environment file /etc/guestguard/guestguard.env (a conffile, 0640) and the
# operations guide. Files under packaging/debian/; docs/operations.md explains
# them. Every rule here belongs to component `server` and is EXCLUDE_FROM_ALL:
# a plain `cmake --install` (the library and its CMake package) never writes
# to /etc.
set(guestguard_deb_dir ${PROJECT_SOURCE_DIR}/packaging/debian)

install(TARGETS guestguard-server RUNTIME DESTINATION bin COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${guestguard_deb_dir}/guestguard.service ${guestguard_deb_dir}/guestguard-notifier.service
  DESTINATION lib/systemd/system COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${guestguard_deb_dir}/sysusers.conf DESTINATION lib/sysusers.d
  RENAME guestguard.conf COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${guestguard_deb_dir}/guestguard.env DESTINATION /etc/guestguard
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT server EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md
  DESTINATION share/doc/guestguard-server COMPONENT server EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME guestguard)
set(CPACK_PACKAGE_VENDOR "GuestGuard")
set(CPACK_PACKAGE_CONTACT "GuestGuard maintainers <guestguard@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "invite-fraud protection for personal guest links")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL server)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # guestguard-server_<version>_<arch>.deb
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME guestguard-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_SERVER_DESCRIPTION
  "GuestGuard reference server: invite-fraud protection for personal guest links\n\
Scores every open, RSVP and check-in of a guest link, serves the host console\n\
and the guest page, and sends invitations and fraud alerts. Runs as the\n\
systemd units guestguard.service and guestguard-notifier.service, configured\n\
in /etc/guestguard/guestguard.env.")
set(CPACK_DEBIAN_SERVER_PACKAGE_SHLIBDEPS ON)  # Depends: from dpkg-shlibdeps
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${guestguard_deb_dir}/conffiles ${guestguard_deb_dir}/postinst
  ${guestguard_deb_dir}/prerm ${guestguard_deb_dir}/postrm)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
