"""fxgraph.batch.dask_map and `python3 -m fxgraph.dask` on a real Dask cluster of two
worker processes (distributed.LocalCluster, processes=True): a dozen small files and a
corrupt one; outputs bit-identical to `fxgraph process`; the corrupt file a failed row
with nothing left behind; resuming with skip_existing; bad usage refused before any
work; a graph's `automation:` followed in every file. One cluster serves the whole module (starting one takes seconds)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fxgraph
from audio_files import noise_signal, write_wav
from conftest import run_cli

distributed = pytest.importorskip("distributed")
from fxgraph.batch import dask_map, plan  # noqa: E402

GRAPH = """\
sample_rate: 48000
chain:
  - { type: highpass, cutoff: 80, order: 2 }
  - { type: lowpass, cutoff: 8000, order: 2 }
  - { type: gain, gain: 1.5 }
"""
GOOD_FILES = [f"a/f{i:02d}.wav" for i in range(6)] + [f"b/c/g{i:02d}.wav" for i in range(6)]
CORRUPT = "b/corrupt.wav"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture
def corpus(tmp_path):
    """data/: twelve small WAVs of noise (mono and stereo, two rates) in two folders, a
    truncated WAV, and a text file that folders' expansion ignores. Returns (graph, data)."""
    data = tmp_path / "data"
    for number, name in enumerate(GOOD_FILES):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        channels = 1 + number % 2
        write_wav(data / name, noise_signal(channels, 3000 + 257 * number, seed=number),
                  44100 if number % 3 == 0 else 48000)
    write_wav(data / CORRUPT, noise_signal(2, 4000, seed=99), 48000)
    with open(data / CORRUPT, "r+b") as f:  # the header promises 4000 frames
        f.truncate(os.path.getsize(data / CORRUPT) - 6000)
    (data / "notes.txt").write_text("not audio\n")
    graph = tmp_path / "graph.yaml"
    graph.write_text(GRAPH)
    return graph, data


def leftovers(folder):
    """Every file below `folder`, relative, as a sorted list."""
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


def check_matches_fxgraph_process(cli, graph, row, tmp_path):
    reference = tmp_path / "reference.wav"
    result = run_cli(cli, "process", row["input"], str(reference), "--chain-file", str(graph), "-q")
    assert result.returncode == 0, result.stderr
    assert Path(row["output"]).read_bytes() == reference.read_bytes(), row["input"]


def test_dask_map_matches_fxgraph_process_and_fails_only_the_corrupt_file(
        client, corpus, fxgraph_cli, tmp_path):
    graph, data = corpus
    out = tmp_path / "out"
    finished = []
    with distributed.get_task_stream(client) as tasks:
        rows = dask_map(graph, [data], out, client, on_row=finished.append)

    assert len(rows) == len(finished) == 13
    # The work list is `fxgraph batch`'s: sorted by the mirrored path, absolute paths.
    assert [Path(row["input"]).relative_to(data).as_posix() for row in rows] == sorted(
        GOOD_FILES + [CORRUPT])
    by_name = {Path(row["input"]).relative_to(data).as_posix(): row for row in rows}
    failed = by_name.pop(CORRUPT)
    assert failed["status"] == "failed" and "damaged" in failed["error"]
    assert failed["frames"] is None and not Path(failed["output"]).exists()
    for name, row in by_name.items():
        assert row["status"] == "done" and row["error"] is None, row
        assert row["output"] == str(out / name)
        assert row["frames"] >= 3000 + 257 * GOOD_FILES.index(name)  # plus the filters' tail
        assert 0 < row["rms"] < row["peak"]
        check_matches_fxgraph_process(fxgraph_cli, graph, row, tmp_path)
    # Nothing partial: exactly the twelve outputs, no temporaries.
    assert leftovers(out) == sorted(GOOD_FILES)
    # Both worker processes took files.
    assert len({task["worker"] for task in tasks.data}) == 2


def test_skip_existing_resumes_without_rewriting(client, corpus, tmp_path):
    graph, data = corpus
    out = tmp_path / "out"
    first = dask_map(GRAPH, [data / "a"], out, client)  # the graph as YAML text
    assert [row["status"] for row in first] == ["done"] * 6
    removed = out / "f03.wav"
    removed.unlink()
    stamps = {p: p.stat().st_mtime_ns for p in out.iterdir()}

    again = dask_map(GRAPH, [data / "a"], out, client, skip_existing=True)
    statuses = {Path(row["output"]).name: row["status"] for row in again}
    assert statuses.pop("f03.wav") == "done"
    assert set(statuses.values()) == {"skipped"}
    assert all(p.stat().st_mtime_ns == stamp for p, stamp in stamps.items())
    skipped = next(row for row in again if row["status"] == "skipped")
    assert skipped["frames"] is not None and skipped["peak"] is None


