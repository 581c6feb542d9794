#pragma once
// Registration of the node types that live in io/ (memory, files, JACK).
#include "nodes/registry.h"

namespace fxgraph {
void register_io_nodes(NodeRegistry& registry);
}
