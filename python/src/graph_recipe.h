#pragma once
// GraphRecipe: what a Python `fxgraph.Graph` holds — how to build a graph, not the
// nodes themselves. Every Engine, RealtimeProcessor or StreamProcessor made from one
// recipe builds nodes of its own, so two engines built from the same Graph (or the same
// effect objects) never share filter state, and may run on two threads at once.
//
// A recipe comes from node specs (the effect classes), a chain spec ("highpass(80) |
// gain(1.5)", read exactly as `fxgraph process --chain` reads it) or YAML (a file or
// text). Each is built once when the recipe is made, so mistakes surface there.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::python {

/// One node as the effect classes describe it: a registry type and its settings.
struct NodeSpec {
  std::string type;   ///< the registry name or alias as given ("Gain", "highpass")
  std::string label;  ///< for messages and repr: "Gain(gain=1.5)"
  std::map<std::string, OptionValue> settings;

  /// A fresh node (throws ConfigError/ParameterError as the CLI reports them).
  std::shared_ptr<Node> create() const;
};

class GraphRecipe {
 public:
  static GraphRecipe from_specs(std::vector<NodeSpec> specs);
  static GraphRecipe from_chain_spec(const std::string& spec);
  static GraphRecipe from_yaml_file(const std::string& path);
  static GraphRecipe from_yaml_text(const std::string& text);

  /// A graph with nodes of its own.
  Graph build() const { return build_(); }
  /// One line per node and edge, for repr().
  const std::string& description() const noexcept { return description_; }
  /// `sample_rate:` / `block_size:` of a YAML document.
  std::optional<double> sample_rate;
  std::optional<std::uint32_t> block_size;
  /// The effect specs of a recipe made from specs (empty otherwise).
  const std::vector<NodeSpec>& specs() const noexcept { return specs_; }

 private:
  explicit GraphRecipe(std::function<Graph()> build);
  std::function<Graph()> build_;
  std::string description_;
  std::vector<NodeSpec> specs_;
};

/// "a: gain(gain=1.5)" lines and "a -> b" edges of a built graph; a feedback edge
/// carries its delay as in YAML: "fb -> sum:1: {feedback: 109}".
std::string describe_graph(const Graph& graph);

}  // namespace fxgraph::python
