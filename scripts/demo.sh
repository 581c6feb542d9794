#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the main job
# on a bundled example (no JACK server or input file needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [ -x build/fxgraph ] && [ -f graphs/demo.yaml ]; then
  mkdir -p out
  build/fxgraph run graphs/demo.yaml --output out/demo.wav
  build/fxgraph info out/demo.wav
else
  build/embed_chain
fi
