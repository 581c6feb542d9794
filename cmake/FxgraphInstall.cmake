# What `cmake --install build --prefix P` puts under P, and the .deb `cpack -G DEB` makes
# of it (included from the top-level CMakeLists when FXGRAPH_INSTALL is ON):
#
#   bin/fxgraph                                 the command          Runtime
#   lib/libfxgraph_<layer>.so.*                 shared libraries     Runtime
#   lib/libfxgraph_<layer>.a, .so (namelink)    to link against      Development
#   include/fxgraph/<layer>/…/*.h               public headers       Development
#   lib/cmake/fxgraph/fxgraph*.cmake            find_package(fxgraph) Development
#   lib/pkgconfig/fxgraph.pc                    pkg-config fxgraph   Development
#   share/fxgraph/graphs/*.yaml                 the example graphs   Runtime
#
# The build tree is a package too: find_package(fxgraph) with fxgraph_DIR=<build>.
include(CMakePackageConfigHelpers)

set(FXGRAPH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/fxgraph
    CACHE STRING "Where fxgraphConfig.cmake is installed (relative to the prefix)")
set(FXGRAPH_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    CACHE STRING "Where fxgraph.pc is installed (relative to the prefix)")

# The pkg-config modules behind PkgConfig::<PREFIX> in FxgraphDependencies.cmake, as
# PREFIX=module: static consumers need them (fxgraphConfig.cmake, fxgraph.pc).
set(FXGRAPH_PACKAGE_PKGCONFIG_MODULES SNDFILE=sndfile FFTW3F=fftw3f SOXR=soxr EBUR128=libebur128)
if(FXGRAPH_WITH_JACK)
  list(APPEND FXGRAPH_PACKAGE_PKGCONFIG_MODULES JACK=jack)
endif()
if(FXGRAPH_WITH_PORTAUDIO)
  list(APPEND FXGRAPH_PACKAGE_PKGCONFIG_MODULES PORTAUDIO=portaudio-2.0)
endif()
if(FXGRAPH_WITH_LV2)
  list(APPEND FXGRAPH_PACKAGE_PKGCONFIG_MODULES LILV=lilv-0)
endif()
if(FXGRAPH_WITH_OSC)
  list(APPEND FXGRAPH_PACKAGE_PKGCONFIG_MODULES LO=liblo)
endif()

# ---- libraries and headers ----
set(FXGRAPH_LIBRARY_TARGETS "")
foreach(layer ${FXGRAPH_LAYERS})
  list(APPEND FXGRAPH_LIBRARY_TARGETS fxgraph_${layer})
endforeach()
install(TARGETS ${FXGRAPH_LIBRARY_TARGETS} fxgraph
  EXPORT fxgraphTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
          NAMELINK_COMPONENT Development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)

# Every header of a layer is public (the layers include each other's); the JACK backend's
# only when it was built, so a header never promises a class the library lacks.
# plugins/detail/ holds the LV2 host's internal header (it includes lilv's).
set(FXGRAPH_HEADER_EXCLUDES PATTERN detail EXCLUDE)
if(NOT FXGRAPH_WITH_JACK)
  list(APPEND FXGRAPH_HEADER_EXCLUDES PATTERN jack_backend.h EXCLUDE)
endif()
if(NOT FXGRAPH_WITH_OSC)
  list(APPEND FXGRAPH_HEADER_EXCLUDES PATTERN osc_receiver.h EXCLUDE)
endif()
if(NOT FXGRAPH_WITH_PORTAUDIO)
  list(APPEND FXGRAPH_HEADER_EXCLUDES PATTERN portaudio_backend.h EXCLUDE)
endif()
foreach(layer ${FXGRAPH_LAYERS})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/fxgraph/${layer}
    COMPONENT Development
    FILES_MATCHING PATTERN *.h ${FXGRAPH_HEADER_EXCLUDES})
endforeach()

# ---- CMake package: fxgraphConfig.cmake, fxgraphConfigVersion.cmake, fxgraphTargets.cmake ----
get_target_property(FXGRAPH_LIBRARY_TYPE fxgraph_engine TYPE)
if(FXGRAPH_LIBRARY_TYPE STREQUAL "SHARED_LIBRARY")
  set(FXGRAPH_PACKAGE_SHARED TRUE)
else()
  set(FXGRAPH_PACKAGE_SHARED FALSE)
endif()
if(FXGRAPH_WITH_JACK)
  set(FXGRAPH_PACKAGE_WITH_JACK TRUE)
else()
  set(FXGRAPH_PACKAGE_WITH_JACK FALSE)
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/fxgraphConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fxgraphConfig.cmake
  INSTALL_DESTINATION ${FXGRAPH_INSTALL_CMAKEDIR})
# Semantic versioning: before 1.0 a minor release may break the API, so 0.1.x accepts
# a request for 0.1 but not for 0.2 (or 0.0); from 1.0 on, the major version decides.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(FXGRAPH_VERSION_COMPATIBILITY SameMinorVersion)
else()
  set(FXGRAPH_VERSION_COMPATIBILITY SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fxgraphConfigVersion.cmake
  COMPATIBILITY ${FXGRAPH_VERSION_COMPATIBILITY})

install(EXPORT fxgraphTargets
  NAMESPACE fxgraph::
  DESTINATION ${FXGRAPH_INSTALL_CMAKEDIR}
  COMPONENT Development)
install(FILES ${PROJECT_BINARY_DIR}/fxgraphConfig.cmake
              ${PROJECT_BINARY_DIR}/fxgraphConfigVersion.cmake
  DESTINATION ${FXGRAPH_INSTALL_CMAKEDIR}
  COMPONENT Development)
