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

Each figure is the best of several repeats (the least disturbed by other load). On a
shared machine, the CPU time (user + system) is the steadier figure and is printed too.
"""

import json
import resource
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

    def timed(with_out, clock):
        start = clock()
        if with_out:
            for _ in range(calls):
                engine.process(x, out=out)
        else:
            for _ in range(calls):
                engine.process(x)
        return (clock() - start) / calls * 1e6

    return [best_of(7, lambda: timed(with_out, clock)) for with_out in (False, True)
            for clock in (time.perf_counter, time.process_time)]


IIR_CHAIN = ("highpass(1000, order=2) | lowpass(5000, order=2) | "
             "highpass_cheby1(1500, order=2, ripple=0.5) | lowpass_cheby1(1800, order=2)")


def iir_workload():
    frames = 60 * 44100
    x = (0.25 * np.random.default_rng(2).standard_normal((8, frames))).astype(np.float32)
    out = np.empty_like(x)
    engine = fxgraph.Engine(IIR_CHAIN, 44100, 4096, channels=8)

    def timed(clock):
        start = clock()
        engine.process(x, out=out)
        return (clock() - start) * 1e3

    # Like for like with the C++ benchmark, which runs one 4096-frame buffer (hot in
    # the cache) through the engine 60 s worth of times: the same from Python.
    block, block_out = np.ascontiguousarray(x[:, :4096]), np.empty((8, 4096), dtype=np.float32)

    def timed_blocks(clock):
        start = clock()
        for _ in range(frames // 4096 + 1):
            engine.process(block, out=block_out)
        return (clock() - start) * 1e3

    python_ms = (best_of(7, lambda: timed_blocks(time.perf_counter)),
                 best_of(7, lambda: timed_blocks(time.process_time)),
                 best_of(7, lambda: timed(time.perf_counter)),
                 best_of(7, lambda: timed(time.process_time)))
    cxx_ms = None
    bench = BUILD / "bench" / "bench_dsp_workloads"
    if bench.exists():
        result = subprocess.run([str(bench), "--benchmark_filter=BM_TorchfxIirChain",
                                 "--benchmark_repetitions=7", "--benchmark_format=json"],
                                capture_output=True, text=True, check=True)
        runs = [b for b in json.loads(result.stdout)["benchmarks"] if b.get("run_type") == "iteration"]
        cxx_ms = (min(b["real_time"] for b in runs), min(b["cpu_time"] for b in runs))  # ms
    return python_ms, cxx_ms


def import_time():
    """(wall ms, CPU ms) of `import fxgraph` over `pass`, best of 15 each."""

    def run(code):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall * 1e3, cpu * 1e3

    with_fxgraph = [run("import fxgraph") for _ in range(15)]
    bare = [run("pass") for _ in range(15)]
    return (min(w for w, _ in with_fxgraph) - min(w for w, _ in bare),
            min(c for _, c in with_fxgraph) - min(c for _, c in bare))


def main():
    print(f"load average before: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
    wall, cpu, wall_out, cpu_out = realtime_block()
    print(f"realtime block, 512 stereo frames, bandpass + delay, per call: process(x) "
          f"{wall:.2f} µs wall / {cpu:.2f} µs CPU; process(x, out=) {wall_out:.2f} / "
          f"{cpu_out:.2f} µs (target ≤ 5 µs; torchfx 229 µs)")
    (wall, cpu, whole_wall, whole_cpu), cxx = iir_workload()
    line = (f"torchfx IIR workload, 60 s × 8 ch, 44.1 kHz, from Python: 4096-frame blocks as the "
            f"C++ benchmark runs them {wall:.1f} ms wall / {cpu:.1f} ms CPU; the whole 60 s array "
            f"in one call {whole_wall:.1f} / {whole_cpu:.1f} ms")
    if cxx:
        line += (f"; C++ BM_TorchfxIirChain {cxx[0]:.1f} / {cxx[1]:.1f} ms: blocks "
                 f"{wall / cxx[0]:.2f}× wall, {cpu / cxx[1]:.2f}× CPU; whole array "
                 f"{whole_wall / cxx[0]:.2f}× / {whole_cpu / cxx[1]:.2f}×")
    print(line + " (target ≤ 1.2×; torchfx CPU 168 ms, GPU 75.8 ms)")
    wall, cpu = import_time()
    print(f"import fxgraph over python3 -c pass: {wall:.1f} ms wall / {cpu:.1f} ms CPU "
          f"(target ≤ 50 ms)")


if __name__ == "__main__":
    main()
