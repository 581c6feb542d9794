#!/usr/bin/env bash
# ctest packaging.install (the fixture of find_package and pkg_config): installs this
# build to a fresh prefix and checks the layout a user of the package relies on.
# Environment: FXGRAPH_BUILD_DIR, FXGRAPH_PREFIX, FXGRAPH_LIBDIR (lib, relative),
# FXGRAPH_WITH_JACK (ON/OFF).
set -euo pipefail
prefix=$FXGRAPH_PREFIX
rm -rf "$prefix"
cmake --install "$FXGRAPH_BUILD_DIR" --prefix "$prefix" >/dev/null

status=0
expect() {  # expect PATH: must exist under the prefix
  if [ ! -e "$prefix/$1" ]; then echo "install: missing $1" >&2; status=1; fi
}
expect bin/fxgraph
expect include/fxgraph/engine/engine.h
expect include/fxgraph/nodes/effects/gain.h
expect include/fxgraph/io/stream_processor.h
expect include/fxgraph/graphs/yaml_loader.h
expect include/fxgraph/batch/batch_worker.h
expect "$FXGRAPH_LIBDIR/cmake/fxgraph/fxgraphConfig.cmake"
expect "$FXGRAPH_LIBDIR/cmake/fxgraph/fxgraphConfigVersion.cmake"
expect "$FXGRAPH_LIBDIR/cmake/fxgraph/fxgraphTargets.cmake"
expect "$FXGRAPH_LIBDIR/pkgconfig/fxgraph.pc"
expect share/fxgraph/graphs/demo.yaml
for layer in engine nodes io graphs batch; do
  if ! ls "$prefix/$FXGRAPH_LIBDIR"/libfxgraph_$layer.* >/dev/null 2>&1; then
    echo "install: no library for the $layer layer" >&2
    status=1
  fi
done
if [ "$FXGRAPH_WITH_JACK" = ON ]; then
  expect include/fxgraph/io/jack_backend.h
elif [ -e "$prefix/include/fxgraph/io/jack_backend.h" ]; then
  echo "install: jack_backend.h installed by a build without JACK" >&2
  status=1
fi
# Only the command in bin/, only headers in include/ (no tests, examples, sources).
extra=$(find "$prefix/bin" -type f ! -name fxgraph; find "$prefix/include" -type f ! -name '*.h')
if [ -n "$extra" ]; then
  echo "install: unexpected files:" >&2
  echo "$extra" >&2
  status=1
fi
# The installed command runs from its new place.
"$prefix/bin/fxgraph" --version
exit $status
