#pragma once
// What nodes/ exports to the catalog: one function per family of built-in node types.
// graphs/catalog.h combines them with io/ (register_io_nodes) and, later, plugin hosts.
// A new node type adds one line to its family's register_* function.

#include "fxgraph/engine/node_registry.h"

namespace fxgraph {

/// Every node type of nodes/: the families below plus gain, normalize, filterbank,
/// generators and routing.
void register_dsp_nodes(NodeRegistry& registry);
/// Filters (nodes/filters).
void register_filter_nodes(NodeRegistry& registry);
/// Delay, echo, reverb (nodes/effects).
void register_effect_nodes(NodeRegistry& registry);
/// Types named after torchfx classes and faithful to them (nodes/torchfx), each with
/// NodeType::torchfx_module set.
void register_torchfx_nodes(NodeRegistry& registry);

}  // namespace fxgraph
