# Helpers that give every fxgraph target the same compile settings.
include(GNUInstallDirs)

# C++20 is part of fxgraph's interface (std::span and defaulted comparisons in public
# headers), so it travels to consumers; warnings and -Werror are ours alone (PRIVATE).
function(fxgraph_set_warnings target)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  # Designated initialisers (StreamConfig{.sample_rate = 44100}) leave the rest to their
  # defaults on purpose; GCC would warn about every such use.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers)
  # GCC 12 at -O3 reports false -Wrestrict errors inside libstdc++'s std::string
  # operator+ (GCC bug 105329); the warning is silenced for that compiler only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(FXGRAPH_FUZZ)
    # Coverage for libFuzzer plus the sanitizers that turn silent bugs into crashes.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                             -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(FXGRAPH_SANITIZER STREQUAL "address")
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(FXGRAPH_SANITIZER STREQUAL "thread")
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=thread)
  elseif(NOT FXGRAPH_SANITIZER STREQUAL "")
    message(FATAL_ERROR "FXGRAPH_SANITIZER must be '', 'address' or 'thread', not '${FXGRAPH_SANITIZER}'")
  endif()
endfunction()

# Shared builds (BUILD_SHARED_LIBS=ON): libfxgraph_engine.so.0.1.0 with the soname
# libfxgraph_engine.so.0.1. Before 1.0 any minor release may break the ABI (as the
# package version file assumes, see FxgraphInstall.cmake), so the soname carries
# major.minor; from 1.0 on, the major version alone.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(FXGRAPH_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(FXGRAPH_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()

# fxgraph_add_layer(NAME [PUBLIC deps…] [PRIVATE deps…] [EXCLUDE files…])
# Builds every .cpp under NAME/ into the library fxgraph_NAME (alias fxgraph::NAME,
# exported as fxgraph::NAME too).
function(fxgraph_add_layer name)
  cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${name}/*.cpp)
  if(ARG_EXCLUDE)
    list(REMOVE_ITEM sources ${ARG_EXCLUDE})
  endif()
  add_library(fxgraph_${name} ${sources})
  add_library(fxgraph::${name} ALIAS fxgraph_${name})
  set_target_properties(fxgraph_${name} PROPERTIES EXPORT_NAME ${name}
                                                   POSITION_INDEPENDENT_CODE ON
                                                   VERSION ${PROJECT_VERSION}
                                                   SOVERSION ${FXGRAPH_SOVERSION})
  target_compile_features(fxgraph_${name} PUBLIC cxx_std_20)
  target_include_directories(fxgraph_${name} PUBLIC
    $<BUILD_INTERFACE:${FXGRAPH_BUILD_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(fxgraph_${name} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  fxgraph_set_warnings(fxgraph_${name})
endfunction()
