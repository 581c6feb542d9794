"""fxgraph: audio through a compiled dataflow graph, from Python.

    import fxgraph
    y = fxgraph.process(x, 48000, "highpass(80) | gain(1.5)")   # x: (channels, frames)

    engine = fxgraph.Engine(fxgraph.Graph.from_yaml("guitar.yaml"), 48000, 512, channels=1)
    block = engine.process(block)            # state carries over between calls
    engine.set_parameter("drive.gain", 2.0)

torchfx-shaped modules, imported on first use: fxgraph.effect, fxgraph.filter
(classes generated from the node registry), fxgraph.realtime (RealtimeProcessor,
StreamProcessor, JackBackend, StreamConfig, …), fxgraph.nodes (every fxgraph node type).

Arrays are (channels, frames). float32 C-contiguous arrays are read without a copy;
float64, integers, other layouts and (frames,) mono are converted once; a torch CPU
tensor in gives a torch tensor out. The GIL is released while audio is processed.
"""

from fxgraph._fxgraph import Engine, Graph, process
from fxgraph.errors import (
    BackendNotAvailableError,
    BufferOverrunError,
    BufferUnderrunError,
    ConfigError,
    Error,
    GraphError,
    IoError,
    ParameterError,
    RealtimeError,
    StreamError,
)

__version__ = "0.1.0"


def chain(spec_or_effects):
    """A chain graph from a spec ("highpass(80) | gain(1.5)", the CLI's --chain
    language) or a list of effects; its nodes are named "0", "1", …"""
    return Graph.chain(spec_or_effects)


_SUBMODULES = ("effect", "filter", "nodes", "realtime")


def __getattr__(name):
    # Submodules load on first use, so `import fxgraph` stays fast.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"fxgraph.{name}")
    raise AttributeError(f"module 'fxgraph' has no attribute {name!r}")


__all__ = [
    "Engine",
    "Graph",
    "chain",
    "process",
    "Error",
    "GraphError",
    "ParameterError",
    "ConfigError",
    "IoError",
    "RealtimeError",
    "BackendNotAvailableError",
    "StreamError",
    "BufferOverrunError",
    "BufferUnderrunError",
]
