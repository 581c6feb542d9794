#!/usr/bin/env bash
# ctest packaging.install (the fixture of find_package and pkg_config): installs this
# build to a fresh prefix and checks the layout a user of the package relies on.
# Environment: FXGRAPH_BUILD_DIR, FXGRAPH_PREFIX, FXGRAPH_LIBDIR (lib, relative),
# FXGRAPH_WITH_JACK (ON/OFF); FXGRAPH_PYTHON (ON/OFF), FXGRAPH_PYTHON_INSTALL_DIR (relative)
# and FXGRAPH_PYTHON_EXECUTABLE for the Python package.
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
# The Python package where python3 finds it under the prefix, imported from elsewhere
# (so the build tree cannot stand in for it) and run once.
if [ "${FXGRAPH_PYTHON:-OFF}" = ON ]; then
  site=$prefix/$FXGRAPH_PYTHON_INSTALL_DIR
  expect "$FXGRAPH_PYTHON_INSTALL_DIR/fxgraph/__init__.py"
  expect "$FXGRAPH_PYTHON_INSTALL_DIR/fxgraph/effect.pyi"
  expect "$FXGRAPH_PYTHON_INSTALL_DIR/fxgraph/filter/iir.py"
  if ! (cd / && PYTHONPATH=$site "$FXGRAPH_PYTHON_EXECUTABLE" -c "
import fxgraph, numpy
assert fxgraph.__file__.startswith('$site'), fxgraph.__file__
y = fxgraph.process(numpy.ones((1, 8), 'float32'), 48000, 'gain(0.5)')
assert (y == 0.5).all(), y
assert fxgraph.nodes.gain(2).gain == 2
"); then
    echo "install: the installed Python package does not work" >&2
    status=1
  fi
fi
# The installed command runs from its new place.
"$prefix/bin/fxgraph" --version
exit $status
