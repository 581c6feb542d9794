#pragma once
// Registration of the node types that live in io/ (memory, files, JACK).
#include "fxgraph/engine/node_registry.h"

namespace fxgraph {
void register_io_nodes(NodeRegistry& registry);
}
