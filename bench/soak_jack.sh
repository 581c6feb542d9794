#!/usr/bin/env bash
# Soak test: `fxgraph jack` running graphs/guitar.yaml on a private JACK server (dummy
# driver, realtime) at a 64- and a 32-frame period, with the other core kept busy,
# against a baseline: bench/passthrough_client.c, a bare C JACK client running six
# biquads per channel. Both clients are driven and measured the same way:
#
#   - the same stdin commands: `stats` after WARMUP seconds, `stats` again DURATION
#     seconds later, then `quit`; a run's figures are the difference, so connecting,
#     activating and the first periods (page faults, cold caches) count for neither;
#   - xruns from JACK's xrun callback (the server's count, seen by every client),
#     split with the server's log into "server late" (the dummy driver's own timer
#     woke too late: JackTimedDriver::Process XRun; no client can cause or avoid it)
#     and "client late" (this client had not finished the previous period:
#     JackEngine::XRun ... was not finished);
#   - DSP load = time inside the process callback / period length (mean and max over the
#     measured window: the first periods after activation count for neither);
#   - with PIN=1 (default), `yes > /dev/null` is pinned to the last CPU, so "the other
#     core is busy" holds for the whole run; jackd and the clients are left to the
#     scheduler. Pinning the audio threads to CPU 0 as well was measured to be worse on
#     a PREEMPT_NONE kernel (a realtime thread pinned to one CPU must wait out whatever
#     non-preemptible kernel work runs there; free, it can be woken on the other one);
#     unpinned, `yes` wanders onto the audio threads' core and back at will.
#   - each client runs ROUNDS times per period in the order ABBA... (fxgraph,
#     baseline, baseline, fxgraph, ...; the first client alternates between periods),
#     DURATION/ROUNDS seconds each, and the table sums the rounds: a background load
#     that drifts, or a fresh server's first minute, does not favour either client.
#
#   bench/soak_jack.sh                      # 5 minutes per run, 4 runs: ~20 minutes
#   DURATION=20 bench/soak_jack.sh          # a quick check
#
# Environment
#   DURATION     seconds measured per client and period (default 300)
#   ROUNDS       runs per client and period, DURATION split between them (default 2)
#   WARMUP       seconds per run before the measured window (default 5)
#   PERIODS      periods to test (default "64 32")
#   FXGRAPH      the fxgraph executable (default build/fxgraph)
#   GRAPH        the graph to run (default graphs/guitar.yaml; its jack_in/jack_out
#                are connected to the dummy driver's system ports)
#   BUSY         1 (default): run `yes > /dev/null` alongside, to load the other core
#   PIN          1 (default): pin `yes` to the last CPU (needs taskset and 2+ CPUs);
#                0: leave its placement to the scheduler
#   CONTROL      1: the live-control soak of issue 15 — fxgraph also takes MIDI CC on
#                its JACK MIDI input (--midi, CC 7 -> drive.gain) and OSC
#                /fxgraph/set messages (--osc), each at RATE per second from
#                bench/control_sender.c, and a `reload` of the graph file every 10 s;
#                the baseline C client gets the same period, no control (it has none).
#                Its stats line then ends with the MIDI and OSC counts. Default 0.
#   RATE         control messages per second and kind with CONTROL=1 (default 1000)
#   CONTROL_KINDS  with CONTROL=1, which control traffic to send: any of "midi osc
#                reload" (default all three); one at a time tells which costs periods
#
# Allocations: each client runs with bench/rt_alloc_counter.c preloaded, which counts heap
# allocations made by realtime threads (the process thread, --threads workers) during the
# measured window; the table's "rt allocs" column is that count (the issue: zero).
#
# The dummy driver's clock is a timer: an xrun there means a period that finished
# late (client and server scheduling), which is what a soak is after.
# Prints the realtime classes of the clients' threads, then a table: period, client,
# xruns (server late + client late), blocks, mean and max DSP load.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DURATION=${DURATION:-300}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-2}
PERIODS=${PERIODS:-"64 32"}
FXGRAPH=${FXGRAPH:-build/fxgraph}
GRAPH=${GRAPH:-graphs/guitar.yaml}
BUSY=${BUSY:-1}
PIN=${PIN:-1}
CONTROL=${CONTROL:-0}
RATE=${RATE:-1000}
CONTROL_KINDS=${CONTROL_KINDS:-"midi osc reload"}
has_kind() { [[ "$CONTROL" == 1 && " $CONTROL_KINDS " == *" $1 "* ]]; }
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
gcc -O2 -Wall -shared -fPIC -o "$work/rt_alloc_counter.so" bench/rt_alloc_counter.c ||
  die "cannot build bench/rt_alloc_counter.c"
