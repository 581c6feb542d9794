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

# JACK is optional: a program that only renders files does not need it. ON when found,
# unless the cache says otherwise; asking for it explicitly makes it required.
pkg_check_modules(JACK IMPORTED_TARGET jack)
if(DEFINED FXGRAPH_WITH_JACK AND FXGRAPH_WITH_JACK AND NOT JACK_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_JACK is ON but JACK was not found "
                      "(Debian: apt-get install libjack-jackd2-dev)")
endif()
option(FXGRAPH_WITH_JACK "Build the JACK backend" ${JACK_FOUND})

# OSC control of live sessions (`--osc`) is optional: liblo (Debian: liblo-dev) encodes
# and decodes the messages. ON when found; asking for it explicitly makes it required.
pkg_check_modules(LO IMPORTED_TARGET liblo)
if(DEFINED FXGRAPH_WITH_OSC AND FXGRAPH_WITH_OSC AND NOT LO_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_OSC is ON but liblo was not found "
                      "(Debian: apt-get install liblo-dev)")
endif()
option(FXGRAPH_WITH_OSC "OSC control of live sessions (liblo)" ${LO_FOUND})
if(NOT FXGRAPH_WITH_OSC)
  message(STATUS "fxgraph: OSC control off (no liblo; Debian: liblo-dev); --osc says so")
endif()
# PortAudio is optional too (`fxgraph live --backend portaudio`: sound cards without a
# JACK server). ON when found; asking for it explicitly makes it required.
pkg_check_modules(PORTAUDIO IMPORTED_TARGET portaudio-2.0)
if(DEFINED FXGRAPH_WITH_PORTAUDIO AND FXGRAPH_WITH_PORTAUDIO AND NOT PORTAUDIO_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_PORTAUDIO is ON but PortAudio was not found "
                      "(Debian: apt-get install portaudio19-dev)")
endif()
option(FXGRAPH_WITH_PORTAUDIO "Build the PortAudio backend" ${PORTAUDIO_FOUND})
if(NOT FXGRAPH_WITH_PORTAUDIO)
  message(STATUS "fxgraph: PortAudio backend off (no portaudio-2.0; Debian: portaudio19-dev)")
endif()

# Plugin hosting is optional too: LV2 through lilv (Debian: liblilv-dev, lv2-dev), LADSPA
# through ladspa.h (ladspa-sdk) and dlopen. Each is ON when found; asking for one
# explicitly makes it required.
pkg_check_modules(LILV IMPORTED_TARGET lilv-0)
find_path(FXGRAPH_LADSPA_INCLUDE_DIR ladspa.h)
if(FXGRAPH_LADSPA_INCLUDE_DIR)
  set(FXGRAPH_LADSPA_FOUND TRUE)
else()
  set(FXGRAPH_LADSPA_FOUND FALSE)
endif()
if(DEFINED FXGRAPH_WITH_LV2 AND FXGRAPH_WITH_LV2 AND NOT LILV_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_LV2 is ON but lilv was not found "
                      "(Debian: apt-get install liblilv-dev lv2-dev)")
endif()
if(DEFINED FXGRAPH_WITH_LADSPA AND FXGRAPH_WITH_LADSPA AND NOT FXGRAPH_LADSPA_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_LADSPA is ON but ladspa.h was not found "
                      "(Debian: apt-get install ladspa-sdk)")
endif()
option(FXGRAPH_WITH_LV2 "Host LV2 plugins (lilv)" ${LILV_FOUND})
option(FXGRAPH_WITH_LADSPA "Host LADSPA plugins" ${FXGRAPH_LADSPA_FOUND})
if(NOT FXGRAPH_WITH_LV2)
  message(STATUS "fxgraph: LV2 hosting off (no lilv-0; Debian: liblilv-dev lv2-dev)")
endif()
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
