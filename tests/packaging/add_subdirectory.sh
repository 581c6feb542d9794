#!/usr/bin/env bash
# ctest packaging.add_subdirectory: configures the parent project in add_subdirectory/
# (which embeds fxgraph from FXGRAPH_SOURCE_DIR with no options and an empty build
# type, so -O0), checks the build type stayed empty, builds the consumer and runs it.
# Environment (tests/CMakeLists.txt): FXGRAPH_SOURCE_DIR, FXGRAPH_WORK_DIR, CXX and
# CMAKE_CXX_COMPILER_LAUNCHER (the outer build's compiler, read by cmake itself).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$FXGRAPH_WORK_DIR/add_subdirectory
rm -rf "$work"
mkdir -p "$work"

cmake -S "$here/add_subdirectory" -B "$work" -DCMAKE_BUILD_TYPE= \
  -DFXGRAPH_SOURCE_DIR="$FXGRAPH_SOURCE_DIR" -DFXGRAPH_CONSUMER_SOURCE="$here/consumer.cpp"
# fxgraph picks Release only for its own build; a parent's empty choice is kept.
if ! grep -Eq '^CMAKE_BUILD_TYPE:[A-Z]+=$' "$work/CMakeCache.txt"; then
  echo "add_subdirectory: the parent's empty CMAKE_BUILD_TYPE was changed:" >&2
  grep '^CMAKE_BUILD_TYPE' "$work/CMakeCache.txt" >&2
  exit 1
fi
cmake --build "$work" -j2 --target consumer
"$work/consumer"
