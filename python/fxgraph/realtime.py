"""torchfx.realtime's API on fxgraph's engine: swap the import line and use JackBackend()
where torchfx has SoundDeviceBackend().

    from fxgraph.realtime import RealtimeProcessor, JackBackend, StreamConfig
    from fxgraph.effect import Gain
    config = StreamConfig(sample_rate=48000, buffer_size=256, channels_in=1, channels_out=1)
    with RealtimeProcessor(effects=[Gain(1.5)], backend=JackBackend(), config=config) as p:
        p.set_parameter("0.gain", 2.0)

Differences from torchfx, by design:
  - The audio callback is C++ (no Python, no GIL, no lock on the audio thread);
    set_parameter validates at once (ParameterError listing valid names) and the value
    reaches the audio thread through a lock-free queue.
  - JACK's server owns the clock: its rate and period win over the StreamConfig's
    (backend_sample_rate / backend_buffer_size show the values in force).
  - `effects` may also be an fxgraph.Graph or a chain spec ("highpass(80) | gain(1.5)").
  - StreamProcessor output is bit-identical whatever the chunk size, and Normalize
    measures the whole file first (torchfx normalises each chunk on its own).
"""

import atexit
import enum
import weakref
from dataclasses import dataclass

from fxgraph import _fxgraph
from fxgraph.errors import (
    BackendNotAvailableError,
    BufferOverrunError,
    BufferUnderrunError,
    ConfigError,
    GraphError,
    ParameterError,
    RealtimeError,
    StreamError,
)

RingBuffer = _fxgraph.RingBuffer
#: torchfx's name for the ring buffer.
TensorRingBuffer = _fxgraph.RingBuffer


class StreamDirection(enum.Enum):
    """Which way audio flows, from the channel counts."""

    INPUT = "input"
    OUTPUT = "output"
    DUPLEX = "duplex"


class StreamState(enum.Enum):
    """The life of a stream: closed -> open -> running <-> stopped -> closed; error when lost."""

    CLOSED = "closed"
    OPEN = "open"
    RUNNING = "running"
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True)
class StreamConfig:
    """A request for a live stream (torchfx's fields and defaults).

    sample_rate: Hz, 8000 to 384000. buffer_size: frames per period, a power of two
    from 16 to 8192. channels_in / channels_out: 0 to 64, not both 0. latency: "low"
    (one period), "high" (two) or seconds. dtype, device_in and device_out are
    accepted for torchfx compatibility; fxgraph streams are float32 and JACK ports are
    connected by name. Checked when a processor is built (ConfigError naming the field).
    """

    sample_rate: int = 48000
    buffer_size: int = 512
    channels_in: int = 0
    channels_out: int = 2
    dtype: str = "float32"
    device_in: object = None
    device_out: object = None
    latency: object = "low"

    @property
    def direction(self):
        if self.channels_in > 0 and self.channels_out > 0:
            return StreamDirection.DUPLEX
        if self.channels_in > 0:
            return StreamDirection.INPUT
        return StreamDirection.OUTPUT

    @property
    def latency_ms(self):
        """One period in ms (torchfx's figure); "high" is two, seconds as given."""
        if self.latency == "high":
            return 2000.0 * self.buffer_size / self.sample_rate
        if isinstance(self.latency, (int, float)):
            return 1000.0 * self.latency
        return 1000.0 * self.buffer_size / self.sample_rate


class JackBackend:
    """A JACK client (needs a running JACK server; fxgraph never starts one).

    client_name: the client's name (JACK makes it unique); server_name: the server
    ("" = $JACK_DEFAULT_SERVER or "default"); auto_connect: connect to the physical
    capture/playback ports on start.
    """

    name = "jack"

    def __init__(self, client_name="fxgraph", server_name="", auto_connect=True):
        self.client_name = client_name
        self.server_name = server_name
        self.auto_connect = auto_connect

    @property
    def is_available(self):
        """Whether the JACK server accepts clients now."""
        return _fxgraph.WITH_JACK and _fxgraph.jack_available(self.server_name)

    def _request(self):
        request = _fxgraph.BackendRequest()
        request.kind = "jack"
        request.client_name = self.client_name
        request.server_name = self.server_name
        request.auto_connect = self.auto_connect
        return request

    def __repr__(self):
        return f"JackBackend(client_name={self.client_name!r}, server_name={self.server_name!r})"


class NullBackend:
    """No device: a clock thread runs the graph on silence and discards the output
    (servers, CI). realtime=False runs the periods back to back."""

    name = "null"
    is_available = True

    def __init__(self, realtime=True):
        self.realtime = realtime

    def _request(self):
        request = _fxgraph.BackendRequest()
        request.kind = "null"
        request.realtime_clock = self.realtime
        return request

    def __repr__(self):
        return f"NullBackend(realtime={self.realtime})"


# Processors not yet collected; at exit each still open is stopped and closed while the
# interpreter and libjack are whole (one kept alive by a traceback would otherwise stay
# a JACK client while the process tears down).
_open_processors = weakref.WeakSet()


@atexit.register
def _close_open_processors():
    for processor in list(_open_processors):
        try:
            if processor.is_running:
                processor._processor.stop()
            processor._processor.close()
        except Exception:  # noqa: BLE001 - exiting anyway; nothing to report to
            pass


def _effects_graph(effects):
    try:
        return _fxgraph.Graph.chain(list(effects) if isinstance(effects, (list, tuple)) else effects)
    except TypeError:
        if hasattr(effects, "__iter__") and not isinstance(effects, str):
            return _fxgraph.Graph.chain(list(effects))
        raise


