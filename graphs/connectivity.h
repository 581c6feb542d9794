#pragma once
// Is every node of a graph part of the signal path? A node that reaches no output
// computes audio nobody hears; an output (or any node with inputs) that nothing reaches
// plays silence. Both are almost always a forgotten edge, so the YAML loader refuses
// them — unless the graph marks the node as deliberately unconnected (`unconnected: ok`
// in its settings, e.g. a node kept for a later edit or a meter-like node whose value is
// read through its parameters).
//
// Ends of the signal path: nodes without input ports (generators, file_in), jack_in
// and the graph's external input start it; nodes without output ports (file_out,
// memory_out), jack_out and the graph's external output end it. A node marked unconnected counts
// as both, so the nodes feeding or fed by it are not blamed for it.

#include <optional>
#include <set>
#include <string>

#include "fxgraph/engine/graph.h"

namespace fxgraph {

/// What is wrong with a node's place in the graph.
enum class Disconnection {
  reaches_no_output,  ///< nothing downstream of it is an output
  nothing_reaches_it  ///< nothing upstream of it is a source
};

struct UnconnectedNode {
  std::string id;
  Disconnection problem;
};

/// The first node (in Graph::ids() order) that is not on a path from a source to an
/// output, skipping the `allowed` ids; nullopt when every node is.
std::optional<UnconnectedNode> find_unconnected_node(const Graph& graph,
                                                     const std::set<std::string>& allowed);

}  // namespace fxgraph
