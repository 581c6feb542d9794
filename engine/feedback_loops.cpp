#include "fxgraph/engine/feedback_loops.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <set>

namespace fxgraph {

LoopLayout layout_loops(std::size_t vertices, const std::vector<std::size_t>& forward_order,
                        const std::vector<LoopEdge>& edges) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(vertices);
  for (const LoopEdge& e : edges) boost::add_edge(e.from, e.to, graph);
  std::vector<std::size_t> component(vertices);
  const std::size_t components =
      vertices == 0 ? 0 : boost::strong_components(graph, component.data());

  // Each component's members in forward order; its rank is its first member's place.
  std::vector<std::size_t> rank(vertices);
  for (std::size_t i = 0; i < forward_order.size(); ++i) rank[forward_order[i]] = i;
  std::vector<std::vector<std::size_t>> members(components);
  for (std::size_t v : forward_order) members[component[v]].push_back(v);

  // Kahn's algorithm over the components (the condensation is acyclic), taking the
  // ready component of lowest rank first.
  std::vector<std::size_t> pending(components, 0);
  std::vector<std::vector<std::size_t>> successors(components);
  std::vector<std::uint32_t> shortest(components, 0);
  for (const LoopEdge& e : edges) {
    const std::size_t a = component[e.from], b = component[e.to];
    if (a != b) {
      successors[a].push_back(b);
      ++pending[b];
    } else if (e.feedback != 0) {
      shortest[a] = shortest[a] == 0 ? e.feedback : std::min(shortest[a], e.feedback);
    }
  }
  std::set<std::pair<std::size_t, std::size_t>> ready;  // (rank, component)
  for (std::size_t c = 0; c < components; ++c)
    if (pending[c] == 0) ready.insert({rank[members[c].front()], c});

  LoopLayout layout;
  layout.loop_of.assign(vertices, LoopLayout::kNoLoop);
  while (!ready.empty()) {
    const std::size_t c = ready.begin()->second;
    ready.erase(ready.begin());
    if (shortest[c] != 0) {
      layout.loops.push_back({layout.order.size(), members[c].size(), shortest[c]});
      for (std::size_t v : members[c]) layout.loop_of[v] = std::uint32_t(layout.loops.size() - 1);
    }
    layout.order.insert(layout.order.end(), members[c].begin(), members[c].end());
    for (std::size_t next : successors[c])
      if (--pending[next] == 0) ready.insert({rank[members[next].front()], next});
  }
  return layout;
}

}  // namespace fxgraph
