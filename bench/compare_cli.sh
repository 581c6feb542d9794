#!/usr/bin/env bash
# End-to-end comparison on a 10-minute stereo 48 kHz float WAV (float WAV out):
# fxgraph process vs SoX (and the libsndfile copy anchor), wall time and peak RSS,
# best of 3 runs. Files live in /dev/shm so the disk does not dominate (on this VM a
# plain 230 MB copy to disk takes about 1 s; fxgraph also fsyncs its output).
#
# Usage: bench/compare_cli.sh [build-dir]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fx="$build/fxgraph"
work=/dev/shm/fxgraph-bench-$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

cat > "$work/gen.yaml" <<'YAML'
sample_rate: 48000
nodes:
  noise: { type: noise, channels: 2, seed: 3, amplitude: 0.5 }
  out:   { type: file_out, path: in.wav, format: float }
edges:
  - noise -> out
YAML
"$fx" run "$work/gen.yaml" --duration 600 --quiet

# best of three: "<seconds> <max RSS KiB>"
best() {
  local best_s=999 best_kb=0
  for _ in 1 2 3; do
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    read -r s kb < "$work/time.txt"
    if awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_kb=$kb; fi
  done
  printf "%6.2f s %7.1f MiB" "$best_s" "$(awk "BEGIN{print $best_kb/1024}")"
}
row() {  # label, fxgraph chain, sox effects ('' to skip)
  printf "%-58s fxgraph %s" "$1" "$(best "$fx" process "$work/in.wav" "$work/out.wav" --quiet --format float --chain "$2")"
  if [ -n "$3" ] && command -v sox >/dev/null; then
    # shellcheck disable=SC2086
    printf "   sox %s" "$(best sox "$work/in.wav" -e floating-point "$work/sox.wav" $3)"
  fi
  echo
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "%-58s %s\n" "libsndfile copy anchor (fxgraph gain 1)" "$(best "$fx" process "$work/in.wav" "$work/out.wav" --quiet --format float --chain 'gain(1)')"
row "gain" "gain(1.5)" "vol 1.5"
row "high-pass 80 + low-pass 8000 (order 2) + gain" \
    "highpass(80, order=2) | lowpass(8000, order=2) | gain(1.5)" "highpass 80 lowpass 8000 vol 1.5"
row "gain 1.5, Butterworth HP 80 + LP 8000 order 4, 100 ms echo" \
    "gain(1.5) | highpass(80) | lowpass(8000) | echo(4800, 0.5, 0.5)" ""
row "HP, LP, peaking EQ, gain, reverb, normalize" \
    "highpass(80) | lowpass(8000) | peaking(1000, 1, 3) | gain(1.2) | reverb(0.3) | normalize(0.95)" \
    "highpass 80 lowpass 8000 equalizer 1000 1q 3 vol 1.2 reverb 30 norm -0.45"
