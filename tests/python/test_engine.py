"""fxgraph.Engine, fxgraph.process and Graph: the same samples as the C++ engine,
streaming in any block sizes, parallel threads, parameters and graphs."""

import threading

import numpy as np
import pytest

import fxgraph
from audio_files import read_wav, noise_signal, write_wav
from conftest import run_cli

RATE = 48000
CHAIN = "highpass(80) | lowpass(8000) | gain(1.5) | reverb(room_size=0.3)"


def test_python_output_equals_fxgraph_process_bit_for_bit(fxgraph_cli, tmp_path):
    x = noise_signal(2, 20000)
    write_wav(tmp_path / "in.wav", x, RATE)
    result = run_cli(fxgraph_cli, "process", str(tmp_path / "in.wav"), str(tmp_path / "out.wav"),
                     "--chain", CHAIN, "--no-tail", "-q")
    assert result.returncode == 0, result.stderr
    expected, rate = read_wav(tmp_path / "out.wav")
    assert rate == RATE

    engine = fxgraph.Engine(fxgraph.chain(CHAIN), RATE, 4096, channels=2)
    assert np.array_equal(engine.process(x), expected)
    assert np.array_equal(fxgraph.process(x, RATE, CHAIN), expected)


def test_normalize_in_one_shot_process_measures_the_whole_signal_like_the_cli(fxgraph_cli, tmp_path):
    x = noise_signal(2, 30000, seed=3)
    write_wav(tmp_path / "in.wav", x, RATE)
    spec = "gain(0.8) | normalize(peak=0.95)"
    result = run_cli(fxgraph_cli, "process", str(tmp_path / "in.wav"), str(tmp_path / "out.wav"),
                     "--chain", spec, "--no-tail", "-q")
    assert result.returncode == 0, result.stderr
    expected, _ = read_wav(tmp_path / "out.wav")
    y = fxgraph.process(x, RATE, spec)
    assert np.array_equal(y, expected)
    assert abs(np.max(np.abs(y)) - 0.95) < 1e-6


def test_streaming_in_random_block_sizes_equals_one_call():
    x = noise_signal(2, 48000, seed=5)
    whole = fxgraph.Engine(CHAIN, RATE, 512, channels=2).process(x)
    engine = fxgraph.Engine(CHAIN, RATE, 512, channels=2)
    rng = np.random.default_rng(7)
    pieces, at = [], 0
    while at < x.shape[1]:
        n = int(rng.integers(0, 3000))  # 0 frames and more than max_block included
        pieces.append(engine.process(x[:, at:at + n]))
        at += n
    assert np.array_equal(np.concatenate(pieces, axis=1), whole)
    assert engine.position == x.shape[1]


def test_threads_process_different_engines_in_parallel_with_the_serial_result():
    inputs = [noise_signal(2, 96000, seed=s) for s in range(4)]
    serial = [fxgraph.Engine(CHAIN, RATE, 256).process(x) for x in inputs]
    engines = [fxgraph.Engine(CHAIN, RATE, 256) for _ in inputs]
    results = [None] * len(inputs)

    def work(i):
        out = []
        for at in range(0, 96000, 4800):  # many calls, so the threads interleave
            out.append(engines[i].process(inputs[i][:, at:at + 4800]))
        results[i] = np.concatenate(out, axis=1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, serial):
        assert np.array_equal(got, want)


def test_engines_built_from_one_graph_or_one_effect_list_do_not_share_state():
    graph = fxgraph.chain("lowpass(1000)")
    a, b = fxgraph.Engine(graph, RATE, 512), fxgraph.Engine(graph, RATE, 512)
    x = noise_signal(2, 4096)
    first = a.process(x)
    a.process(x)  # a's filter now holds state; b's must not
    assert np.array_equal(b.process(x), first)


