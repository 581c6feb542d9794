"""fxgraph.realtime: the seed's realtime examples against a private dummy JACK server
(audio measured with jack_rec), the null backend, StreamConfig, the exceptions and the
ring buffer."""

import importlib
import threading
import time

import numpy as np
import pytest

import fxgraph
from fxgraph.realtime import (
    BackendNotAvailableError,
    BufferOverrunError,
    BufferUnderrunError,
    JackBackend,
    NullBackend,
    RealtimeError,
    RealtimeProcessor,
    RingBuffer,
    StreamConfig,
    StreamDirection,
    StreamError,
    StreamState,
)
from audio_files import read_wav
from conftest import jack_command

NOISE = """\
nodes:
  noise: { type: noise, amplitude: 0.3, channels: %d }
output: noise
"""


def noise_source(channels):
    """A JACK client playing white noise on `channels` outputs (the test's microphone)."""
    return RealtimeProcessor(
        fxgraph.Graph.from_yaml(NOISE % channels),
        JackBackend(client_name="noise", auto_connect=False),
        StreamConfig(sample_rate=48000, buffer_size=64, channels_in=0, channels_out=channels))


def connect(server, source, destination):
    result = jack_command(server, "jack_connect", source, destination)
    assert result.returncode == 0, result.stderr


def record(server, ports, seconds, path):
    """Records `ports` with jack_rec for `seconds`. Returns (channels, frames) float32."""
    import subprocess
    import os

    env = dict(os.environ, JACK_DEFAULT_SERVER=server, JACK_NO_START_SERVER="1")
    recorder = subprocess.Popen(["jack_rec", "-f", str(path), "-d", str(seconds), "-b", "16", *ports],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert recorder.wait(timeout=seconds + 20) == 0, recorder.stderr.read()
    audio, rate = read_wav(path)
    assert rate == 48000
    return audio


def rms(x):
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64)))))


def seed_rig_effects():
    """The issue's rig with torchfx's classes, when the registry has them."""
    try:
        effect = importlib.import_module("fxgraph.effect")
        iir = importlib.import_module("fxgraph.filter.iir")
        return [iir.HiButterworth(80), iir.LoButterworth(8000), effect.Gain(1.5),
                effect.Reverb(room_size=0.3)]
    except AttributeError:
        pytest.skip("fxgraph.effect/filter lack Gain, Reverb, Hi/LoButterworth (torchfx types)")


def node_rig_effects():
    nodes = fxgraph.nodes
    return [nodes.highpass(80), nodes.lowpass(8000), nodes.gain(1.5), nodes.reverb(room_size=0.3)]


@pytest.mark.parametrize("make_effects", [seed_rig_effects, node_rig_effects],
                         ids=["torchfx_classes", "fxgraph_nodes"])
def test_guitar_rig_set_parameter_2_gain_raises_the_output(jack_server, tmp_path, make_effects):
    config = StreamConfig(sample_rate=48000, buffer_size=256, channels_in=1, channels_out=1,
                          latency="low")
    source = noise_source(1)
    with source, RealtimeProcessor(effects=make_effects(), backend=JackBackend(), config=config) as processor:
        connect(jack_server, source.output_ports[0], processor.input_ports[0])
        assert processor.state is StreamState.RUNNING
        time.sleep(0.3)  # the reverb fills up
        before = record(jack_server, processor.output_ports, 1, tmp_path / "before.wav")
        processor.set_parameter("2.gain", 2.0)
        time.sleep(0.3)  # the gain ramp and the reverb settle
        after = record(jack_server, processor.output_ports, 1, tmp_path / "after.wav")
        assert processor.get_parameter("2.gain") == 2.0
        assert processor.stats["blocks"] > 0
    settled = slice(4800, None)  # past jack_rec's own start
    assert rms(before[:, settled]) > 0.01
    # 2.0 / 1.5 on stationary noise, through linear DSP.
    assert rms(after[:, settled]) / rms(before[:, settled]) == pytest.approx(4 / 3, rel=0.08)


