#pragma once
// Runs the measuring passes a graph's multi-pass nodes need (engine/multipass.h).
#include <functional>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/multipass.h"

namespace fxgraph {

/// The graph's multi-pass nodes, in the engine's execution order.
std::vector<MultiPassNode*> multipass_nodes(const Engine& engine, const Graph& graph);

/// For each multi-pass node in order: puts it in measure mode (earlier ones apply,
/// later ones pass through), requests a state reset and calls `run_pass`, which must
/// rewind its sources and push the whole signal through `engine` without writing
/// anything; then finishes the measurement. Leaves every node in apply mode, with a
/// reset requested, ready for the pass that writes. Does nothing without such nodes.
/// Nodes in `measured` were measured by the caller — a driver that measured M while
/// storing its input (engine/multipass_split.h) — so they apply in every pass and get
/// no pass of their own.
void run_measurement_passes(Engine& engine, const Graph& graph,
                            const std::function<void()>& run_pass,
                            const std::vector<MultiPassNode*>& measured = {});

}  // namespace fxgraph