def test_set_parameter_changes_the_output_from_the_next_block():
    engine = fxgraph.Engine("gain(1.0)", RATE, 64, channels=1)
    x = np.ones((1, 64), dtype=np.float32)
    assert np.all(engine.process(x) == 1.0)
    engine.set_parameter("0.gain", 0.25)
    assert engine.get_parameter("0.gain") == 0.25
    ramp = np.concatenate([engine.process(x) for _ in range(100)], axis=1)
    assert ramp[0, 0] < 1.0  # the gain ramps from the next block (no zipper noise) …
    assert np.all(ramp[0, -64:] == 0.25)  # … and then holds
    assert engine.parameters()["0.gain"] == 0.25


def test_a_bad_parameter_path_raises_parameter_error_listing_valid_names():
    engine = fxgraph.Engine(CHAIN, RATE, 512)
    with pytest.raises(fxgraph.ParameterError, match="valid parameters are gain, gain_db, clamp") as e:
        engine.set_parameter("2.gian", 2.0)
    assert (e.value.node, e.value.key) == ("2", "gian")
    with pytest.raises(fxgraph.ParameterError, match="out of range"):
        engine.set_parameter("2.gain", 1e9)
    with pytest.raises(fxgraph.ParameterError):
        engine.set_parameter("7.gain", 1.0)
    with pytest.raises(ValueError):  # ParameterError is a ValueError too
        engine.set_parameter("nodot", 1.0)


def test_replace_graph_swaps_the_graph_and_a_bad_one_leaves_the_old_running():
    engine = fxgraph.Engine("gain(2)", RATE, 64, channels=1)
    x = np.full((1, 64), 0.5, dtype=np.float32)
    assert np.all(engine.process(x) == 1.0)
    engine.replace_graph("gain(0.5)")
    assert np.all(engine.process(x) == 0.25)
    with pytest.raises(fxgraph.ConfigError):
        engine.replace_graph("gain(gian=2)")
    assert np.all(engine.process(x) == 0.25)
    assert "gain(gain=0.5" in repr(engine)


def test_describe_plan_and_repr_show_the_graph():
    engine = fxgraph.Engine(CHAIN, RATE, 512)
    plan = engine.describe_plan()
    for node in ("0", "1", "2", "3"):
        assert node in plan
    text = repr(fxgraph.chain(CHAIN))
    assert "0: highpass(cutoff=80" in text and "2: gain(gain=1.5" in text
    assert "2 -> 3" in text


def test_repr_shows_a_feedback_edge_with_its_delay_as_yaml_writes_it():
    graph = fxgraph.Graph.from_yaml("""\
nodes:
  string: { type: mix, inputs: 2 }
  damp:   { type: gain, gain: 0.5 }
edges:
  - string -> damp
  - damp -> string:1: {feedback: 109}
input: string:0
output: string
""")
    lines = [line.strip() for line in repr(graph).splitlines()]
    assert "damp -> string:1: {feedback: 109}" in lines
    assert "string -> damp" in lines  # an ordinary edge stays as it was


def test_graph_from_yaml_text_and_file(tmp_path):
    text = """\
sample_rate: 44100
nodes:
  drive: { type: gain, gain: 2 }
  tone:  { type: lowpass, cutoff: 5000 }
edges:
  - drive -> tone
input: drive
output: tone
"""
    graph = fxgraph.Graph.from_yaml(text)
    assert graph.sample_rate == 44100
    assert graph.nodes == [("drive", "gain"), ("tone", "lowpass")]
    (tmp_path / "g.yaml").write_text(text)
    from_file = fxgraph.Graph.from_yaml(tmp_path / "g.yaml")  # a pathlib.Path
    x = noise_signal(2, 1000)
    assert np.array_equal(fxgraph.Engine(graph, 44100).process(x),
                          fxgraph.Engine(from_file, 44100).process(x))
    engine = fxgraph.Engine(graph, 44100)
    engine.set_parameter("drive.gain", 1.0)


