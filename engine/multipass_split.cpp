#include "fxgraph/engine/multipass_split.h"

#include <unordered_set>

#include "fxgraph/engine/multipass.h"

namespace fxgraph {

namespace {
/// Every node with a path to `target` (edges are checked by the compiler already).
std::unordered_set<std::string> ancestors_of(const Graph& graph, const std::string& target) {
  std::unordered_set<std::string> found;
  std::vector<std::string> pending{target};
  while (!pending.empty()) {
    const std::string id = pending.back();
    pending.pop_back();
    for (const Edge& e : graph.edges())
      if (e.to.node == id && found.insert(e.from.node).second) pending.push_back(e.from.node);
  }
  return found;
}
}  // namespace

std::optional<MultiPassSplit> split_at_first_multipass(const Graph& graph,
                                                       const std::vector<std::string>& order) {
  std::string m;
  for (const auto& id : order)
    if (dynamic_cast<MultiPassNode*>(&graph.node(id))) {
      m = id;
      break;
    }
  if (m.empty()) return std::nullopt;
  const Node& node = graph.node(m);
  if (node.input_ports().size() != 1 || node.output_ports().size() != 1) return std::nullopt;

  const auto upstream = ancestors_of(graph, m);
  if (upstream.empty() || upstream.count(m)) return std::nullopt;  // nothing to save; a cycle
  for (const Edge& e : graph.edges())
    if (upstream.count(e.from.node) && !upstream.count(e.to.node) && e.to.node != m)
      return std::nullopt;  // a side branch leaves the upstream part
  if (graph.input() && !upstream.count(graph.input()->node)) return std::nullopt;
  if (graph.output() && upstream.count(graph.output()->node)) return std::nullopt;

  MultiPassSplit split{m, {}, {}};
  for (const auto& id : graph.ids()) {
    if (upstream.count(id) || id == m) split.upstream.add(id, graph.node_ptr(id));
    if (!upstream.count(id)) split.downstream.add(id, graph.node_ptr(id));
  }
  for (const Edge& e : graph.edges())
    (upstream.count(e.from.node) ? split.upstream : split.downstream).connect(e);
  if (graph.input()) split.upstream.set_input(*graph.input());
  split.upstream.set_output({m, ""});
  split.downstream.set_input({m, ""});
  if (graph.output()) split.downstream.set_output(*graph.output());
  return split;
}

}  // namespace fxgraph
