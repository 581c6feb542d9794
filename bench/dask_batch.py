"""fxgraph.batch.dask_map throughput (issue 16): a Dask LocalCluster of 2 worker
processes against 1, on the files of bench/compare_batch.sh — one-minute stereo 48 kHz
float WAVs through high-pass 80 Hz + low-pass 8000 Hz (order 2) + gain 1.5, float out,
all in /dev/shm so the disk does not dominate. Best of `--repeats` runs each; each
cluster is started (and its workers have imported fxgraph and built the graph, on a
one-file warm-up) before the clock starts, so the figure is the steady batch rate.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/dask_batch.py [--build build]
           [--files 64] [--seconds 60] [--repeats 3]
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import distributed

from fxgraph.batch import dask_map

GRAPH = """\
sample_rate: 48000
chain:
  - { type: highpass, cutoff: 80, order: 2 }
  - { type: lowpass, cutoff: 8000, order: 2 }
  - { type: gain, gain: 1.5 }
"""
GENERATOR = """\
sample_rate: 48000
nodes:
  noise: { type: noise, channels: 2, seed: 3, amplitude: 0.5 }
  out:   { type: file_out, path: one.wav, format: float }
edges:
  - noise -> out
"""


def make_files(work, fxgraph_cli, files, seconds):
    (work / "gen.yaml").write_text(GENERATOR)
    subprocess.run([fxgraph_cli, "run", "gen.yaml", "--duration", str(seconds), "--quiet"],
                   cwd=work, check=True)
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
    parser.add_argument("--build", default="build")
    parser.add_argument("--files", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    fxgraph_cli = str(Path(args.build, "fxgraph").resolve())

    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="fxgraph-dask-bench-") as folder:
        work = Path(folder)
        make_files(work, fxgraph_cli, args.files, args.seconds)
        load = open("/proc/loadavg").read().split()[:3]
        print(f"machine: {os.cpu_count()} cores, load {' '.join(load)}")
        print(f"{args.files} files of {args.seconds:g} s, stereo 48 kHz float; "
              "highpass 80 + lowpass 8000 + gain 1.5")
        results = {}
        for workers in (1, 2):
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                          dashboard_address=None) as cluster, \
                    distributed.Client(cluster) as client:
                seconds = best_seconds(client, work, args.repeats)
            results[workers] = seconds
            print(f"dask LocalCluster, {workers} worker{'s' if workers > 1 else ''}: "
                  f"{seconds:7.2f} s  {args.files / seconds:7.1f} files/s  "
                  f"{args.files * args.seconds / seconds:6.0f}x realtime")
        print(f"2 workers / 1 worker: {results[1] / results[2]:.2f}x")


if __name__ == "__main__":
    main()
