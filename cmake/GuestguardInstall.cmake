# Installs headers, libguestguard and a CMake package: find_package(guestguard)
# then gives guestguard::sql (the SQL layer), guestguard::core (and guestguard::sqlite / guestguard::postgres / guestguard::nats when built).
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/guestguard
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(installed_targets guestguard_sql guestguard_core)
if(GUESTGUARD_WITH_SQLITE)
  list(APPEND installed_targets guestguard_sqlite)
endif()
if(GUESTGUARD_WITH_POSTGRES)
  list(APPEND installed_targets guestguard_postgres)
endif()
if(GUESTGUARD_WITH_NATS)
  list(APPEND installed_targets guestguard_nats)
endif()
install(TARGETS ${installed_targets} EXPORT guestguardTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT guestguardTargets
  NAMESPACE guestguard::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/guestguard)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/guestguardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/guestguardConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/guestguard)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/guestguardConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/guestguardConfig.cmake
  ${PROJECT_BINARY_DIR}/guestguardConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/guestguard)
