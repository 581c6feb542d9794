#pragma once
// `--channels N` of run and process: a downmix node (nodes/routing/downmix.h) in front
// of what is written, so the output has N channels whatever the graph produces.

#include <cstdint>

#include "fxgraph/engine/graph.h"

namespace fxgraph::cli {

/// The chain (a graph with an external output) followed by a downmix to `channels`.
Graph with_output_channels(const Graph& chain, std::uint32_t channels);

/// A downmix to `channels` in front of every file_out of `graph`.
void downmix_file_outputs(Graph& graph, std::uint32_t channels);

}  // namespace fxgraph::cli
