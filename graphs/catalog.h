#pragma once
// The catalog of every built-in node type: nodes/ (DSP) and io/ (memory, files, JACK).
#include "fxgraph/engine/node_registry.h"

namespace fxgraph {
/// The registry YAML graphs, the CLI and `fxgraph nodes` use. Built once, thread-safe.
const NodeRegistry& builtin_registry();
}  // namespace fxgraph
