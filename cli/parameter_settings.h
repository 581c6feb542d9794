#pragma once
// Parameter values given on the command line before a graph runs: `--set node.param=value`
// (repeatable) and `--params FILE`, a YAML map of path → value — the same paths
// Engine::set_parameter takes, and the format a session's presets will use:
//
//     drive.gain_db: -6
//     lp.cutoff: 4000
//     hp.window: hann        # choice parameters take their names
//
// Both validate like Engine::set_parameter (unknown node or parameter listing the valid
// ones, value range) and set the value the node starts with.

#include <string>

#include "fxgraph/engine/graph.h"

namespace fxgraph::cli {

/// Applies one `--set node.param=value`. Throws UsageError (syntax) or ParameterError
/// (prefixed with the option).
void apply_set(Graph& graph, const std::string& assignment);

/// Applies every entry of the YAML file at `path`, in file order. Throws UsageError when
/// the file cannot be read or is not a map, and ParameterError at the entry's
/// file:line:col (the key for an unknown path, the value for a bad value).
void apply_params_file(Graph& graph, const std::string& path);

}  // namespace fxgraph::cli
