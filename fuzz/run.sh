#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 60) from seed corpora made of the
# example graphs, the YAML test fixtures and fuzz/seeds/. A crash leaves its input in
# BUILD/fuzz/artifacts/ and fails the run; once fixed, keep it in
# fuzz/regressions/<target>/, which every run replays first.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS]   (BUILD_DIR configured with -DFXGRAPH_FUZZ=ON)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
seconds="${2:-60}"
work="$build/fuzz/run"
rm -rf "$work"
mkdir -p "$work/yaml" "$work/chain" "$work/parameters" "$work/parameter_files" "$work/automate" \
  "$build/fuzz/artifacts"
cp "$root"/graphs/*.yaml "$root"/tests/graphs/fixtures/*.yaml "$work/yaml/"
cp "$root"/fuzz/seeds/chain/* "$work/chain/"
cp "$root"/fuzz/seeds/parameters/* "$work/parameters/"
cp "$root"/fuzz/seeds/parameter_files/* "$work/parameter_files/"
cp "$root"/fuzz/seeds/automate/* "$work/automate/"
for target in yaml_loader:yaml chain_spec:chain parameter_path:parameters \
  parameter_file:parameter_files automate_flag:automate; do
  name="${target%%:*}"
  corpus="$work/${target##*:}"
  # First the inputs that once crashed it (fuzz/regressions/<target>/), each run once.
  regressions=("$root/fuzz/regressions/$name"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== fuzz_$name: ${#regressions[@]} regression input(s) =="
    "$build/fuzz/fuzz_$name" "${regressions[@]}" >"$work/$name-regressions.log" 2>&1 || {
      tail -n 60 "$work/$name-regressions.log"
      echo "fuzz_$name crashed on a regression input" >&2
      exit 1
    }
  fi
  echo "== fuzz_$name for ${seconds}s (corpus: $(ls "$corpus" | wc -l) seeds) =="
  # -rss_limit_mb: the graphs are small; more (ASan quarantine included) means a leak or a
  # runaway allocation.
  status=0
  "$build/fuzz/fuzz_$name" "$corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$build/fuzz/artifacts/$name-" \
    -print_final_stats=1 >"$work/$name.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$work/$name.log"
    echo "fuzz_$name failed (exit $status); the input is in $build/fuzz/artifacts/" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' "$work/$name.log" || true
done