export(EXPORT fxgraphTargets NAMESPACE fxgraph:: FILE ${PROJECT_BINARY_DIR}/fxgraphTargets.cmake)

# ---- pkg-config: fxgraph.pc ----
# `pkg-config --cflags --libs fxgraph` is the whole link line, for static and shared
# libraries alike. A static libfxgraph_* needs its dependencies in every program that
# links it, so they are plain Requires/Libs there: the usual `--static` with
# Requires.private would also ask for the static dependencies of those dependencies
# (sndfile.pc's -lmp3lame, -lFLAC …), which Debian's -dev packages do not all bring.
# Shared libraries carry their own dependencies: Requires.private (for the compiler
# flags only) and Libs.private. Boost ships no .pc file, so Boost.Graph is named
# directly; Boost's headers are in the compiler's default path on Debian.
function(fxgraph_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${FXGRAPH_INSTALL_PKGCONFIGDIR}")
  set(FXGRAPH_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH FXGRAPH_PC_UP /prefix/${FXGRAPH_INSTALL_PKGCONFIGDIR} /prefix)
  string(REGEX REPLACE "/$" "" FXGRAPH_PC_UP "${FXGRAPH_PC_UP}")  # "../../" → "../.."
  set(FXGRAPH_PC_PREFIX "\${pcfiledir}/${FXGRAPH_PC_UP}")
endif()
fxgraph_pc_path(FXGRAPH_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
fxgraph_pc_path(FXGRAPH_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")

set(FXGRAPH_PC_LIBS "")
foreach(layer ${FXGRAPH_LAYERS})  # a layer before the ones it uses, for static linking
  string(PREPEND FXGRAPH_PC_LIBS "-lfxgraph_${layer} ")
endforeach()
string(STRIP "${FXGRAPH_PC_LIBS}" FXGRAPH_PC_LIBS)
set(FXGRAPH_PC_DEPENDENCY_MODULES "yaml-cpp")
foreach(module ${FXGRAPH_PACKAGE_PKGCONFIG_MODULES})
  string(REGEX REPLACE "^[^=]*=" "" module "${module}")
  string(APPEND FXGRAPH_PC_DEPENDENCY_MODULES " ${module}")
endforeach()
if(FXGRAPH_PACKAGE_SHARED)
  set(FXGRAPH_PC_REQUIRES "")
  set(FXGRAPH_PC_REQUIRES_PRIVATE "${FXGRAPH_PC_DEPENDENCY_MODULES}")
  set(FXGRAPH_PC_LIBS_PRIVATE "-lboost_graph")
else()
  set(FXGRAPH_PC_REQUIRES "${FXGRAPH_PC_DEPENDENCY_MODULES}")
  set(FXGRAPH_PC_REQUIRES_PRIVATE "")
  set(FXGRAPH_PC_LIBS_PRIVATE "")
  string(APPEND FXGRAPH_PC_LIBS " -lboost_graph")
endif()
set(FXGRAPH_PC_CFLAGS "")
if(FXGRAPH_WITH_JACK)
  set(FXGRAPH_PC_CFLAGS " -DFXGRAPH_WITH_JACK=1")  # as fxgraph::io's compile definitions
endif()
if(FXGRAPH_WITH_PLUGINS)  # as fxgraph::plugins' compile definitions
  string(APPEND FXGRAPH_PC_CFLAGS " -DFXGRAPH_WITH_PLUGINS=1")
  if(FXGRAPH_WITH_LV2)
    string(APPEND FXGRAPH_PC_CFLAGS " -DFXGRAPH_WITH_LV2=1")
  endif()
  if(FXGRAPH_WITH_LADSPA)
    string(APPEND FXGRAPH_PC_CFLAGS " -DFXGRAPH_WITH_LADSPA=1")
  endif()
  if(NOT FXGRAPH_PACKAGE_SHARED AND CMAKE_DL_LIBS)
    string(APPEND FXGRAPH_PC_LIBS " -l${CMAKE_DL_LIBS}")
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/fxgraph.pc.in ${PROJECT_BINARY_DIR}/fxgraph.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/fxgraph.pc
  DESTINATION ${FXGRAPH_INSTALL_PKGCONFIGDIR}
  COMPONENT Development)

# ---- the command and the example graphs ----
# Shared libraries are found from where they were installed, wherever the prefix is:
# the command looks in bin/../lib, each library beside itself (a RUNPATH serves only
# the file that has it, not the libraries that file loads).
if(FXGRAPH_PACKAGE_SHARED)
  set_target_properties(${FXGRAPH_LIBRARY_TARGETS} PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()
if(TARGET fxgraph_cli)
  if(FXGRAPH_PACKAGE_SHARED)
    file(RELATIVE_PATH FXGRAPH_BIN_TO_LIB /prefix/${CMAKE_INSTALL_BINDIR}
         /prefix/${CMAKE_INSTALL_LIBDIR})
    set_target_properties(fxgraph_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${FXGRAPH_BIN_TO_LIB}")
  endif()
  install(TARGETS fxgraph_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/graphs/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fxgraph/graphs
  COMPONENT Runtime
  FILES_MATCHING PATTERN *.yaml)

# ---- CPack: `cpack -G DEB` in the build folder ----
# Only for fxgraph's own build: in a parent project CPack belongs to the parent.
if(FXGRAPH_TOP_LEVEL)
  include(${CMAKE_CURRENT_LIST_DIR}/FxgraphPackage.cmake)
endif()
