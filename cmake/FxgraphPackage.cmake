# CPack: `cpack -G DEB` in the build folder makes two Debian packages from the install
# components (FxgraphInstall.cmake):
#   fxgraph      Runtime: the fxgraph command, the example graphs, shared libraries if
#                built with BUILD_SHARED_LIBS=ON; library dependencies by dpkg-shlibdeps
#   fxgraph-dev  Development: headers, static libraries, CMake package, fxgraph.pc;
#                depends on the -dev packages a program built against it needs
set(CPACK_PACKAGE_NAME fxgraph)
set(CPACK_PACKAGE_VENDOR fxgraph)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(FXGRAPH_PACKAGE_CONTACT
    "fxgraph maintainers <maintainers@users.noreply.b-seed-db19f97a.example>"
    CACHE STRING "Maintainer of the Debian packages (name <email>)")
set(CPACK_PACKAGE_CONTACT "${FXGRAPH_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FXGRAPH_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY fxgraph)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Runtime Development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # fxgraph_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME fxgraph)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION sound)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "The fxgraph command: renders YAML audio graphs to files and runs them live.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME fxgraph-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION
    "C++20 library to embed the fxgraph engine: headers, CMake package, pkg-config file.")
# Public headers need Boost (Lockfree); static libraries also need every private
# dependency at link time, and fxgraphConfig.cmake finds some of them with pkg-config.
set(FXGRAPH_DEB_DEV_DEPENDS "libboost-dev (>= ${FXGRAPH_BOOST_MIN_VERSION})")
if(NOT FXGRAPH_PACKAGE_SHARED)
  string(APPEND FXGRAPH_DEB_DEV_DEPENDS
         ", libboost-graph-dev, libyaml-cpp-dev, libsndfile1-dev, libfftw3-dev, libsoxr-dev, "
         "libebur128-dev, pkg-config")
  if(FXGRAPH_WITH_JACK)
    string(APPEND FXGRAPH_DEB_DEV_DEPENDS ", libjack-jackd2-dev | libjack-dev")
  endif()
  if(FXGRAPH_WITH_PORTAUDIO)
    string(APPEND FXGRAPH_DEB_DEV_DEPENDS ", portaudio19-dev")
  endif()
  if(FXGRAPH_WITH_LV2)
    string(APPEND FXGRAPH_DEB_DEV_DEPENDS ", liblilv-dev")
  endif()
  if(FXGRAPH_WITH_OSC)
    string(APPEND FXGRAPH_DEB_DEV_DEPENDS ", liblo-dev")
  endif()
else()
  # The .so namelinks point into the runtime package.
  set(CPACK_COMPONENT_DEVELOPMENT_DEPENDS Runtime)
endif()
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "${FXGRAPH_DEB_DEV_DEPENDS}")

include(CPack)
