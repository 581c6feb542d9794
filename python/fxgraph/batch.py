"""Many files through one graph on a Dask cluster: the Python side of `fxgraph batch`.

    from distributed import Client
    from fxgraph.batch import dask_map

    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(...))
    rows = dask_map("clean.yaml", ["/data/corpus"], "/data/clean", client)
    failed = [row for row in rows if row["status"] == "failed"]

How it works
  - The client expands the inputs exactly as `fxgraph batch` does (files, folders
    searched recursively for audio files, quoted globs, @lists; the same output names,
    sort order, shards and format checks: the C++ batch library), then submits one
    Dask task per file with `client.map`.
  - Each task receives the graph's YAML *text* — never a pickled engine — and the
    worker builds the graph itself, once per worker thread (a cache in the worker
    process), then reuses it file after file, each file from fresh node state.
  - A task processes its file with the GIL released and returns the file's manifest
    row (a dict: input, output, status, error, frames, sample_rate, channels, peak,
    rms, seconds — fxgraph/batch/manifest.h). A bad file is a row with status
    "failed" and the reason, not a failed task; outputs are written to a temporary and
    renamed, so a failure leaves nothing behind.
  - A worker that dies (a lost machine, the OOM killer) makes Dask rerun its tasks on
    another worker (`retries`); the rerun writes the file anew.

Paths are made absolute on the client: every worker must see the inputs and the
output folder at the same paths (a shared folder: NFS, a cluster file system). Paths
inside the graph (an impulse response file) are read by the workers as written.
"""

import os
import threading
from pathlib import Path

from fxgraph import _fxgraph

__all__ = ["dask_map", "plan", "process_file"]

# Each worker thread's BatchWorker, keyed by the graph text and the file options.
_workers = threading.local()


def _read_graph(graph_yaml):
    """(text, name) of a graph given as YAML text, or as a path to a YAML file."""
    is_file_name = (isinstance(graph_yaml, str) and "\n" not in graph_yaml
                    and graph_yaml.endswith((".yaml", ".yml")))
    if isinstance(graph_yaml, os.PathLike) or is_file_name:
        path = Path(graph_yaml)
        return path.read_text(encoding="utf-8"), str(path)
    if not isinstance(graph_yaml, str):
        raise TypeError("graph_yaml must be YAML text or a path to a .yaml file, not "
                        f"{type(graph_yaml).__name__}")
    return graph_yaml, "<graph>"


def plan(inputs, out_dir, *, format="", subtype="", suffix="", shard=""):
    """[(input, output)], ignored: the files `fxgraph batch INPUTS --out-dir OUT_DIR`
    would process, as absolute paths, and the number of non-audio files the folders held.
    Raises fxgraph.ConfigError / fxgraph.IoError for a missing input, two inputs with one
    output, or a format the outputs cannot take — before anything is written."""
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    pairs, ignored = _fxgraph.plan_batch(list(inputs), out_dir, format or "", subtype or "",
                                         suffix or "", shard or "")
    return [(os.path.abspath(i), os.path.abspath(o)) for i, o in pairs], ignored


def _worker_for(yaml, name, subtype, chunk_size, tail):
    key = (yaml, name, subtype, chunk_size, tail)
    cache = getattr(_workers, "cache", None)
    if cache is None or cache[0] != key:
        # One graph at a time per thread: a new graph replaces the old one.
        _workers.cache = (key, _fxgraph.BatchWorker(yaml, name, subtype, chunk_size, tail))
    return _workers.cache[1]


def _failed_row(input, output, error):
    return {"input": input, "output": output, "status": "failed", "error": error, "frames": None,
            "sample_rate": None, "channels": None, "peak": None, "rms": None, "seconds": 0.0}


def process_file(yaml, name, input, output, subtype="", chunk_size=65536, tail=True,
                 skip_existing=False):
    """The task each Dask worker runs: one file through the graph `yaml` (text), with
    this thread's cached worker; returns its manifest row. Never raises for a bad file
    or a graph this worker cannot build (a plugin missing on its machine): both are
    failed rows."""
    if skip_existing:
        row = _fxgraph.existing_output_row(input, output)
        if row is not None:
            return row
    try:
        worker = _worker_for(yaml, name, subtype, chunk_size, tail)
    except Exception as error:  # noqa: BLE001 — reported in the row, the batch goes on
        return _failed_row(input, output, f"{name}: {error}")
    return worker.process(input, output)


def dask_map(graph_yaml, inputs, out_dir, client, *, format="", subtype="", suffix="",
             shard="", skip_existing=False, chunk_size=65536, tail=True, retries=2,
             on_row=None):
    """Processes the files of INPUTS into OUT_DIR on the Dask cluster behind `client`
    (a distributed.Client); returns the manifest rows (dicts), in the work list's order.

    graph_yaml   the graph: YAML text, or the path of a .yaml file (read here, sent as text)
    inputs       files, folders, globs, @lists (a list, or one of them) — as `fxgraph batch`
    out_dir      the output folder; outputs mirror the inputs' paths below it
    format, subtype, suffix, shard
                 as `fxgraph batch`'s --format, --subtype, --suffix, --shard
    skip_existing
                 leave complete outputs that are already there (status "skipped")
    chunk_size, tail
                 frames per chunk; play out the graph's tail (as `fxgraph process`)
    retries      times Dask reruns a file's task when its worker is lost
    on_row       called on the client with each row as its file finishes (progress)

    Bad usage (a graph that cannot run in a batch, a missing input, two inputs with one
    output) raises fxgraph.Error before any task is submitted. A failing file is a row
    with status "failed"; a task that still fails after its retries (its workers kept
    dying) becomes a failed row too, with Dask's reason.
    """
    from distributed import as_completed

    yaml, name = _read_graph(graph_yaml)
    _fxgraph.check_batch_yaml(yaml, name)
    pairs, _ = plan(inputs, out_dir, format=format, subtype=subtype, suffix=suffix, shard=shard)
    if not pairs:
        return []
    os.makedirs(out_dir, exist_ok=True)
    _fxgraph.remove_stale_temporaries([output for _, output in pairs])

    # pure=False: a rerun of the same file is new work, never a cached result.
    futures = client.map(process_file, [yaml] * len(pairs), [name] * len(pairs),
                         [i for i, _ in pairs], [o for _, o in pairs], subtype=subtype or "",
                         chunk_size=chunk_size, tail=tail, skip_existing=skip_existing,
                         retries=retries, pure=False)
    index = {future.key: position for position, future in enumerate(futures)}
    rows = [None] * len(futures)
    for future in as_completed(futures):
        position = index[future.key]
        if future.status == "error":
            input, output = pairs[position]
            rows[position] = _failed_row(input, output, f"task failed: {future.exception()!r}")
        else:
            rows[position] = future.result()
        future.release()
        if on_row is not None:
            on_row(rows[position])
    return rows
