#!/usr/bin/env bash
# ctest packaging.find_package: builds the project in find_package/ (the consumer and
# every examples/*.cpp) against the prefix packaging.install filled, then runs the
# consumer and the README's embedding example.
# Environment: FXGRAPH_SOURCE_DIR, FXGRAPH_WORK_DIR, FXGRAPH_PREFIX, CXX and
# CMAKE_CXX_COMPILER_LAUNCHER.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$FXGRAPH_WORK_DIR/find_package
rm -rf "$work"
mkdir -p "$work"

cmake -S "$here/find_package" -B "$work" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_PREFIX_PATH="$FXGRAPH_PREFIX" \
  -DFXGRAPH_CONSUMER_SOURCE="$here/consumer.cpp" \
  -DFXGRAPH_EXAMPLES_DIR="$FXGRAPH_SOURCE_DIR/examples"
cmake --build "$work" -j2
"$work/consumer"
output=$("$work/embed_chain")
echo "$output"
if ! grep -q '^after:  0.2500' <<<"$output"; then
  echo "find_package: embed_chain printed something else" >&2
  exit 1
fi
