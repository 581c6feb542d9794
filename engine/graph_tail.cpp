#include "fxgraph/engine/graph_tail.h"

#include <algorithm>
#include <map>

namespace fxgraph {

namespace {
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > Tail::kUnbounded - b ? Tail::kUnbounded : a + b;
}
}  // namespace

Tail graph_tail(const Graph& graph, const std::vector<std::string>& order) {
  std::map<std::string, Tail> through;  // the longest tail of a path ending at the node
  Tail longest;
  for (const std::string& id : order) {
    Tail before;
    for (const Edge& edge : graph.edges()) {
      if (edge.to.node != id) continue;
      if (edge.is_feedback()) {
        // A loop rings for as long as its gain lets it, which nothing here knows; it
        // may sound again a feedback delay after a quiet stretch.
        before.frames = Tail::kUnbounded;
        before.quiet_gap = std::max<std::uint64_t>(before.quiet_gap, edge.feedback);
        continue;
      }
      const auto found = through.find(edge.from.node);
      if (found == through.end()) continue;
      before.frames = std::max(before.frames, found->second.frames);
      before.quiet_gap = std::max(before.quiet_gap, found->second.quiet_gap);
    }
    const Tail own = graph.node(id).tail();
    const Tail path{saturating_add(before.frames, own.frames),
                    saturating_add(before.quiet_gap, own.quiet_gap)};
    through[id] = path;
    longest.frames = std::max(longest.frames, path.frames);
    longest.quiet_gap = std::max(longest.quiet_gap, path.quiet_gap);
  }
  return longest;
}

}  // namespace fxgraph
