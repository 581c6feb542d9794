# What fxgraph's layers link against (all Debian 12 packages; scripts/install-deps.sh).
set(FXGRAPH_BOOST_MIN_VERSION 1.74)  # fxgraphConfig.cmake asks for the same
find_package(Boost ${FXGRAPH_BOOST_MIN_VERSION} REQUIRED COMPONENTS graph)
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
# libsoxr: SoX's resampler (file inputs at another rate, impulse responses).
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
# libebur128: the EBU R128 reference implementation (loudness meter and normalisation).
pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)

# An optional dependency found through pkg-config, behind the option OPTION: ON when
# found, unless the cache says otherwise; asking for it explicitly (-DOPTION=ON) makes it
# required (a configure error naming the Debian package). PREFIX names pkg-config's
# results (PkgConfig::PREFIX, PREFIX_FOUND in the caller's scope). OFF_MESSAGE, when
# given, is shown while the option is OFF.
#   fxgraph_optional_package(FXGRAPH_WITH_X PREFIX X MODULE x-1.0 WHAT "libx"
#                            DOC "…" DEBIAN libx-dev [OFF_MESSAGE "…"])
function(fxgraph_optional_package option)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PREFIX;MODULE;WHAT;DOC;DEBIAN;OFF_MESSAGE" "")
  pkg_check_modules(${arg_PREFIX} IMPORTED_TARGET ${arg_MODULE})
  if(DEFINED ${option} AND ${option} AND NOT ${arg_PREFIX}_FOUND)
    message(FATAL_ERROR "${option} is ON but ${arg_WHAT} was not found "
                        "(Debian: apt-get install ${arg_DEBIAN})")
  endif()
  option(${option} "${arg_DOC}" ${${arg_PREFIX}_FOUND})
  if(NOT ${option} AND DEFINED arg_OFF_MESSAGE)
    message(STATUS "fxgraph: ${arg_OFF_MESSAGE}")
  endif()
  set(${arg_PREFIX}_FOUND ${${arg_PREFIX}_FOUND} PARENT_SCOPE)
endfunction()

# JACK: a program that only renders files does not need it.
fxgraph_optional_package(FXGRAPH_WITH_JACK PREFIX JACK MODULE jack WHAT JACK
  DOC "Build the JACK backend" DEBIAN libjack-jackd2-dev)
# OSC control of live sessions (`--osc`): liblo encodes and decodes the messages.
fxgraph_optional_package(FXGRAPH_WITH_OSC PREFIX LO MODULE liblo WHAT liblo
  DOC "OSC control of live sessions (liblo)" DEBIAN liblo-dev
  OFF_MESSAGE "OSC control off (no liblo; Debian: liblo-dev); --osc says so")
# PortAudio (`fxgraph live --backend portaudio`): sound cards without a JACK server.
fxgraph_optional_package(FXGRAPH_WITH_PORTAUDIO PREFIX PORTAUDIO MODULE portaudio-2.0
  WHAT PortAudio DOC "Build the PortAudio backend" DEBIAN portaudio19-dev
  OFF_MESSAGE "PortAudio backend off (no portaudio-2.0; Debian: portaudio19-dev)")

# Plugin hosting: LV2 through lilv, LADSPA through ladspa.h (ladspa-sdk) and dlopen.
fxgraph_optional_package(FXGRAPH_WITH_LV2 PREFIX LILV MODULE lilv-0 WHAT lilv
  DOC "Host LV2 plugins (lilv)" DEBIAN "liblilv-dev lv2-dev"
  OFF_MESSAGE "LV2 hosting off (no lilv-0; Debian: liblilv-dev lv2-dev)")
find_path(FXGRAPH_LADSPA_INCLUDE_DIR ladspa.h)
if(FXGRAPH_LADSPA_INCLUDE_DIR)
  set(FXGRAPH_LADSPA_FOUND TRUE)
else()
  set(FXGRAPH_LADSPA_FOUND FALSE)
endif()
if(DEFINED FXGRAPH_WITH_LADSPA AND FXGRAPH_WITH_LADSPA AND NOT FXGRAPH_LADSPA_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_LADSPA is ON but ladspa.h was not found "
                      "(Debian: apt-get install ladspa-sdk)")
endif()
option(FXGRAPH_WITH_LADSPA "Host LADSPA plugins" ${FXGRAPH_LADSPA_FOUND})
if(NOT FXGRAPH_WITH_LADSPA)
  message(STATUS "fxgraph: LADSPA hosting off (no ladspa.h; Debian: ladspa-sdk)")
endif()

# The Python package (python/) needs Python's development files and pybind11 (Debian:
# python3-dev, pybind11-dev). ON when both are found and fxgraph is the top-level project
# (an embedding parent asks for it explicitly); asking for it makes them required.
set(FXGRAPH_PYTHON_DEFAULT OFF)
if(FXGRAPH_TOP_LEVEL OR FXGRAPH_PYTHON)
  # Debian's own python3 by default (its python3-numpy and python3-pytest go with it), not
  # whichever python3 comes first on PATH (a pyenv shim, a virtualenv).
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module)
  if(Python3_FOUND)
    find_package(pybind11 CONFIG QUIET)
  endif()
  if(FXGRAPH_FUZZ OR NOT FXGRAPH_SANITIZER STREQUAL "")
    # An instrumented extension cannot be imported by an uninstrumented python3 (the
    # sanitizer runtime must come first), and the build imports it to write the stubs.
  elseif(Python3_FOUND AND pybind11_FOUND)
    set(FXGRAPH_PYTHON_DEFAULT ON)
  else()
    message(STATUS "fxgraph: the Python package is off (needs python3-dev and pybind11-dev)")
  endif()
  if(FXGRAPH_PYTHON AND NOT (Python3_FOUND AND pybind11_FOUND))
    message(FATAL_ERROR "FXGRAPH_PYTHON is ON but Python's development files or pybind11 "
                        "were not found (Debian: apt-get install python3-dev pybind11-dev)")
  endif()
endif()
option(FXGRAPH_PYTHON "Build the Python package fxgraph (python/)" ${FXGRAPH_PYTHON_DEFAULT})
