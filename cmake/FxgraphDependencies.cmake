# What fxgraph's layers link against (all Debian 12 packages; scripts/install-deps.sh).
set(FXGRAPH_BOOST_MIN_VERSION 1.74)  # fxgraphConfig.cmake asks for the same
find_package(Boost ${FXGRAPH_BOOST_MIN_VERSION} REQUIRED COMPONENTS graph)
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)

# JACK is optional: a program that only renders files does not need it. ON when found,
# unless the cache says otherwise; asking for it explicitly makes it required.
pkg_check_modules(JACK IMPORTED_TARGET jack)
if(DEFINED FXGRAPH_WITH_JACK AND FXGRAPH_WITH_JACK AND NOT JACK_FOUND)
  message(FATAL_ERROR "FXGRAPH_WITH_JACK is ON but JACK was not found "
                      "(Debian: apt-get install libjack-jackd2-dev)")
endif()
option(FXGRAPH_WITH_JACK "Build the JACK backend" ${JACK_FOUND})
