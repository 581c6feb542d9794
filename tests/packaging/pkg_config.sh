#!/usr/bin/env bash
# ctest packaging.pkg_config: compiles the consumer with nothing but
# `pkg-config --cflags --libs fxgraph` from the prefix packaging.install filled (the
# whole link line, static libraries or shared; see cmake/FxgraphInstall.cmake), runs it.
# Environment: FXGRAPH_WORK_DIR, FXGRAPH_PREFIX, FXGRAPH_LIBDIR, FXGRAPH_VERSION, CXX
# and CMAKE_CXX_COMPILER_LAUNCHER.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$FXGRAPH_WORK_DIR/pkg_config
rm -rf "$work"
mkdir -p "$work"

export PKG_CONFIG_PATH=$FXGRAPH_PREFIX/$FXGRAPH_LIBDIR/pkgconfig
version=$(pkg-config --modversion fxgraph)
if [ "$version" != "$FXGRAPH_VERSION" ]; then
  echo "pkg_config: fxgraph.pc says version $version, the build is $FXGRAPH_VERSION" >&2
  exit 1
fi
flags=$(pkg-config --cflags --libs fxgraph)
echo "pkg-config --cflags --libs fxgraph: $flags"
# shellcheck disable=SC2086  # the launcher may be empty; the flags are words
${CMAKE_CXX_COMPILER_LAUNCHER:-} "${CXX:-c++}" -std=c++20 "$here/consumer.cpp" $flags \
  -o "$work/consumer"
LD_LIBRARY_PATH=$FXGRAPH_PREFIX/$FXGRAPH_LIBDIR "$work/consumer"
