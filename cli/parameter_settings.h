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
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph.h"

namespace fxgraph::cli {

/// One `path: value` entry of a parameter file and where its two halves stand.
struct ParameterFileEntry {
  std::string path;   ///< "node.param", syntax checked
  std::string value;  ///< the value's text: a number, or a choice's name
  SourceLocation path_at;
  SourceLocation value_at;
};

/// Reads a parameter file (`--params`, a session preset): a YAML map of path → scalar,
/// in file order. `reader` names who reads it in messages ("--params", "load"). Throws
/// UsageError at file:line:col when the file cannot be read, is not such a map, or a
/// key is not a node.param path.
std::vector<ParameterFileEntry> read_parameter_file(const std::string& path,
                                                    const std::string& reader);

/// Points `error`, raised for `entry`, at the key when the path names nothing
/// (KeyPart::name) and at the value otherwise, and prefixes the path; `at_key`
/// (true) points at the key whatever the error says.
void locate_entry_error(ParameterError& error, const ParameterFileEntry& entry,
                        bool at_key = false);

/// Applies one `--set node.param=value`. Throws UsageError (syntax) or ParameterError
/// (prefixed with the option).
void apply_set(Graph& graph, const std::string& assignment);

/// Applies every entry of the YAML file at `path`, in file order. Throws UsageError when
/// the file cannot be read or is not a map, and ParameterError at the entry's
/// file:line:col (the key for an unknown path, the value for a bad value).
void apply_params_file(Graph& graph, const std::string& path);

}  // namespace fxgraph::cli
