"""`python3 -m fxgraph.dask`: `fxgraph batch` across machines, through a Dask cluster.

Exit status: 0 when every file was done or skipped, 1 when any failed (each reported
with its reason), 2 for bad usage (found before any work: a bad graph or option, a
missing input, two inputs with one output).
"""

import argparse
import os
import sys
import time
from pathlib import Path

DESCRIPTION = """\
Run many audio files through one graph on a Dask cluster (or on this machine's cores
with --scheduler local). Each output is what `fxgraph process IN OUT --chain-file GRAPH`
makes of its input, written to a temporary file and renamed when complete.

The client (this command) expands INPUTS as `fxgraph batch` does, then sends one task
per file to the scheduler. Workers receive the graph's YAML text, build the graph once
per worker thread and process their files with it; a bad file is reported and counted,
it does not stop the batch. A worker that dies has its files rerun elsewhere (--retries).
"""

EPILOG = """\
a cluster:
  on one machine:  dask scheduler                    (listens on tcp://HOST:8786)
  on each machine: dask worker tcp://HOST:8786 --nthreads 1 --nworkers N
  then:            python3 -m fxgraph.dask clean.yaml /shared/data --out-dir /shared/out \\
                       --scheduler tcp://HOST:8786 --manifest /shared/out/manifest.jsonl
  Inputs and outputs must be in a folder every worker sees at the same path (NFS …);
  every worker needs the fxgraph package importable (the same version).

examples:
  python3 -m fxgraph.dask clean.yaml data/ --out-dir out/ --scheduler local --workers 4
  python3 -m fxgraph.dask clean.yaml @files.txt -o out/ --scheduler tcp://10.0.0.1:8786 \\
      --format flac --subtype pcm16 --skip-existing --manifest out/manifest.jsonl

exit status: 0 all files done or skipped, 1 some file failed, 2 bad usage.
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m fxgraph.dask", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph", metavar="GRAPH.yaml",
                        help="the graph (chain: or input:/output:, no file or JACK nodes)")
    parser.add_argument("inputs", metavar="INPUTS", nargs="+",
                        help="files, folders (searched recursively for audio files), quoted "
                             "globs, @LIST.txt")
    parser.add_argument("-o", "--out-dir", required=True,
                        help="the output folder (created when missing); outputs mirror the "
                             "inputs' paths")
    parser.add_argument("--scheduler", required=True, metavar="ADDRESS|local",
                        help="the Dask scheduler (tcp://HOST:8786), or 'local' for a "
                             "LocalCluster of worker processes on this machine")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="with --scheduler local: worker processes (default: one per core)")
    parser.add_argument("--manifest", metavar="FILE.jsonl",
                        help="append one JSON line per file (input, output, status, error, "
                             "frames, sample_rate, channels, peak, rms, seconds)")
    parser.add_argument("--skip-existing", action="store_true",
                        help="leave outputs that are already there and complete (resume)")
    parser.add_argument("--format", default="",
                        help="container of the outputs: wav, flac, ogg, aiff, … (default: "
                             "the input's, else wav)")
    parser.add_argument("--subtype", default="",
                        help="sample format of the outputs: pcm16, pcm24, float, … (default: "
                             "the input's when the container can store it, else pcm24)")
    parser.add_argument("--suffix", default="",
                        help="text added to each output name before its extension")
    parser.add_argument("--shard", default="", metavar="K/N",
                        help="process only shard K of N of the inputs")
    parser.add_argument("--retries", type=int, default=2, metavar="N",
                        help="times a file's task is rerun when its worker is lost (default 2)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress line and no summary (failures are still reported)")
    return parser


class _Progress:
    """The progress line (files done of total, ETA) when stderr is a terminal; failures always."""

    def __init__(self, total, quiet):
        self.total = total
        self.finished = 0
        self.failed = 0
        self.live = not quiet and sys.stderr.isatty()
        self.start = time.monotonic()

    def row(self, row):
        self.finished += 1
        if row["status"] == "failed":
            self._clear()
            print(f"fxgraph: failed: {row['input']}: {row['error']}", file=sys.stderr)
            self.failed += 1
        if self.live:
            elapsed = time.monotonic() - self.start
            eta = elapsed / self.finished * (self.total - self.finished)
            print(f"\rfxgraph: {self.finished}/{self.total} files, {self.failed} failed, "
                  f"ETA {eta:.0f} s ", end="", file=sys.stderr, flush=True)

    def _clear(self):
        if self.live:
            print("\r\033[K", end="", file=sys.stderr)

    def finish(self):
        self._clear()


def _client(args):
    from distributed import Client, LocalCluster

    if args.scheduler == "local":
        cluster = LocalCluster(n_workers=args.workers or os.cpu_count(), threads_per_worker=1,
                               processes=True, dashboard_address=":0")
        return Client(cluster), cluster
    return Client(args.scheduler, timeout="10s"), None


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.workers is not None and (args.workers < 1 or args.scheduler != "local"):
        parser.error("--workers N (N >= 1) goes with --scheduler local")
    if args.retries < 0:
        parser.error("--retries must be 0 or more")

    import fxgraph
    from fxgraph import batch

    graph = Path(args.graph)
    try:
        fxgraph._fxgraph.check_batch_yaml(graph.read_text(encoding="utf-8"), args.graph)
        pairs, ignored = batch.plan(args.inputs, args.out_dir, format=args.format,
                                    subtype=args.subtype, suffix=args.suffix, shard=args.shard)
    except (OSError, ValueError, fxgraph.Error) as error:
        print(f"fxgraph: {error}", file=sys.stderr)
        return 2
    if not pairs:
        print("fxgraph: no audio files in the inputs", file=sys.stderr)
        return 2
    try:
        manifest = fxgraph._fxgraph.ManifestWriter(args.manifest) if args.manifest else None
    except fxgraph.Error as error:
        print(f"fxgraph: {error}", file=sys.stderr)
        return 2

    progress = _Progress(len(pairs), args.quiet)

    def on_row(row):
        if manifest is not None:
            manifest.write(row)
        progress.row(row)

    try:
        client, cluster = _client(args)
    except OSError as error:  # no scheduler at that address (distributed's TimeoutError too)
        print(f"fxgraph: cannot reach the Dask scheduler {args.scheduler}: {error}",
              file=sys.stderr)
        return 2
    try:
        rows = batch.dask_map(graph, args.inputs, args.out_dir, client, format=args.format,
                              subtype=args.subtype, suffix=args.suffix, shard=args.shard,
                              skip_existing=args.skip_existing, retries=args.retries,
                              on_row=on_row)
    finally:
        progress.finish()
        client.close()
        if cluster is not None:
            cluster.close()

    counts = {status: sum(row["status"] == status for row in rows)
              for status in ("done", "skipped", "failed")}
    if not args.quiet:
        print(f"fxgraph: dask: {counts['done']} done, {counts['skipped']} skipped, "
              f"{counts['failed']} failed of {len(rows)} files in "
              f"{time.monotonic() - progress.start:.2f} s", file=sys.stderr)
        if ignored:
            print(f"fxgraph: dask: ignored {ignored} files in the input folders that are not "
                  "audio files (by extension)", file=sys.stderr)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