class RealtimeProcessor:
    """A graph played live through a backend (torchfx's RealtimeProcessor).

    effects: a list of effects (fxgraph.effect, fxgraph.filter, fxgraph.nodes), an
    fxgraph.Graph or a chain spec. The chain's nodes are "0", "1", …, so
    set_parameter("2.gain", 2.0) addresses the third effect. The context manager starts
    on enter and stops on exit.
    """

    def __init__(self, effects, backend, config=None, buffer_capacity=8192):
        self._config = config if config is not None else StreamConfig()
        self._backend = backend
        self._effects = effects
        self._buffer_capacity = buffer_capacity  # torchfx's argument; the C++ path needs none
        latency = self._config.latency
        self._processor = _fxgraph.RealtimeProcessor(
            _effects_graph(effects), backend._request(), float(self._config.sample_rate),
            int(self._config.buffer_size), int(self._config.channels_in),
            int(self._config.channels_out), latency if isinstance(latency, str) else repr(float(latency)))
        _open_processors.add(self)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self.is_running:
            self.stop()

    def start(self):
        """Opens the backend and starts processing. RealtimeError when running already,
        BackendNotAvailableError when e.g. no JACK server runs."""
        self._processor.start()

    def stop(self):
        """Stops processing and closes the stream, as torchfx does (a JACK client leaves
        the server; start() opens it again). RealtimeError when not running."""
        self._processor.stop()
        self._processor.close()

    def set_parameter(self, name, value):
        """Sets "node.param" (e.g. "2.gain") from the next period on; any thread.
        ParameterError for an unknown path (listing valid names) or a bad value."""
        self._processor.set_parameter(name, float(value))

    def get_parameter(self, name):
        return self._processor.get_parameter(name)

    def parameters(self):
        """{"node.param": value} for every parameter."""
        return self._processor.parameters()

    def reset_state(self):
        """Clears every node's state (filter memories, delay lines) at the next period."""
        self._processor.reset_state()

    @property
    def is_running(self):
        return self._processor.is_running

    @property
    def state(self):
        return StreamState(self._processor.state)

    @property
    def latency_ms(self):
        """The configured latency, or the backend's actual period once open."""
        return self._processor.latency_ms

    @property
    def stats(self):
        """{"xruns", "blocks", "dsp_load_mean", "dsp_load_max", "dsp_load_max_window"}:
        dsp_load_max_window is the worst block since the previous take_stats()."""
        return self._processor.stats

    def take_stats(self):
        """stats, then starts the next window of dsp_load_max_window: polled every few
        seconds, it gives each interval's worst block (a soak's peak without the start-up's
        first periods)."""
        return self._processor.take_stats()

    @property
    def failure_reason(self):
        return self._processor.failure_reason

    @property
    def backend_sample_rate(self):
        return self._processor.backend_sample_rate

    @property
    def backend_buffer_size(self):
        return self._processor.backend_buffer_size

    @property
    def input_ports(self):
        """JACK: full input port names ("client:in_1", …) once started."""
        return self._processor.input_ports

    @property
    def output_ports(self):
        return self._processor.output_ports

    @property
    def effects(self):
        return self._effects

    @property
    def backend(self):
        return self._backend

    @property
    def config(self):
        return self._config

    @property
    def graph(self):
        return self._processor.graph


class StreamProcessor:
    """A chain applied to files in chunks with flat memory (torchfx's StreamProcessor).

    Output is bit-identical whatever chunk_size; Normalize measures the whole file
    first. Files are read, processed and written with the GIL released.
    """

    def __init__(self, effects, chunk_size=65536, overlap=0, device="cpu"):
        if overlap != 0:
            raise ValueError("overlap: fxgraph keeps node state across chunks, so chunks "
                             "need no overlap; use overlap=0")
        if device != "cpu":
            raise ValueError(f"device: fxgraph runs on the CPU, got {device!r}")
        self._effects = effects
        self._processor = _fxgraph.StreamProcessor(_effects_graph(effects), int(chunk_size))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        pass

    def process_file(self, input_path, output_path, format=None, subtype=None, tail=False):
        """Processes input_path into output_path (format from its extension; subtype:
        "pcm16", "pcm24", "float", … or torchfx's "PCM_16", "FLOAT"; default the
        input's). Nothing is left behind on failure. tail=True plays a reverb's tail out.
        Returns {"frames", "clipped_samples", "peak"}."""
        del format  # the extension decides, as in torchfx when format is None
        sample_format = "" if subtype is None else str(subtype).lower().replace("_", "")
        return self._processor.process_file(str(input_path), str(output_path), sample_format, tail)

    def process_chunks(self, input_path):
        """Yields the processed audio as (channels, frames) float32 arrays of chunk_size
        frames (the last may be shorter)."""
        return self._processor.process_chunks(str(input_path))

    @property
    def chunk_size(self):
        return self._processor.chunk_size

    @property
    def overlap(self):
        return 0

    @property
    def effects(self):
        return self._effects


__all__ = [
    "StreamConfig",
    "StreamDirection",
    "StreamState",
    "RealtimeProcessor",
    "StreamProcessor",
    "JackBackend",
    "NullBackend",
    "RingBuffer",
    "TensorRingBuffer",
    "RealtimeError",
    "BackendNotAvailableError",
    "StreamError",
    "BufferOverrunError",
    "BufferUnderrunError",
    "GraphError",
    "ParameterError",
    "ConfigError",
]
