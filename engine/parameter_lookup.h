#pragma once
// Finding a parameter of a graph by its path ("node.param"), with the messages every
// caller gives: an unknown node lists the graph's nodes, an unknown parameter the
// node's parameters (and meters), a meter says it cannot be set. Control threads.

#include <cstddef>
#include <string_view>

#include "fxgraph/engine/graph.h"

namespace fxgraph {

struct ParameterLookup {
  Node* node = nullptr;
  std::size_t index = 0;
};

/// The node and parameter index `path` names in `graph`. Throws ParameterError (with
/// its node and key fields set) when there is none.
ParameterLookup find_parameter(const Graph& graph, std::string_view path);

}  // namespace fxgraph