osc_port=""
if [[ "$CONTROL" == 1 ]]; then
  gcc -O2 -Wall -o "$work/control_sender" bench/control_sender.c -ljack -llo -lm ||
    die "cannot build bench/control_sender.c (needs liblo-dev)"
  printf 'midi:\n  - {cc: 7, path: drive.gain, range: [0.5, 2]}\n' >"$work/midi.yaml"
  osc_port=$((20000 + $$ % 20000))
fi

# Placement: the busy loop on the last CPU; jackd and the clients where the scheduler
# puts them.
busy_cpu=""
if [[ "$PIN" == 1 ]]; then
  command -v taskset >/dev/null || die "PIN=1 needs taskset (util-linux); or set PIN=0"
  (($(nproc) >= 2)) || die "PIN=1 needs two CPUs; set PIN=0"
  busy_cpu=$(($(nproc) - 1))
fi
segment=$(((DURATION + ROUNDS - 1) / ROUNDS))

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

# "xruns N, blocks N, dsp load mean X %, max Y % (since the last stats Z %)" -> "N N X Z",
# one line per stats answer: the max is the window's (the second answer's covers exactly
# the measured window; the whole run's max would count the start-up's first periods).
parse_stats() {
  sed -n 's/^xruns \([0-9]*\), blocks \([0-9]*\), dsp load mean \([0-9.]*\) %, max [0-9.]* % (since the last stats \([0-9.]*\) %).*$/\1 \2 \3 \4/p' "$1"
}

# The server's log so far: "<server-late xruns> <xruns where CLIENT was late>"
log_counts() {  # log client
  local driver client
  driver=$(grep -c 'JackTimedDriver::Process XRun' "$1" || true)
  client=$(grep -c "client = $2 was not finished" "$1" || true)
  echo "$driver $client"
}

# Scheduling class/priority of a process's threads, e.g. "TS TS TS FF/5"
thread_classes() {
  ps -L -o cls=,rtprio= -p "$1" 2>/dev/null | awk '{printf "%s%s ", $1, ($2 == "-" ? "" : "/" $2)}'
}

results=()
runs=0
# run_client PERIOD LABEL JACK-CLIENT-NAME COMMAND...: drives the client on stdin
# (stats after WARMUP, stats `segment` seconds later, quit) and records the window's
# figures.
run_client() {
  local period=$1 label=$2 name=$3
  shift 3
  runs=$((runs + 1))
  local log="$work/jackd-$period.log" out="$work/$runs-$label-$period.out"
  local err="$work/$runs-$label-$period.err" marks="$work/$runs-$label-$period.marks"
  echo "soak_jack.sh: -p $period: $label for ${WARMUP}s + ${segment}s ..." >&2
  {
    sleep "$WARMUP"
    log_counts "$log" "$name" >"$marks"
    echo stats
    if has_kind reload && [[ "$label" == fxgraph ]]; then
      local left=$segment
      while ((left > 10)); do
        sleep 10
        echo reload
        left=$((left - 10))
      done
      sleep "$left"
    else
      sleep "$segment"
    fi
    echo stats
    log_counts "$log" "$name" >>"$marks"
    sleep 0.5
    echo quit
  } | env LD_PRELOAD="$work/rt_alloc_counter.so" RT_ALLOC_FROM="$WARMUP" \
    RT_ALLOC_UNTIL=$((WARMUP + segment)) "$@" >"$out" 2>"$err" &
  local pid=$!
  local sender=""
  if (has_kind midi || has_kind osc) && [[ "$label" == fxgraph ]]; then
    local targets=()
    has_kind midi && targets+=(-m "$name:midi_in")
    has_kind osc && targets+=(-o "$osc_port")
    sleep 1
    "$work/control_sender" -s "$server" "${targets[@]}" -p drive.gain \
      -r "$RATE" >"$work/$runs-sender.out" 2>&1 &
    sender=$!
  fi
  sleep $((WARMUP > 2 ? WARMUP - 1 : 1))
  echo "  -p $period $label: client threads $(thread_classes "$pid"); jackd threads $(thread_classes "$jackd_pid")" >>"$work/threads"
  wait "$pid" || echo "soak_jack.sh: $label exited with status $?" >&2
  if [[ -n "$sender" ]]; then
    kill "$sender" 2>/dev/null || true
    wait "$sender" 2>/dev/null || true
    echo "soak_jack.sh:   control: $(cat "$work/$runs-sender.out"); session:" \
      "$(grep -o 'midi dropped.*\|osc received.*' "$out" | tail -1)" \
      "reloads answered ok: $(grep -c '^ok reload' "$out" || true)" >&2
  fi

  local a b m
  a=$(parse_stats "$out" | sed -n 1p)
  b=$(parse_stats "$out" | sed -n 2p)
  m=$(tr '\n' ' ' <"$marks" 2>/dev/null || true)
  local allocs
  allocs=$(sed -n 's/^rt_alloc_counter: \([0-9]*\) allocations.*/\1/p' "$err" | tail -1)
  [[ -n "$allocs" ]] || allocs=-1
  if [[ -z "$a" || -z "$b" ]]; then
    echo "soak_jack.sh: $label at -p $period gave no stats; its stderr:" >&2
    cat "$err" >&2
    return
  fi
  local row
  row=$(echo "$a $b $m" | awk '{
    xr = $5 - $1; bl = $6 - $2
    mean = bl > 0 ? ($7 * $6 - $3 * $2) / bl : 0
    printf "%d %d %.2f %s %d %d", xr, bl, mean, $8, $11 - $9, $12 - $10 }')
  row="$row $allocs"
  results+=("$period $label $row")
  # Per round on stderr: the rounds of one client can differ by several times when
  # the machine's background load changes; the table hides that.
  local xr bl mean mx sl cl al
  read -r xr bl mean mx sl cl al <<<"$row"
  echo "soak_jack.sh:   xruns $xr (server late $sl, client late $cl), blocks $bl," \
    "dsp load mean $mean %, max $mx %, realtime-thread allocations $al" >&2
  grep '^rt_alloc_counter:' "$err" >&2 || true
}

