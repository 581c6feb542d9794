#pragma once
// The tail of a whole graph: how long its outputs keep sounding after its inputs stop.
//
// A signal crosses the graph along paths; along one path each node's tail adds to the
// tails before it (a reverb after a delay rings out after the last echo). The graph's
// tail is the longest such sum over every path, its quiet gap likewise. Unbounded
// tails stay unbounded (the sums saturate). A feedback edge makes its destination's
// tail unbounded (a loop rings as long as its gain allows), its quiet gap at least
// the edge's delay.

#include <string>
#include <vector>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

/// The longest path sum of the nodes' tails. `order` is the run order of the
/// graph's node ids (Engine::order()); the nodes must be prepared. Control thread.
Tail graph_tail(const Graph& graph, const std::vector<std::string>& order);

}  // namespace fxgraph
