"""fxgraph's exceptions, one class per C++ error class (engine/errors.h).

Every error carries what it is about, where known: ``node``, ``edge``, ``key`` (a
parameter or setting name) and ``location`` ("graph.yaml:4:3"), else None.

    Error
    ├── GraphError                 a graph that cannot be built or compiled
    ├── ParameterError (ValueError) a bad parameter path or value
    ├── ConfigError (ValueError)   a bad node setting, stream config or chain spec
    ├── IoError (OSError)          a file that cannot be read or written
    └── RealtimeError              live processing (torchfx's names below)
        ├── BackendNotAvailableError  e.g. no JACK server runs
        ├── StreamError               the stream failed or was lost
        ├── BufferOverrunError        a ring buffer write found no room
        └── BufferUnderrunError       a ring buffer read found too little data
"""


class Error(Exception):
    """Base of every fxgraph error."""

    node = None
    edge = None
    key = None
    location = None


class GraphError(Error):
    """A graph that cannot be built or compiled (unknown node or port, cycle, …)."""


class ParameterError(Error, ValueError):
    """A bad parameter path ("node.param", the message lists valid names) or value."""


class ConfigError(Error, ValueError):
    """A bad setting when building a node, a stream config or a chain spec."""


class IoError(Error, OSError):
    """A file that cannot be opened, read or written."""


class RealtimeError(Error):
    """Base of the live-processing errors."""


class BackendNotAvailableError(RealtimeError):
    """The audio backend is not there (e.g. no JACK server runs)."""


class StreamError(RealtimeError):
    """The stream failed or was lost (e.g. the JACK server shut down)."""


class BufferOverrunError(RealtimeError):
    """A ring buffer write found no room (policy "error")."""


class BufferUnderrunError(RealtimeError):
    """A ring buffer read found too little data (policy "error")."""


__all__ = [
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
