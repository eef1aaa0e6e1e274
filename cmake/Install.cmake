# Installs headers, both libraries, a CMake package (find_package(awsorch)
# gives awsorch::awsorch) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/awsorch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS awsorch_shared awsorch_static EXPORT awsorchTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS awsorch awsorch-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(awsorch_shared PROPERTIES EXPORT_NAME awsorch)
set_target_properties(awsorch_static PROPERTIES EXPORT_NAME static)
install(EXPORT awsorchTargets NAMESPACE awsorch::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/awsorch)
configure_package_config_file(cmake/awsorchConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/awsorchConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/awsorch)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/awsorchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/awsorchConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/awsorchConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/awsorch)
file(RELATIVE_PATH AWSORCH_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
     "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" AWSORCH_PC_TO_PREFIX "${AWSORCH_PC_TO_PREFIX}")
configure_file(cmake/awsorch.pc.in ${CMAKE_CURRENT_BINARY_DIR}/awsorch.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/awsorch.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
