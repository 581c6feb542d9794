#include "fxgraph/graphs/connectivity.h"

#include <map>
#include <vector>

#include "fxgraph/io/jack_nodes.h"

namespace fxgraph {

namespace {

/// Every id reachable from `start` along `next` (an adjacency list), `start` included.
std::set<std::string> reachable(const std::vector<std::string>& start,
                                const std::map<std::string, std::vector<std::string>>& next) {
  std::set<std::string> seen(start.begin(), start.end());
  std::vector<std::string> pending = start;
  while (!pending.empty()) {
    const std::string id = pending.back();
    pending.pop_back();
    const auto found = next.find(id);
    if (found == next.end()) continue;
    for (const std::string& to : found->second)
      if (seen.insert(to).second) pending.push_back(to);
  }
  return seen;
}

}  // namespace

std::optional<UnconnectedNode> find_unconnected_node(const Graph& graph,
                                                     const std::set<std::string>& allowed) {
  std::map<std::string, std::vector<std::string>> downstream, upstream;
  for (const Edge& edge : graph.edges()) {
    downstream[edge.from.node].push_back(edge.to.node);
    upstream[edge.to.node].push_back(edge.from.node);
  }
  std::vector<std::string> sources(allowed.begin(), allowed.end());
  std::vector<std::string> outputs(allowed.begin(), allowed.end());
  for (const std::string& id : graph.ids()) {
    const Node& node = graph.node(id);
    // JACK port nodes pass audio through, so they have both kinds of port, but they are
    // where the graph meets the outside world.
    const auto* jack = dynamic_cast<const JackPortNode*>(&node);
    if (node.input_ports().empty() ||
        (jack && jack->direction() == JackPortNode::Direction::capture))
      sources.push_back(id);
    if (node.output_ports().empty() ||
        (jack && jack->direction() == JackPortNode::Direction::playback))
      outputs.push_back(id);
  }
  if (graph.input()) sources.push_back(graph.input()->node);
  if (graph.output()) outputs.push_back(graph.output()->node);

  const std::set<std::string> fed = reachable(sources, downstream);
  const std::set<std::string> heard = reachable(outputs, upstream);
  for (const std::string& id : graph.ids()) {
    if (allowed.count(id)) continue;
    if (!heard.count(id)) return UnconnectedNode{id, Disconnection::reaches_no_output};
    if (!fed.count(id)) return UnconnectedNode{id, Disconnection::nothing_reaches_it};
  }
  return std::nullopt;
}

}  // namespace fxgraph