if [[ "$BUSY" == 1 ]]; then
  if [[ -n "$busy_cpu" ]]; then
    taskset -c "$busy_cpu" yes >/dev/null &
  else
    yes >/dev/null &
  fi
  busy_pid=$!
fi

order=0
for period in $PERIODS; do
  start_server "$period"
  run_fx() {
    local control=()
    has_kind midi && control+=(--midi-map "$work/midi.yaml")
    has_kind osc && control+=(--osc "$osc_port")
    run_client "$period" fxgraph soak_fx "$FXGRAPH" jack "$GRAPH" --server "$server" \
      --name soak_fx --connect "${control[@]}"
  }
  run_c() {
    run_client "$period" passthrough_c soak_c "$work/passthrough_client" -s "$server" \
      -n soak_c -c 1 --connect
  }
  # ABBA...: round r runs the pair in one order, round r+1 in the other.
  for ((round = 0; round < ROUNDS; round++)); do
    if (((order + round) % 2 == 0)); then run_fx; run_c; else run_c; run_fx; fi
  done
  order=$((order + 1))
  stop_server
done

echo
echo "JACK soak: dummy driver, 48000 Hz, ${DURATION}s measured per client and period" \
  "(${ROUNDS} rounds of ${segment}s, each after ${WARMUP}s warm-up), realtime: $realtime," \
  "other core busy: $([[ "$BUSY" == 1 ]] && echo "yes$([[ -n "$busy_cpu" ]] && echo ", pinned to CPU $busy_cpu")" || echo no)," \
  "graph: $GRAPH"
sort -u "$work/threads"
printf '%-7s %-14s %7s %12s %12s %10s %15s %14s %10s\n' period client xruns "server late" \
  "client late" blocks "dsp load mean" "dsp load max" "rt allocs"
# Sum the rounds per period and client (mean load weighted by blocks, max of maxima).
printf '%s\n' "${results[@]}" | awk '
  { k = $1 " " $2; if (!(k in bl)) order[n++] = k
    xr[k] += $3; bl[k] += $4; sum[k] += $4 * $5; if ($6 > mx[k]) mx[k] = $6
    sl[k] += $7; cl[k] += $8; al[k] += $9 }
  END { for (i = 0; i < n; i++) { k = order[i]; split(k, f, " ")
    printf "%-7s %-14s %7d %12d %12d %10d %13.2f %% %12.2f %% %10d\n", f[1], f[2], xr[k], sl[k],
      cl[k], bl[k], bl[k] ? sum[k] / bl[k] : 0, mx[k], al[k] } }'
