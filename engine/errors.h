#pragma once
// The exceptions fxgraph throws. Errors are exceptions at the edges (construction,
// compile, file open, parameter set); on the audio thread they become counters and
// states instead, never exceptions.
//
// Errors carry data, not only sentences
//   Besides its message (what()), every Error carries an ErrorContext: the node id,
//   edge, parameter or setting key and source location it is about, each filled where
//   the thrower knows it. A later layer reads those fields instead of parsing the
//   message: the YAML loader turns node, edge and key into `file:line:col`, a CLI
//   could highlight the node. Throw with the fields you know:
//
//     throw GraphError("duplicate node id '" + id + "'", {.node = id});
//     throw ConfigError("unknown setting 'gian' …", {.key = "gian", .key_part = KeyPart::name});
//
//   A layer that catches an error and knows more fills the missing fields and rethrows
//   the same object, so its type survives:
//
//     catch (Error& e) { e.add_context({.node = id}); throw; }
//
// Copies share nothing mutable (the fields are copied on write), and copying an Error
// never throws, as the standard asks of exception types.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fxgraph {

/// A place in a source text (a YAML file, a command line). Line and column are
/// 1-based; 0 means unknown (then only the file is known).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", or "file" when the line is unknown.
  std::string str() const;
  bool operator==(const SourceLocation&) const = default;
};

/// Which half of a `key: value` setting an error blames.
enum class KeyPart : std::uint8_t {
  value,  ///< the value is wrong (out of range, wrong kind, unknown type name)
  name,   ///< the key itself is wrong (unknown setting or parameter)
};

/// What an error is about. Every field is optional: empty means "not known here".
struct ErrorContext {
  std::string node;  ///< node id, e.g. "drive"
  std::string edge;  ///< an edge as Edge::str() writes it, e.g. "a -> mix:1"
  /// A parameter or setting name ("gain", "type", "channels"). With `node` it is that
  /// node's setting; without, a setting of the whole graph (e.g. "input").
  std::string key;
  KeyPart key_part = KeyPart::value;  ///< meaningful only with `key`
  SourceLocation location;            ///< empty file: no location

  bool has_location() const noexcept { return !location.file.empty(); }
  bool operator==(const ErrorContext&) const = default;
};

/// Base of every fxgraph exception, so callers can catch them all at once.
class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, ErrorContext context = {});

  /// The human message, e.g. "graph.yaml:4:3: the graph has a cycle: a -> b -> a".
  const char* what() const noexcept override;
  const ErrorContext& context() const noexcept;

  /// Fills the fields that are still empty from `more`; fields already set win, since
  /// they were set closer to the cause. KeyPart travels with its key. The message is
  /// left as it is.
  void add_context(const ErrorContext& more);
  /// Points the error at `location` and prefixes the message with "file:line:col: "
  /// (or "file: " when the line is unknown). Does nothing when the error already has a
  /// location: the first one is the closest to the cause.
  void locate_at(SourceLocation location);
  /// Prepends `prefix` to the message, e.g. "node 'drive' (gain): ".
  void prefix_message(std::string_view prefix);

 private:
  struct Details {
    std::string message;
    ErrorContext context;
  };
  Details& writable();

  std::shared_ptr<const Details> details_;  // shared between copies until written
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
