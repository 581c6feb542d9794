#include "fxgraph/batch/graph_recipe.h"

#include <memory>
#include <string_view>
#include <utility>

#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/file_nodes.h"

namespace fxgraph {

namespace {

bool is_endpoint_node(std::string_view type) {
  return type == FileInNode::kType || type == FileOutNode::kType || type == "jack_in" ||
         type == "jack_out";
}

/// The loaded document's checks: the batch's own, then connectivity (located in the YAML).
void check_document(const GraphDocument& document, const std::string& name) {
  check_batch_graph(document.graph, name);
  check_connected(document);
}

}  // namespace

void check_batch_graph(const Graph& graph, const std::string& name) {
  for (const std::string& id : graph.ids())
    if (is_endpoint_node(graph.node(id).type()))
      throw GraphError(name + ": node '" + id + "' is a " + graph.node(id).type() +
                           " node; a batch graph takes its audio from the batch's files (use "
                           "`chain:`, or `input:` and `output:`, without file or JACK nodes)",
                       {.node = id});
  if (!graph.input() || !graph.output())
    throw GraphError(name +
                     " has no external input and output: a batch graph needs `chain:`, or "
                     "`input:` and `output:`");
}

GraphRecipe GraphRecipe::from_yaml_text(std::string yaml, std::string name) {
  check_document(load_graph_string(yaml, name), name);
  auto text = std::make_shared<const std::string>(std::move(yaml));
  return {name, [text, name] { return load_graph_string(*text, name).graph; }};
}

GraphRecipe GraphRecipe::from_yaml_file(const std::string& path) {
  check_document(load_graph_file(path), path);
  return {path, [path] { return load_graph_file(path).graph; }};
}

GraphRecipe GraphRecipe::from_function(std::string name, std::function<Graph()> build) {
  check_batch_graph(build(), name);
  return {std::move(name), std::move(build)};
}

}  // namespace fxgraph
