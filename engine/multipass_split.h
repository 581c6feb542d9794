#pragma once
// Cutting a graph at its first multi-pass node, so offline drivers run the upstream
// DSP once instead of once per pass.
//
// Aims
//   A multi-pass node M (engine/multipass.h) needs the whole signal measured before the
//   pass that writes. Without help, every pass pushes the signal through the entire
//   graph, so everything upstream of M runs two (or more) times. If the signal arriving
//   at M's input is stored during M's measuring pass, the later passes only need M and
//   what lies after it, fed from that stored signal.
//
// When it is safe (all must hold, else no split and drivers keep running everything
// per pass — correct first):
//   - M is the first multi-pass node in execution order (so nothing upstream of it
//     changes between passes), with one input port and one output port;
//   - M has at least one ancestor (otherwise there is nothing to save);
//   - the ancestors of M feed nothing but each other and M: no side branch leaves the
//     upstream part, so the stored signal is all the downstream part needs of it;
//   - the external input (Graph::set_input), if any, enters at an ancestor of M, and the
//     external output (Graph::set_output), if any, is not an ancestor of M.
//   A chain (Graph::chain) with M not first always qualifies.
//
// What the split promises: running `upstream` (M measuring: its output equals its
// input, per the MultiPassNode contract) gives exactly the float signal M receives in
// the whole graph; feeding that signal to `downstream`'s external input gives M the same
// input, hence the same output as the whole graph, bit for bit. Both graphs share the
// original nodes (M is in both), and each node is prepared with the same channel counts
// as in the whole graph.

#include <optional>
#include <string>
#include <vector>

#include "fxgraph/engine/graph.h"

namespace fxgraph {

struct MultiPassSplit {
  std::string node;  ///< M's id
  /// M's ancestors and M, with the original external input; its external output is M.
  Graph upstream;
  /// M and every node that is not its ancestor, with the original external output;
  /// its external input feeds M's input port.
  Graph downstream;
};

/// The split at the first multi-pass node of `graph` in `order` (the engine's execution
/// order, Engine::order()), or nullopt when a split is not provably safe (see above).
std::optional<MultiPassSplit> split_at_first_multipass(const Graph& graph,
                                                       const std::vector<std::string>& order);

}  // namespace fxgraph
