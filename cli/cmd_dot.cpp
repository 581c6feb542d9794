// `fxgraph dot GRAPH.yaml`: the graph as Graphviz, written by Boost.Graph. The audio
// files the graph names need not exist.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "graph_files.h"

namespace fxgraph::cli {

namespace {

struct DotOptions {
  std::string graph;
  std::string output;
};

struct VertexLabel {
  std::string label;
};
struct EdgeLabel {
  std::string label;
  bool feedback = false;  ///< drawn dashed
};
// bidirectionalS keeps one list of all edges, which edges() walks directly; directedS
// walks out-edge lists through an iterator GCC 12 wrongly flags as maybe-uninitialized.
using DotGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexLabel, EdgeLabel>;

/// Writes `[label=…]` only for edges whose ports were named, so plain edges stay plain;
/// a feedback edge is dashed and labelled with its delay.
class EdgeWriter {
 public:
  explicit EdgeWriter(const DotGraph& graph) : graph_(&graph) {}
  template <class Edge>
  void operator()(std::ostream& out, const Edge& edge) const {
    const EdgeLabel& e = (*graph_)[edge];
    if (e.label.empty() && !e.feedback) return;
    out << "[";
    if (!e.label.empty()) out << "label=" << boost::escape_dot_string(e.label);
    if (e.feedback) out << (e.label.empty() ? "" : ",") << "style=dashed,constraint=false";
    out << "]";
  }

 private:
  const DotGraph* graph_;
};

struct GraphAttributes {
  std::string name;
  void operator()(std::ostream& out) const {
    out << "rankdir=LR;\n";
    if (!name.empty()) out << "label=" << boost::escape_dot_string(name) << ";\n";
    out << "node [shape=box];\n";
  }
};

/// The port an endpoint names, spelled as the node names it ("" → its first port).
std::string port_name(const Graph& graph, const Endpoint& end, PortDirection direction) {
  if (!graph.contains(end.node)) return end.port;
  const Node& node = graph.node(end.node);
  const auto& ports = direction == PortDirection::output ? node.output_ports() : node.input_ports();
  const int index = resolve_port(node, end.port, direction);
  return index >= 0 ? ports[std::size_t(index)].name : end.port;
}

std::string to_dot(const GraphDocument& document) {
  const Graph& graph = document.graph;
  DotGraph dot;
  std::map<std::string, DotGraph::vertex_descriptor> vertex_of;
  for (const std::string& id : graph.ids())
    // "\n" is Graphviz's own line break inside a label: backslash and n, not a newline.
    vertex_of[id] = boost::add_vertex(VertexLabel{id + "\\n" + graph.node(id).type()}, dot);
  for (const Edge& edge : graph.edges()) {
    if (!vertex_of.count(edge.from.node) || !vertex_of.count(edge.to.node)) continue;
    std::string label;
    if (!edge.from.port.empty() || !edge.to.port.empty())
      label = port_name(graph, edge.from, PortDirection::output) + "->" +
              port_name(graph, edge.to, PortDirection::input);
    if (edge.is_feedback())
      label += (label.empty() ? "" : " ") + std::string("z^-") + std::to_string(edge.feedback);
    boost::add_edge(vertex_of[edge.from.node], vertex_of[edge.to.node],
                    EdgeLabel{label, edge.is_feedback()}, dot);
  }
  std::ostringstream out;
  boost::write_graphviz(out, dot, boost::make_label_writer(boost::get(&VertexLabel::label, dot)),
                        EdgeWriter(dot), GraphAttributes{document.name});
  return out.str();
}

void run(const DotOptions& options) {
  // The drawing needs the graph's shape only: absent input files are stand-ins.
  const std::string text = to_dot(
      load_graph_file(options.graph, file_registry(FileOverrides{}, MissingInputs::stand_in)));
  if (options.output.empty() || options.output == "-") {
    std::cout << text;
    return;
  }
  std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
  if (!file) throw UsageError("cannot write '" + options.output + "': " + std::strerror(errno));
  file << text;
  file.close();
  if (!file) throw RuntimeFailure("writing '" + options.output + "' failed");
}

}  // namespace

Command add_dot_command(CLI::App& app) {
  auto options = std::make_shared<DotOptions>();
  CLI::App* sub = app.add_subcommand("dot", "Write a YAML graph as Graphviz DOT");
  sub->add_option("graph", options->graph, "the graph file (.yaml)")->required();
  sub->add_option("-o,--output", options->output, "write to this file instead of stdout");
  sub->footer(
      "Nodes are labelled with their id and type, edges with their ports when the graph\n"
      "names them. Feedback edges (`- a -> b: {feedback: 441}`) are dashed and labelled\n"
      "with their delay (z^-441).\n"
      "\n"
      "Examples:\n"
      "  fxgraph dot graphs/demo.yaml | dot -Tsvg -o demo.svg\n"
      "  fxgraph dot graphs/demo.yaml -o demo.dot");
  return {sub, [options] { run(*options); }};
}

}  // namespace fxgraph::cli
