# The Debian package (SPEC §14): `cpack -G DEB` in the build directory (scripts/package.sh builds,
# checks with lintian and installs it). /usr/bin/senderid, the systemd unit, the configuration as a
# conffile, and the documentation Debian policy asks for; the dependencies come from the binary's
# shared libraries (dpkg-shlibdeps).
include(GNUInstallDirs)
install(TARGETS senderid RUNTIME DESTINATION bin)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/senderid.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/senderid.toml DESTINATION /etc/senderid)
# Policy §12.5 and §12.7: a copyright file and a changelog, compressed with gzip -9n (reproducible).
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
set(SENDERID_CHANGELOG_GZ ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${SENDERID_CHANGELOG_GZ}
  COMMAND sh -c "gzip -9n < '${CMAKE_BINARY_DIR}/packaging/changelog' > '${SENDERID_CHANGELOG_GZ}'"
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(senderid_changelog ALL DEPENDS ${SENDERID_CHANGELOG_GZ})
install(FILES ${SENDERID_CHANGELOG_GZ} DESTINATION share/doc/senderid)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright ${CMAKE_SOURCE_DIR}/README.md
  DESTINATION share/doc/senderid)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME senderid)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "senderid maintainers <senderid@example.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "registry of SMS sender numbers (SOLAPI senderid/v1 API)")
# The extended description (the synopsis line comes from the summary above).
set(CPACK_PACKAGE_DESCRIPTION "Keeps the sender numbers an SMS platform's customers send from and proves
they own them, by an ARS voice call or by documents an operator reviews.
Speaks the CoolSMS/SOLAPI senderid/v1 REST API, with events, signed webhooks
and an operators' console; stores its data in SQLite or PostgreSQL.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # senderid_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/packaging/debian/postinst ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
  ${CMAKE_SOURCE_DIR}/packaging/debian/postrm ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles)
include(CPack)
