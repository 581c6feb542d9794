#pragma once
// The node registry: type name → factory, options and parameter table.
//
// YAML files, the CLI's --chain and `fxgraph nodes` all build nodes through here, so a
// type is described once. A node's settings come in a NodeOptions map: keys that
// name one of its parameters set that parameter's initial value (numbers, or names
// for choice parameters); the remaining keys are construction options (channels, a
// file path, FIR taps) that the factory reads. A key that is neither is an error
// listing what the type accepts.

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

/// A setting's value as written in YAML or on the command line.
using OptionValue = std::variant<double, std::string, std::vector<double>>;

/// Named settings for one node, with typed getters that name the node in errors.
class NodeOptions {
 public:
  NodeOptions() = default;
  explicit NodeOptions(std::map<std::string, OptionValue> values, std::string where = "")
      : values_(std::move(values)), where_(std::move(where)) {}

  void set(const std::string& key, OptionValue value) { values_[key] = std::move(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, OptionValue>& values() const noexcept { return values_; }
  /// Context for messages, e.g. "node 'drive' in graph.yaml:12:5".
  const std::string& where() const noexcept { return where_; }
  void set_where(std::string where) { where_ = std::move(where); }

  /// Typed reads; each marks the key used. Throw ConfigError (its key set) on a wrong type.
  double number(const std::string& key, double fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  std::vector<double> numbers(const std::string& key) const;
  /// A whole number in [lo, hi] (throws ConfigError naming the range otherwise).
  long integer(const std::string& key, long fallback, long lo, long hi) const;

  /// Keys not read by the factory yet.
  std::vector<std::string> unused() const;
  void mark_used(const std::string& key) const { used_.insert(key); }

 private:
  std::string context(const std::string& key) const;
  std::map<std::string, OptionValue> values_;
  std::string where_;
  mutable std::set<std::string> used_;
};

/// A construction option (not a parameter), for `fxgraph nodes`.
struct OptionSpec {
  std::string name;
  std::string description;
  std::string default_text;
};

struct NodeType {
  std::string name;
  std::vector<std::string> aliases;  ///< other names of the same type (e.g. Freeverb)
  std::string summary;
  std::vector<OptionSpec> options;
  std::function<std::shared_ptr<Node>(const NodeOptions&)> factory;
  /// Settings that build a working node when the defaults do not (FIR taps, a file
  /// path): shown by `fxgraph nodes TYPE`, and used by the node conformance test, which
  /// creates the files an example names. Empty when the defaults suffice.
  std::map<std::string, OptionValue> example = {};
  /// Groups of settings that are views of one value (`gain` and `gain_db`): a node may
  /// be given one of each group; create() refuses two, naming both, rather than let
  /// one silently win.
  std::vector<std::vector<std::string>> exclusive = {};
  /// For a type named after a torchfx class and faithful to it (its parameter names,
  /// defaults, units and results): the torchfx module the class lives in ("effect",
  /// "filter"), so the Python package can expose it as fxgraph.<module>.<name>. Empty
  /// for fxgraph's own types.
  std::string torchfx_module = {};
};

class NodeRegistry {
 public:
  void add(NodeType type);
  /// The type with this name or alias; nullptr when unknown.
  const NodeType* find(const std::string& name) const;
  /// Builds a node: the factory reads its options, the rest set parameters. Throws
  /// ConfigError (unknown type with close matches, unknown key listing valid ones) or
  /// ParameterError (bad value). The error's key names the setting at fault ("type" for
  /// an unknown type; KeyPart::name for an unknown setting); it has no node id, which
  /// only the caller knows.
  std::shared_ptr<Node> create(const std::string& type, const NodeOptions& options) const;
  /// Type names (not aliases), sorted.
  std::vector<std::string> names() const;
  /// Names and aliases close to `name` (edit distance), best first.
  std::vector<std::string> close_matches(const std::string& name) const;
  /// The parameter table of a type (built from a default node, or from the type's
  /// example settings when the defaults cannot build one).
  std::vector<ParameterSpec> parameters_of(const std::string& type) const;

 private:
  std::vector<NodeType> types_;
};

}  // namespace fxgraph
