#!/usr/bin/env python3
"""The Python package's three performance figures (issue 11), on this machine, now:

  1. a 512-frame stereo block through band-pass + delay, per Engine.process call from
     Python (target ≤ 5 µs; torchfx's published CPU figure: 229 µs);
  2. torchfx's IIR workload (4 biquads: HP Butterworth 1k o2, LP Butterworth 5k o2,
     HP Chebyshev I 1.5k o2, LP Chebyshev I 1.8k o2; 60 s × 8 ch at 44.1 kHz) from
     Python, against the C++ benchmark BM_TorchfxIirChain run alongside (target within
     1.2×; torchfx CPU 168 ms, GPU 75.8 ms, SciPy 859 ms);
  3. `python3 -c "import fxgraph"` minus `python3 -c "pass"` (target ≤ 50 ms).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py [build]

Each figure is the best of several repeats (the least disturbed by other load).
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import fxgraph

BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else "build")


def best_of(repeats, run):
    return min(run() for _ in range(repeats))


def realtime_block():
    engine = fxgraph.Engine("bandpass(1000, q=1) | delay(time_ms=100)", 48000, 512, channels=2)
    x = (0.25 * np.random.default_rng(1).standard_normal((2, 512))).astype(np.float32)
    out = np.empty_like(x)
    calls = 20000

    def timed(with_out):
        start = time.perf_counter()
        if with_out:
            for _ in range(calls):
                engine.process(x, out=out)
        else:
            for _ in range(calls):
                engine.process(x)
        return (time.perf_counter() - start) / calls * 1e6

    return best_of(7, lambda: timed(False)), best_of(7, lambda: timed(True))


IIR_CHAIN = ("highpass(1000, order=2) | lowpass(5000, order=2) | "
             "highpass_cheby1(1500, order=2, ripple=0.5) | lowpass_cheby1(1800, order=2)")


def iir_workload():
    frames = 60 * 44100
    x = (0.25 * np.random.default_rng(2).standard_normal((8, frames))).astype(np.float32)
    out = np.empty_like(x)
    engine = fxgraph.Engine(IIR_CHAIN, 44100, 4096, channels=8)

    def timed():
        start = time.perf_counter()
        engine.process(x, out=out)
        return (time.perf_counter() - start) * 1e3

    python_ms = best_of(7, timed)
    cxx_ms = None
    bench = BUILD / "bench" / "bench_dsp_workloads"
    if bench.exists():
        result = subprocess.run([str(bench), "--benchmark_filter=BM_TorchfxIirChain",
                                 "--benchmark_repetitions=7", "--benchmark_format=json"],
                                capture_output=True, text=True, check=True)
        runs = [b for b in json.loads(result.stdout)["benchmarks"] if b.get("run_type") == "iteration"]
        cxx_ms = min(b["real_time"] for b in runs)  # the benchmark reports milliseconds
    return python_ms, cxx_ms


def import_time():
    def wall(code):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - start) * 1e3

    pairs = [(wall("import fxgraph"), wall("pass")) for _ in range(15)]
    return min(a for a, _ in pairs) - min(b for _, b in pairs), statistics.median(a - b for a, b in pairs)


def main():
    per_call, per_call_out = realtime_block()
    print(f"realtime block, 512 stereo frames, bandpass + delay: {per_call:.2f} µs per "
          f"process(x), {per_call_out:.2f} µs with out= (target ≤ 5 µs; torchfx 229 µs)")
    python_ms, cxx_ms = iir_workload()
    ratio = f", {python_ms / cxx_ms:.2f}× the C++ benchmark's {cxx_ms:.1f} ms" if cxx_ms else ""
    print(f"torchfx IIR workload, 60 s × 8 ch, 44.1 kHz: {python_ms:.1f} ms from Python{ratio} "
          f"(target ≤ 1.2×; torchfx CPU 168 ms, GPU 75.8 ms)")
    best, median = import_time()
    print(f"import fxgraph: {best:.1f} ms best, {median:.1f} ms median over python3 -c pass "
          f"(target ≤ 50 ms)")


if __name__ == "__main__":
    main()
