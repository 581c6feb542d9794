"""fxgraph.batch.dask_map throughput (issue 16): a Dask LocalCluster of 2 worker
processes against 1, on the files of bench/compare_batch.sh — one-minute stereo 48 kHz
float WAVs through high-pass 80 Hz + low-pass 8000 Hz (order 2) + gain 1.5, float out,
all in /dev/shm so the disk does not dominate. Best of `--repeats` runs each; each
cluster is started (and its workers have imported fxgraph and built the graph, on a
one-file warm-up) before the clock starts, so the figure is the steady batch rate.

Three rows: 1 worker with the whole deployment (client, scheduler, worker) confined to
one core, then 1 and 2 workers on every core. A worker's file is a pipeline of three
threads (reader, engine, writer) that keeps about 1.7 cores busy, so on 2 cores
"2 workers / 1 worker" cannot show how the work scales with cores; one core against all
of them does. On a shared machine run it as root under `chrt -f 50` (the workers inherit
the policy and the CPU affinity).

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/dask_batch.py [--files 64]
           [--seconds 60] [--repeats 3]
"""

import argparse
import os
import shutil
import struct
import tempfile
from pathlib import Path
import time

import distributed
import numpy as np

from fxgraph.batch import dask_map

GRAPH = """\
sample_rate: 48000
chain:
  - { type: highpass, cutoff: 80, order: 2 }
  - { type: lowpass, cutoff: 8000, order: 2 }
  - { type: gain, gain: 1.5 }
"""
def write_float_wav(path, audio, sample_rate):
    """(frames, channels) float32 as a 32-bit float WAV (the format compare_batch.sh uses)."""
    data = np.ascontiguousarray(audio, dtype="<f4").tobytes()
    channels = audio.shape[1]
    fmt = struct.pack("<HHIIHH", 3, channels, sample_rate, sample_rate * channels * 4,
                      channels * 4, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def make_files(work, files, seconds):
    """`files` copies of one file of seeded noise at about -6 dBFS, and a warm-up file."""
    noise = 0.5 * np.random.default_rng(3).uniform(-1, 1, (int(seconds * 48000), 2))
    write_float_wav(work / "one.wav", noise, 48000)
    (work / "in").mkdir()
    for i in range(files):
        shutil.copy(work / "one.wav", work / "in" / f"f{i:03d}.wav")
    (work / "warm").mkdir()
    shutil.copy(work / "one.wav", work / "warm" / "w.wav")


def best_seconds(client, work, repeats):
    dask_map(GRAPH, [work / "warm"], work / "out", client)  # imports, graph built
    best = float("inf")
    for _ in range(repeats):
        shutil.rmtree(work / "out", ignore_errors=True)
        start = time.perf_counter()
        rows = dask_map(GRAPH, [work / "in"], work / "out", client)
        best = min(best, time.perf_counter() - start)
        assert all(row["status"] == "done" for row in rows), rows
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="fxgraph-dask-bench-") as folder:
        work = Path(folder)
        make_files(work, args.files, args.seconds)
        load = open("/proc/loadavg").read().split()[:3]
        print(f"machine: {os.cpu_count()} cores, load {' '.join(load)}")
        print(f"{args.files} files of {args.seconds:g} s, stereo 48 kHz float; "
              "highpass 80 + lowpass 8000 + gain 1.5")
        results = {}
        every_core = os.sched_getaffinity(0)
        for label, workers, cores in (("1 worker, one core", 1, {min(every_core)}),
                                      ("1 worker", 1, every_core),
                                      ("2 workers", 2, every_core)):
            os.sched_setaffinity(0, cores)  # the cluster's processes inherit it
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                          dashboard_address=":0") as cluster, \
                    distributed.Client(cluster) as client:
                seconds = best_seconds(client, work, args.repeats)
            os.sched_setaffinity(0, every_core)
            results[label] = seconds
            print(f"dask LocalCluster, {label + ':':22s} "
                  f"{seconds:7.2f} s  {args.files / seconds:7.1f} files/s  "
                  f"{args.files * args.seconds / seconds:6.0f}x realtime")
        print(f"2 workers on {len(every_core)} cores / 1 worker on one core: "
              f"{results['1 worker, one core'] / results['2 workers']:.2f}x")
        print(f"2 workers / 1 worker (both on every core): "
              f"{results['1 worker'] / results['2 workers']:.2f}x")


if __name__ == "__main__":
    main()