def test_a_graph_that_cannot_run_in_a_batch_is_refused_before_any_work(client, corpus, tmp_path):
    _, data = corpus
    file_graph = ("nodes:\n  src: { type: file_in, path: x.wav }\n  g: { type: gain }\n"
                  "edges:\n  - src -> g\n")
    with pytest.raises(fxgraph.Error):
        dask_map(file_graph, [data], tmp_path / "out", client)
    with pytest.raises(fxgraph.ConfigError):
        dask_map(GRAPH, [data / "missing"], tmp_path / "out", client)
    assert not (tmp_path / "out").exists()


def test_plan_is_fxgraph_batch_work_list(corpus, tmp_path):
    _, data = corpus
    pairs, ignored = plan([data], tmp_path / "out", format="flac", suffix="_hp", shard="2/3")
    assert ignored == 1  # notes.txt
    everything = sorted(GOOD_FILES + [CORRUPT])
    assert [Path(i).relative_to(data).as_posix() for i, _ in pairs] == everything[1::3]
    assert all(o.endswith("_hp.flac") and os.path.isabs(o) for _, o in pairs)


def run_module(*args, cwd):
    return subprocess.run([sys.executable, "-m", "fxgraph.dask", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_the_command_end_to_end_with_a_local_cluster(corpus, tmp_path):
    graph, data = corpus
    result = run_module(str(graph), "data", "--out-dir", "out", "--scheduler", "local",
                        "--workers", "2", "--manifest", "m.jsonl", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # the corrupt file failed
    assert f"failed: {data / CORRUPT}" in result.stderr
    assert "12 done, 0 skipped, 1 failed of 13 files" in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert sorted(row["status"] for row in rows) == ["done"] * 12 + ["failed"]
    assert leftovers(tmp_path / "out") == sorted(GOOD_FILES)

    # Resumed without the corrupt file: everything skipped, exit 0.
    (data / CORRUPT).unlink()
    again = run_module(str(graph), "data", "-o", "out", "--scheduler", "local",
                       "--workers", "1", "--skip-existing", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 done, 12 skipped, 0 failed of 12 files" in again.stderr


def test_the_command_refuses_bad_usage_with_status_2(corpus, tmp_path):
    graph, _ = corpus
    missing = run_module(str(graph), "nowhere", "-o", "out", "--scheduler", "local", cwd=tmp_path)
    assert missing.returncode == 2 and "nowhere" in missing.stderr
    no_scheduler = run_module(str(graph), "data", "-o", "out", cwd=tmp_path)
    assert no_scheduler.returncode == 2 and "--scheduler" in no_scheduler.stderr
    workers = run_module(str(graph), "data", "-o", "out", "--scheduler", "tcp://h:8786",
                         "--workers", "2", cwd=tmp_path)
    assert workers.returncode == 2 and "--workers" in workers.stderr
    unreachable = run_module(str(graph), "data", "-o", "out", "--scheduler", "tcp://127.0.0.1:9",
                             cwd=tmp_path)
    assert unreachable.returncode == 2 and "cannot reach the Dask scheduler" in unreachable.stderr
    assert not (tmp_path / "out").exists()
    help_text = run_module("--help", cwd=tmp_path)
    assert help_text.returncode == 0 and "dask worker tcp://HOST:8786" in help_text.stdout


def test_a_file_name_that_is_not_utf8_survives_the_round_trip(client, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    name = os.fsdecode(b"caf\xe9.wav")  # Latin-1 bytes: a lone surrogate in Python
    write_wav(data / name, noise_signal(1, 2000), 48000)
    [row] = dask_map(GRAPH, [data], tmp_path / "out", client)
    assert row["status"] == "done", row
    assert os.fsencode(row["output"]) == os.fsencode(str(tmp_path / "out" / name))
    assert os.path.exists(os.fsencode(row["output"]))

    fxgraph._fxgraph.ManifestWriter(tmp_path / "m.jsonl").write(row)
    line = (tmp_path / "m.jsonl").read_bytes()
    assert b"\\udce9" in line  # `fxgraph batch`'s convention for undecodable bytes
    assert os.fsencode(json.loads(line)["input"]) == os.fsencode(row["input"])


def test_a_graphs_automation_section_is_followed_as_fxgraph_process_follows_it(
        fxgraph_cli, tmp_path):
    """The Dask task (fxgraph.batch.process_file, run here without a cluster) applies the
    YAML's `automation:` to every file, bit-identical to `fxgraph process --chain-file`."""
    from fxgraph.batch import process_file
    automated = GRAPH + "automation:\n  2.gain: { curve: hold, points: [[0.02, 0.25]] }\n"
    graph = tmp_path / "automated.yaml"
    graph.write_text(automated)
    source = tmp_path / "in.wav"
    write_wav(source, noise_signal(2, 4800, seed=7), 48000)
    rows = {}
    for name, yaml in (("plain", GRAPH), ("automated", automated)):
        rows[name] = process_file(yaml, name, str(source), str(tmp_path / f"{name}.wav"))
        assert rows[name]["status"] == "done", rows[name]
    check_matches_fxgraph_process(fxgraph_cli, graph, rows["automated"], tmp_path)
    assert (tmp_path / "automated.wav").read_bytes() != (tmp_path / "plain.wav").read_bytes()
    assert rows["automated"]["peak"] < rows["plain"]["peak"]  # gain 0.25 from 20 ms on
