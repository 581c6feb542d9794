#pragma once
// The exceptions fxgraph throws. Errors are exceptions at the edges (construction,
// compile, file open, parameter set); on the audio thread they become counters and
// states instead, never exceptions.

#include <stdexcept>
#include <string>

namespace fxgraph {

/// Base of every fxgraph exception, so callers can catch them all at once.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A graph that cannot be built or compiled: unknown node or port, duplicate id,
/// cycle (the message lists it), channel mismatch (names the edge and both counts).
class GraphError : public Error {
 public:
  using Error::Error;
};

/// A bad parameter path ("node.param") or value (out of range, NaN, infinite).
class ParameterError : public Error {
 public:
  using Error::Error;
};

/// A bad option when building a node (unknown key, wrong type, bad value).
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// File input/output failures (open, read, write, format).
class IoError : public Error {
 public:
  using Error::Error;
};

/// Realtime processing errors (torchfx's names).
class RealtimeError : public Error {
 public:
  using Error::Error;
};
/// The audio backend (e.g. a JACK server) is not there.
class BackendNotAvailableError : public RealtimeError {
 public:
  using RealtimeError::RealtimeError;
};
/// The stream failed or was lost (e.g. the JACK server shut down).
class StreamError : public RealtimeError {
 public:
  using RealtimeError::RealtimeError;
};
/// A ring buffer write found no room (policy: throw).
class BufferOverrunError : public RealtimeError {
 public:
  using RealtimeError::RealtimeError;
};
/// A ring buffer read found too little data (policy: throw).
class BufferUnderrunError : public RealtimeError {
 public:
  using RealtimeError::RealtimeError;
};

}  // namespace fxgraph
