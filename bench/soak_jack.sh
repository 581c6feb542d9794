#!/usr/bin/env bash
# Soak test: `fxgraph jack` running graphs/guitar.yaml on a private JACK server (dummy
# driver, realtime) for DURATION seconds at a 64- and a 32-frame period, with the other
# core kept busy, against a baseline: bench/passthrough_client.c, a bare C JACK client
# running six biquads per channel, measured the same way (xruns from JACK's xrun
# callback; DSP load = time inside the process callback / period length).
#
#   bench/soak_jack.sh                      # 5 minutes per run, 4 runs: ~20 minutes
#   DURATION=20 bench/soak_jack.sh          # a quick check
#
# Environment
#   DURATION     seconds per run (default 300)
#   PERIODS      periods to test (default "64 32")
#   FXGRAPH      the fxgraph executable (default build/fxgraph)
#   GRAPH        the graph to run (default graphs/guitar.yaml; its jack_in/jack_out
#                are connected to the dummy driver's system ports)
#   BUSY         1 (default): run `yes > /dev/null` alongside, to load the other core
#
# The dummy driver's clock is a timer: an xrun there means a period that finished
# late (client and server scheduling), which is what a soak is after. The xrun count
# is the server's, seen by every client: a run's count covers its own DURATION only.
# Prints a table: period, client, xruns, mean and max DSP load.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DURATION=${DURATION:-300}
PERIODS=${PERIODS:-"64 32"}
FXGRAPH=${FXGRAPH:-build/fxgraph}
GRAPH=${GRAPH:-graphs/guitar.yaml}
BUSY=${BUSY:-1}
server="soak-$$"
work=$(mktemp -d /tmp/fxgraph-soak.XXXXXX)
export JACK_NO_START_SERVER=1

jackd_pid=""
busy_pid=""
cleanup() {
  [[ -n "$busy_pid" ]] && kill "$busy_pid" 2>/dev/null || true
  stop_server
  rm -rf "$work"
}
stop_server() {
  if [[ -n "$jackd_pid" ]]; then
    kill "$jackd_pid" 2>/dev/null || true
    wait "$jackd_pid" 2>/dev/null || true
    jackd_pid=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "soak_jack.sh: $*" >&2
  exit 1
}

[[ -x "$FXGRAPH" ]] || die "$FXGRAPH not found; build it first (cmake --build build --target fxgraph_cli) or set FXGRAPH"
command -v jackd >/dev/null || die "jackd not found (Debian: apt-get install jackd2)"

# The baseline is built here, not by CMake: it is a measuring stick, not part of fxgraph.
gcc -O2 -Wall -o "$work/passthrough_client" bench/passthrough_client.c -ljack -lm ||
  die "cannot build bench/passthrough_client.c (needs gcc and libjack-jackd2-dev)"

# Starts a dummy server with realtime scheduling; without it when -R is refused.
realtime="yes"
start_server() {
  local period=$1 log="$work/jackd-$1.log"
  jackd -R -n "$server" -d dummy -r 48000 -p "$period" >"$log" 2>&1 &
  jackd_pid=$!
  if ! jack_wait -s "$server" -w -t 5 >/dev/null 2>&1 || ! kill -0 "$jackd_pid" 2>/dev/null; then
    stop_server
    realtime="no"
    echo "soak_jack.sh: jackd -R failed; running without realtime scheduling" >&2
    jackd -n "$server" -d dummy -r 48000 -p "$period" >"$log" 2>&1 &
    jackd_pid=$!
    jack_wait -s "$server" -w -t 5 >/dev/null 2>&1 || die "jackd did not start: $(cat "$log")"
  fi
}

# "xruns N, blocks N, dsp load mean X %, max Y %" -> "N X Y"
parse_stats() {
  sed -n 's/^xruns \([0-9]*\), blocks \([0-9]*\), dsp load mean \([0-9.]*\) %, max \([0-9.]*\) %$/\1 \3 \4 \2/p' "$1" |
    tail -n 1
}

results=()
record() {  # period client stats-file err-file
  local fields
  fields=$(parse_stats "$3")
  if [[ -z "$fields" ]]; then
    echo "soak_jack.sh: $2 at -p $1 gave no stats; its stderr:" >&2
    cat "$4" >&2
    results+=("$1 $2 - - - -")
  else
    results+=("$1 $2 $fields")
  fi
}

if [[ "$BUSY" == 1 ]]; then
  yes >/dev/null &
  busy_pid=$!
fi

for period in $PERIODS; do
  start_server "$period"
  echo "soak_jack.sh: -p $period: fxgraph jack $GRAPH for ${DURATION}s ..." >&2
  fx_out="$work/fxgraph-$period.out" fx_err="$work/fxgraph-$period.err"
  { sleep "$DURATION"; echo stats; sleep 1; echo quit; } |
    "$FXGRAPH" jack "$GRAPH" --server "$server" --name soak --connect >"$fx_out" 2>"$fx_err" ||
    echo "soak_jack.sh: fxgraph exited with status $?" >&2
  record "$period" fxgraph "$fx_out" "$fx_err"

  echo "soak_jack.sh: -p $period: passthrough_client for ${DURATION}s ..." >&2
  pt_out="$work/passthrough-$period.out" pt_err="$work/passthrough-$period.err"
  "$work/passthrough_client" -s "$server" -n baseline -c 1 -d "$DURATION" --connect \
    >"$pt_out" 2>"$pt_err" || echo "soak_jack.sh: passthrough_client exited with status $?" >&2
  record "$period" passthrough_c "$pt_out" "$pt_err"
  stop_server
done

echo
echo "JACK soak: dummy driver, 48000 Hz, ${DURATION}s per run, realtime: $realtime," \
  "other core busy: $([[ "$BUSY" == 1 ]] && echo yes || echo no), graph: $GRAPH"
printf '%-7s %-14s %7s %10s %15s %14s\n' period client xruns blocks "dsp load mean" "dsp load max"
for row in "${results[@]}"; do
  read -r period client xruns mean max blocks <<<"$row"
  printf '%-7s %-14s %7s %10s %13s %% %12s %%\n' "$period" "$client" "$xruns" "$blocks" "$mean" "$max"
done