def test_yaml_mistakes_point_at_file_line_and_column(tmp_path):
    (tmp_path / "bad.yaml").write_text("nodes:\n  a: { type: gain, gian: 2 }\n")
    with pytest.raises(fxgraph.ConfigError, match=r"bad.yaml:2:\d+: .*gian") as e:
        fxgraph.Graph.from_yaml(str(tmp_path / "bad.yaml"))
    assert e.value.location.startswith(str(tmp_path / "bad.yaml") + ":2:")
    with pytest.raises(fxgraph.IoError):
        fxgraph.Graph.from_yaml(str(tmp_path / "missing.yaml"))


def test_chain_spec_mistakes_raise_the_clis_errors(fxgraph_cli, tmp_path):
    write_wav(tmp_path / "in.wav", noise_signal(1, 100), RATE)
    for spec in ("gain(gian=2)", "gian(2)", "gain(1.5", "lowpass(cutoff=5e9)"):
        cli = run_cli(fxgraph_cli, "process", str(tmp_path / "in.wav"), str(tmp_path / "o.wav"),
                      "--chain", spec, "-q")
        assert cli.returncode == 2
        with pytest.raises(fxgraph.Error) as e:
            fxgraph.chain(spec)
        # The same problem text (the CLI adds its prefix and the option's label).
        problem = str(e.value).split(": ", 1)[-1]
        assert problem.split(" at column")[0].split(":")[-1].strip() in cli.stderr


def test_a_generator_graph_runs_for_a_number_of_frames():
    graph = fxgraph.Graph.from_yaml("nodes:\n  tone: { type: sine, frequency: 1000 }\noutput: tone\n")
    engine = fxgraph.Engine(graph, RATE, 256, channels=1)
    y = engine.process(480)
    assert y.shape == (1, 480)
    assert abs(np.max(np.abs(y)) - 0.5) < 1e-3


def test_automate_gives_the_samples_of_the_cli_automate_option(fxgraph_cli, tmp_path):
    # The same cutoff sweep through Engine.automate in 256-frame blocks and through
    # `fxgraph process --automate` in 65536-frame chunks: bit for bit the same.
    x = noise_signal(1, 48000, seed=5)
    write_wav(tmp_path / "in.wav", x, RATE)
    result = run_cli(fxgraph_cli, "process", str(tmp_path / "in.wav"), str(tmp_path / "out.wav"),
                     "--chain", "lowpass(200) | gain(0.5)", "--automate",
                     "0.cutoff=0:200,0.8:8000,exp", "--format", "float", "--no-tail", "-q")
    assert result.returncode == 0, result.stderr
    expected, _ = read_wav(tmp_path / "out.wav")

    engine = fxgraph.Engine(fxgraph.chain("lowpass(200) | gain(0.5)"), RATE, 256, channels=1)
    engine.automate("0.cutoff", [(0, 200), (0.8, 8000)], "exp")
    assert np.array_equal(engine.process(x), expected)
    assert engine.get_parameter("0.cutoff") == 8000  # past the last point
    with pytest.raises(fxgraph.ParameterError, match="above 0"):
        engine.automate("1.gain", [(0, 1), (1, 0)], "exp")  # gain may be 0; exp may not


def test_engine_threads_run_parallel_branches_with_the_one_thread_result():
    text = """\
nodes:
  split: { type: gain, gain: 1 }
  low:   { type: lowpass, cutoff: 400, order: 4 }
  high:  { type: highpass, cutoff: 4000, order: 4 }
  room:  { type: reverb }
  sum:   { type: mix, inputs: 2 }
edges:
  - split -> low -> room -> sum:0
  - split -> high -> sum:1
input: split
output: sum
"""
    x = noise_signal(2, 20000, seed=11)
    one = fxgraph.Engine(fxgraph.Graph.from_yaml(text), RATE, 256).process(x)
    two = fxgraph.Engine(fxgraph.Graph.from_yaml(text), RATE, 256, threads=2).process(x)
    assert np.array_equal(two, one)
    with pytest.raises(ValueError, match="threads"):
        fxgraph.Engine(CHAIN, RATE, 256, threads=0)