def test_cutoff_sweep_opens_the_lowpass(jack_server, tmp_path):
    source = noise_source(2)
    processor = RealtimeProcessor(effects="lowpass(1000)", backend=JackBackend(client_name="sweep"),
                                  config=StreamConfig(channels_in=2, channels_out=2))
    with source, processor:
        for i in range(2):
            connect(jack_server, source.output_ports[i], processor.input_ports[i])
        time.sleep(0.2)
        closed = record(jack_server, processor.output_ports, 1, tmp_path / "closed.wav")
        for cutoff in range(1000, 5001, 100):  # the seed's sweep: 100 Hz every 50 ms
            processor.set_parameter("0.cutoff", cutoff)
            time.sleep(0.05)
        opened = record(jack_server, processor.output_ports, 1, tmp_path / "opened.wav")
        assert processor.get_parameter("0.cutoff") == 5000
    settled = slice(4800, None)
    # sqrt(5000 / 1000) ≈ 2.2 for white noise through a Butterworth lowpass.
    assert rms(opened[:, settled]) / rms(closed[:, settled]) > 1.8


def test_quick_start_gain_halves_a_stereo_stream(jack_server, tmp_path):
    source = noise_source(2)
    config = StreamConfig(sample_rate=48000, buffer_size=512, channels_in=2, channels_out=2)
    with source, RealtimeProcessor(effects=[fxgraph.nodes.gain(0.5)], backend=JackBackend(),
                                   config=config) as processor:
        for i in range(2):
            connect(jack_server, source.output_ports[i], processor.input_ports[i])
        audio = record(jack_server, source.output_ports + processor.output_ports, 1.0,
                       tmp_path / "quick.wav")
        assert processor.latency_ms == pytest.approx(64 / 48000 * 1000)  # the server's period
        assert processor.backend_sample_rate == 48000
    settled = audio[:, audio.shape[1] // 4:]
    for c in range(2):
        assert rms(settled[2 + c]) / rms(settled[c]) == pytest.approx(0.5, rel=0.05)


def test_without_a_server_start_raises_backend_not_available(monkeypatch):
    # Also what a build without JACK says, at construction.
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    assert not JackBackend(server_name="fxgraph-no-such-server").is_available
    with pytest.raises(BackendNotAvailableError):
        processor = RealtimeProcessor("gain(1)", JackBackend(server_name="fxgraph-no-such-server"),
                                      StreamConfig(channels_in=1, channels_out=1))
        processor.start()


def test_take_stats_starts_a_new_window_of_the_worst_block():
    config = StreamConfig(sample_rate=48000, buffer_size=64, channels_in=1, channels_out=1)
    p = RealtimeProcessor("highpass(80) | reverb()", NullBackend(realtime=False), config)
    with p:
        deadline = time.monotonic() + 5
        while p.stats["blocks"] < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
    stats = p.stats  # stopped: no block runs from here on
    assert stats["blocks"] >= 100
    assert 0 < stats["dsp_load_max_window"] <= stats["dsp_load_max"]
    assert p.stats["dsp_load_max_window"] == stats["dsp_load_max_window"]  # stats keeps it
    first = p.take_stats()
    assert first["dsp_load_max_window"] == stats["dsp_load_max_window"]
    second = p.take_stats()  # no block since the first: an empty window
    assert second["dsp_load_max_window"] == 0.0
    assert second["dsp_load_max"] == stats["dsp_load_max"]  # the all-time worst stays


def test_null_backend_runs_the_graph_and_takes_parameters():
    config = StreamConfig(sample_rate=48000, buffer_size=64, channels_in=1, channels_out=1)
    with RealtimeProcessor("highpass(80) | gain(1.5)", NullBackend(realtime=False), config) as p:
        p.set_parameter("1.gain", 2.0)
        deadline = time.monotonic() + 5
        while p.stats["blocks"] < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert p.stats["blocks"] >= 100
        assert p.parameters()["1.gain"] == 2.0
        with pytest.raises(RealtimeError, match="running"):
            p.start()
        with pytest.raises(fxgraph.ParameterError, match="valid parameters"):
            p.set_parameter("1.gian", 1.0)
    assert p.state is StreamState.CLOSED  # stop() closes the stream, as in torchfx
    with pytest.raises(RealtimeError):
        p.stop()


def test_stream_config_mirrors_torchfx_and_bad_values_name_the_field():
    config = StreamConfig(sample_rate=48000, buffer_size=512, channels_in=2, channels_out=2)
    assert config.direction is StreamDirection.DUPLEX
    assert config.latency_ms == pytest.approx(10.666666, rel=1e-6)
    assert StreamConfig().direction is StreamDirection.OUTPUT
    assert StreamConfig(channels_in=1, channels_out=0).direction is StreamDirection.INPUT
    with pytest.raises(fxgraph.ConfigError, match="buffer_size = 100"):
        RealtimeProcessor("gain(1)", NullBackend(), StreamConfig(buffer_size=100, channels_in=1))
    with pytest.raises(fxgraph.ConfigError, match="latency"):
        RealtimeProcessor("gain(1)", NullBackend(), StreamConfig(latency="soon", channels_in=1))
    with pytest.raises(fxgraph.GraphError):
        RealtimeProcessor("lowpass(30000)", NullBackend(), StreamConfig(channels_in=1))


def test_exception_hierarchy_is_torchfxs():
    for cls in (BackendNotAvailableError, StreamError, BufferOverrunError, BufferUnderrunError):
        assert issubclass(cls, RealtimeError)
    assert issubclass(RealtimeError, fxgraph.Error)
    assert issubclass(fxgraph.ParameterError, ValueError)
    assert fxgraph.realtime.GraphError is fxgraph.GraphError


def test_ring_buffer_moves_numpy_audio_and_reports_shortfalls():
    ring = RingBuffer(capacity=8, channels=2)
    x = np.arange(12, dtype=np.float32).reshape(2, 6)
    assert ring.write(x) == 6 and ring.available_read == 6 and ring.available_write == 2
    assert np.array_equal(ring.peek(2), x[:, :2])
    assert np.array_equal(ring.read(4), x[:, :4])
    assert ring.write(x) == 6  # wraps around
    assert np.array_equal(ring.read(8), np.concatenate([x[:, 4:], x], axis=1))
    with pytest.raises(BufferUnderrunError, match="8"):
        ring.read(8)
    ring.write(x)
    with pytest.raises(BufferOverrunError):
        ring.write(x)
    with pytest.raises(ValueError, match="2 channel"):
        ring.write(np.zeros((3, 2), dtype=np.float32))
    drop = RingBuffer(capacity=4, channels=1, policy="drop")
    assert drop.write(np.ones(6, dtype=np.float32)) == 4 and drop.overruns == 2
    out = drop.read(6)
    assert np.array_equal(out, [[1, 1, 1, 1, 0, 0]]) and drop.underruns == 2


def test_ring_buffer_between_two_threads_keeps_every_frame_in_order():
    ring = RingBuffer(capacity=256, channels=1)
    total, received = 20000, []

    def produce():
        sent = 0
        while sent < total:
            n = min(100, total - sent, ring.available_write)
            if n:
                ring.write(np.arange(sent, sent + n, dtype=np.float32))
                sent += n

    thread = threading.Thread(target=produce)
    thread.start()
    got = 0
    while got < total:
        n = min(ring.available_read, 77)
        if n:
            received.append(ring.read(n)[0])
            got += n
    thread.join()
    assert np.array_equal(np.concatenate(received), np.arange(total, dtype=np.float32))


def test_the_audio_thread_runs_while_python_holds_the_gil():
    # sum(range(n)) is one C call that keeps the GIL throughout; periods still pass,
    # so the audio callback never waits for Python.
    config = StreamConfig(sample_rate=48000, buffer_size=64, channels_in=1, channels_out=1)
    with RealtimeProcessor("lowpass(2000) | gain(0.5)", NullBackend(), config) as p:
        time.sleep(0.05)
        before = p.stats["blocks"]
        start = time.monotonic()
        sum(range(60_000_000))  # about 0.3 s here; well over 0.1 s on fast machines
        held = time.monotonic() - start
        during = p.stats["blocks"] - before
        before = p.stats["blocks"]
        time.sleep(held)  # the same time with the GIL free, for scale on a busy machine
        free = p.stats["blocks"] - before
    assert held > 0.1
    # A callback that needed the GIL would manage one period at most while it is held.
    assert during > 0.2 * free and during > 10
