"""StreamProcessor: the seed's two file examples on temporary files, equal to the C++
engine's output, chunk size not mattering, and errors that name the file."""

import importlib

import numpy as np
import pytest

import fxgraph
from fxgraph.realtime import StreamProcessor
from audio_files import noise_signal, read_wav, write_wav
from conftest import run_cli

RATE = 44100
SPEC = "biquad_highpass(60) | biquad_lowpass(6000) | gain(0.8) | normalize(peak=0.95)"


def torchfx_effects():
    """The seed's effect list [Gain(0.8), Normalize(peak=0.95)] from fxgraph.effect, once
    the faithful torchfx types are in the registry."""
    effect = importlib.import_module("fxgraph.effect")
    if not hasattr(effect, "Gain") or not hasattr(effect, "Normalize"):
        pytest.skip("fxgraph.effect has no Gain/Normalize yet (the torchfx node types)")
    return [effect.Gain(0.8), effect.Normalize(peak=0.95)]


@pytest.fixture
def podcast(tmp_path):
    path = tmp_path / "large_podcast.wav"
    write_wav(path, noise_signal(2, 150000, seed=11), RATE)
    return path


def check_seed_example(effects, podcast, tmp_path):
    output = tmp_path / "normalized_podcast.wav"
    with StreamProcessor(effects=effects, chunk_size=65536) as processor:
        summary = processor.process_file(podcast, output)
        chunks = list(processor.process_chunks(podcast))
    assert summary["frames"] == 150000
    written, rate = read_wav(output)
    assert rate == RATE and written.shape == (2, 150000)
    assert [c.shape for c in chunks] == [(2, 65536), (2, 65536), (2, 18928)]
    assert all(c.dtype == np.float32 for c in chunks)
    assert np.array_equal(np.concatenate(chunks, axis=1), written)
    assert abs(np.max(np.abs(written)) - 0.95) < 1e-6  # normalised over the whole file
    return written


def test_the_seeds_stream_examples_with_torchfx_classes(podcast, tmp_path):
    check_seed_example(torchfx_effects(), podcast, tmp_path)


def test_the_seeds_stream_examples_with_fxgraph_node_classes(podcast, tmp_path):
    nodes = fxgraph.nodes
    check_seed_example([nodes.gain(0.8), nodes.normalize(peak=0.95)], podcast, tmp_path)


def test_process_file_equals_fxgraph_process_bit_for_bit(fxgraph_cli, podcast, tmp_path):
    cli = run_cli(fxgraph_cli, "process", str(podcast), str(tmp_path / "cli.wav"), "--chain", SPEC,
                  "--no-tail", "-q")
    assert cli.returncode == 0, cli.stderr
    expected, _ = read_wav(tmp_path / "cli.wav")
    for chunk_size in (1000, 65536, 1 << 20):
        StreamProcessor(SPEC, chunk_size=chunk_size).process_file(podcast, tmp_path / "py.wav")
        assert np.array_equal(read_wav(tmp_path / "py.wav")[0], expected)
        chunks = StreamProcessor(SPEC, chunk_size=chunk_size).process_chunks(podcast)
        assert np.array_equal(np.concatenate(list(chunks), axis=1), expected)


def test_tail_plays_a_reverb_out_and_subtype_picks_the_format(podcast, tmp_path):
    processor = StreamProcessor([fxgraph.nodes.reverb(room_size=0.3)])
    summary = processor.process_file(podcast, tmp_path / "tail.wav", subtype="PCM_16", tail=True)
    audio, _ = read_wav(tmp_path / "tail.wav")
    assert summary["frames"] > 150000 and audio.shape[1] == summary["frames"]
    assert open(tmp_path / "tail.wav", "rb").read(40)[34] == 16  # bits per sample


def test_file_errors_name_the_file_and_leave_nothing_behind(podcast, tmp_path):
    processor = StreamProcessor("gain(0.5)")
    with pytest.raises(fxgraph.IoError, match="missing.wav"):
        processor.process_file(tmp_path / "missing.wav", tmp_path / "out.wav")
    with pytest.raises(fxgraph.Error):
        processor.process_file(podcast, podcast)  # output == input is refused
    with pytest.raises(fxgraph.IoError, match="missing.wav"):
        next(iter(processor.process_chunks(tmp_path / "missing.wav")))
    assert not (tmp_path / "out.wav").exists()
    assert read_wav(podcast)[0].shape == (2, 150000)
    with pytest.raises(ValueError, match="overlap"):
        StreamProcessor("gain(0.5)", overlap=128)
