#include "output_channels.h"

#include <memory>
#include <vector>

#include "fxgraph/io/file_nodes.h"
#include "fxgraph/nodes/routing/downmix.h"
#include "graph_files.h"

namespace fxgraph::cli {

Graph with_output_channels(const Graph& chain, std::uint32_t channels) {
  Graph graph = chain;
  const std::string id = unused_id(graph, "channels");
  graph.add(id, std::make_shared<DownmixNode>(channels));
  graph.connect(*chain.output(), Endpoint{id, ""});
  graph.set_output(Endpoint{id, ""});
  return graph;
}

void downmix_file_outputs(Graph& graph, std::uint32_t channels) {
  for (const auto& [out, node] : nodes_of<FileOutNode>(graph)) {
    std::vector<Edge> feeding;
    for (const Edge& edge : graph.edges())
      if (edge.to.node == out) feeding.push_back(edge);
    const std::string id = unused_id(graph, out + "_channels");
    graph.add(id, std::make_shared<DownmixNode>(channels));
    for (const Edge& edge : feeding) {
      graph.disconnect(edge.from.str(), edge.to.str());
      graph.connect(edge.from, Endpoint{id, ""});
    }
    graph.connect(Endpoint{id, ""}, Endpoint{out, ""});
  }
}

}  // namespace fxgraph::cli
