#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, and runs every test
# with ctest (JACK tests start their own dummy jackd servers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j2 "$@"
