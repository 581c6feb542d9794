#include "graph_recipe.h"

#include <sstream>

#include "chain_spec.h"
#include "cli_support.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace fxgraph::python {

std::shared_ptr<Node> NodeSpec::create() const {
  return builtin_registry().create(type, NodeOptions(settings, label));
}

GraphRecipe::GraphRecipe(std::function<Graph()> build) : build_(std::move(build)) {
  description_ = describe_graph(build_());  // builds once: errors surface here
}

GraphRecipe GraphRecipe::from_specs(std::vector<NodeSpec> specs) {
  GraphRecipe recipe([specs] {
    std::vector<std::shared_ptr<Node>> nodes;
    for (const NodeSpec& spec : specs) nodes.push_back(spec.create());
    return Graph::chain(std::move(nodes));
  });
  recipe.specs_ = std::move(specs);
  return recipe;
}

GraphRecipe GraphRecipe::from_chain_spec(const std::string& spec) {
  return GraphRecipe([spec] { return cli::build_chain(spec, builtin_registry(), "chain"); });
}

GraphRecipe GraphRecipe::from_yaml_file(const std::string& path) {
  const GraphDocument document = load_graph_file(path);
  GraphRecipe recipe([path] { return load_graph_file(path).graph; });
  recipe.sample_rate = document.sample_rate;
  recipe.block_size = document.block_size;
  return recipe;
}

GraphRecipe GraphRecipe::from_yaml_text(const std::string& text) {
  const GraphDocument document = load_graph_string(text, "<yaml>");
  GraphRecipe recipe([text] { return load_graph_string(text, "<yaml>").graph; });
  recipe.sample_rate = document.sample_rate;
  recipe.block_size = document.block_size;
  return recipe;
}

std::string describe_graph(const Graph& graph) {
  std::ostringstream out;
  for (const std::string& id : graph.ids()) {
    const Node& node = graph.node(id);
    out << "  " << id << ": " << node.type() << "(";
    const auto& specs = node.parameters();
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const double value = node.requested_value(i);
      out << (i ? ", " : "") << specs[i].name << "=";
      if (specs[i].kind == ParameterKind::choice && value >= 0 &&
          static_cast<std::size_t>(value) < specs[i].choices.size())
        out << specs[i].choices[static_cast<std::size_t>(value)];
      else
        out << cli::format_number(value);
    }
    out << ")\n";
  }
  for (const Edge& edge : graph.edges()) {
    out << "  " << edge.str();
    // As a YAML edge writes it, so the line can be pasted into a graph file.
    if (edge.is_feedback()) out << ": {feedback: " << edge.feedback << "}";
    out << "\n";
  }
  if (graph.input()) out << "  input: " << graph.input()->str() << "\n";
  if (graph.output()) out << "  output: " << graph.output()->str() << "\n";
  return out.str();
}

}  // namespace fxgraph::python
