#!/usr/bin/env bash
# `fxgraph batch` throughput (issue 16): 64 one-minute stereo 48 kHz float WAVs through
# high-pass 80 Hz + low-pass 8000 Hz (both order 2, as SoX's biquads) + gain 1.5, float
# out, all in /dev/shm so the disk does not dominate. In the same run:
#   fxgraph batch --jobs 1 confined to one core (taskset -c 0), --jobs 1 and --jobs 2 on
#   every core, and SoX run over the same files by GNU parallel -j 2 (one sox per file) —
#   files per second, best of 3 each; the per-file overhead: 64 files of 64 frames
#   through `fxgraph batch --jobs 1`.
# Why the one-core row: a single job is already a pipeline of three threads (reader,
# engine, writer) and keeps about 1.7 cores busy, so `--jobs 2 / --jobs 1` on 2 cores
# cannot show how the work scales with cores; one core against two does.
# On a shared machine, run it as root under `chrt -f 50` so the measured commands take
# precedence over the other load (their children inherit the policy).
#
# Usage: bench/compare_batch.sh [build-dir]     (default: build; FILES=64 SECONDS_EACH=60)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fx="$(pwd)/$build/fxgraph"
files=${FILES:-64}
seconds_each=${SECONDS_EACH:-60}
work=/dev/shm/fxgraph-batch-bench-$$
mkdir -p "$work/in" "$work/tiny"
trap 'rm -rf "$work"' EXIT
cd "$work"

chain='highpass(80, order=2) | lowpass(8000, order=2) | gain(1.5)'
cat > gen.yaml <<'YAML'
sample_rate: 48000
nodes:
  noise: { type: noise, channels: 2, seed: 3, amplitude: 0.5 }
  out:   { type: file_out, path: one.wav, format: float }
edges:
  - noise -> out
YAML
"$fx" run gen.yaml --duration "$seconds_each" --quiet
"$fx" run gen.yaml --duration 0.001333 --quiet --output tiny.wav  # 64 frames
for i in $(seq -w 1 "$files"); do
  cp one.wav "in/f$i.wav"
  cp tiny.wav "tiny/t$i.wav"
done

# best of three wall-clock seconds of a command, run after clearing `out`
best() {
  local best_s=999
  for _ in 1 2 3; do
    rm -rf out && mkdir out
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    best_s=$(awk -v s="$start" -v e="$end" -v b="$best_s" 'BEGIN { d = e - s; print (d < b ? d : b) }')
  done
  echo "$best_s"
}
report() {  # label, seconds
  awk -v l="$1" -v s="$2" -v n="$files" -v a="$seconds_each" \
    'BEGIN { printf "%-44s %7.2f s  %7.1f files/s  %6.0fx realtime\n", l, s, n / s, n * a / s }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$files files of $seconds_each s, stereo 48 kHz float; chain: $chain"
c1=$(best taskset -c 0 "$fx" batch --chain "$chain" in -o out --jobs 1 -q)
report "fxgraph batch --jobs 1, one core" "$c1"
j1=$(best "$fx" batch --chain "$chain" in -o out --jobs 1 -q)
report "fxgraph batch --jobs 1" "$j1"
j2=$(best "$fx" batch --chain "$chain" in -o out --jobs 2 -q)
report "fxgraph batch --jobs 2" "$j2"
awk -v a="$c1" -v b="$j2" 'BEGIN { printf "jobs 2 on %d cores / jobs 1 on one core: %.2fx\n", '"$(nproc)"', a / b }'
awk -v a="$j1" -v b="$j2" 'BEGIN { printf "jobs 2 / jobs 1 (both on every core): %.2fx\n", a / b }'
if command -v sox >/dev/null && command -v parallel >/dev/null; then
  sx=$(best sh -c 'ls in/*.wav | parallel -j 2 sox {} -e floating-point out/{/} highpass 80 lowpass 8000 vol 1.5')
  report "sox, GNU parallel -j 2" "$sx"
  awk -v a="$sx" -v b="$j2" 'BEGIN { printf "fxgraph batch --jobs 2 / sox parallel -j 2: %.2fx\n", a / b }'
else
  echo "sox or GNU parallel missing: no comparison (scripts/install-deps.sh installs both)"
fi
tiny=$(best "$fx" batch --chain "$chain" tiny -o out --jobs 1 -q)
awk -v s="$tiny" -v n="$files" \
  'BEGIN { printf "per-file overhead (64-frame files, --jobs 1, whole command / files): %.2f ms\n", 1000 * s / n }'
