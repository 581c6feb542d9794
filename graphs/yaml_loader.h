#pragma once
// YAML graph loader: a `.yaml` file (or string) → a Graph ready to compile.
//
// Aims
//   Users describe graphs as data (the PipeWire filter-chain habit): nodes with a type
//   and settings, edges between `node[:port]` endpoints. This is the one place that
//   turns that text into a Graph, and the place that makes a mistake in it cheap to
//   fix: every error starts with `file:line:column: ` and says what was expected.
//
// Format (see ARCHITECTURE.md and the README)
//     name: guitar                # optional
//     sample_rate: 48000          # optional, > 0
//     block_size: 256             # optional, whole number ≥ 1
//     nodes:                      # id → { type: …, settings… }
//       in:    { type: memory_in, channels: 1 }
//       drive: { type: gain, gain: 1.5 }
//       mix:   { type: mix, inputs: 2 }
//     edges:                      # paths: one edge per consecutive pair
//       - in -> drive -> mix:0
//       - in -> mix:1
//       - mix -> drive: {feedback: 441}   # a feedback edge: 441 frames late, may
//                                         # close a loop (engine/feedback_loops.h)
//     input: drive                # optional: Graph::set_input  (node[:port])
//     output: mix                 # optional: Graph::set_output (node[:port])
//     midi: […]                   # optional: MIDI control of a live session; not read
//                                 # here, see graphs/midi_map.h
//     automation:                 # optional: node.param → { curve: …, points: … }
//       drive.gain_db: { curve: linear, points: [[0, -12], [2.5, 0]] }
//   or, for a linear graph, `chain:` — a list of `{ type: …, settings… }` whose nodes
//   are named "0", "1", … and connected in order (Graph::chain: the graph's input
//   feeds "0", its output is the last node). A document has `nodes:` (with optional
//   `edges:`) or `chain:`, never both.
//
// Automation (engine/automation.h)
//   `automation:` maps a parameter path to its curve (`linear`/`lin`, `exponential`/
//   `exp`, `hold`/`step`; default linear) and its points, `[seconds, value]` pairs in
//   increasing time. The loader checks the path, the curve and the points against the
//   graph (errors at the entry, its `curve:` or the point at fault); the node's own
//   limits (a cutoff below Nyquist) are checked when an engine takes the automation
//   (Engine::automate). The program that runs the graph passes GraphDocument::automation
//   on to its engine.
//
// Settings → NodeOptions (engine/node_registry.h)
//   - an unquoted scalar that reads as a number (`80`, `-3.5`, `1e3`, `.inf`) → double;
//     `true` / `false` → 1 / 0;
//   - any other scalar, and every quoted scalar (`"80"`), → string (YAML's own rule:
//     quoting means text);
//   - a list of numbers (`[1, 0]`) → vector<double>;
//   - a mapping of such values under a key the type lists as an option (a plugin's
//     `controls: {ratio: 4}`) → one setting per entry, named `controls.ratio`;
//   - anything else (a nested mapping, a list of strings, an empty value) is an error.
//
// Connectivity
//   check_connected refuses a node off the signal path (graphs/connectivity.h): one
//   that reaches no output, or that nothing reaches, is a GraphError at its definition.
//   `unconnected: ok` among a node's settings marks it as deliberate; the key is the
//   loader's, not the node type's. Loading does not call it, since a program may load a
//   graph and complete it in code; the `fxgraph` commands that run a graph do.
//
// Relative file paths
//   A string setting named `path` or `file`, or whose name ends in `_path`, is a file
//   path: it is always kept as text (so `file: 2024` stays "2024"), and when it is
//   relative it is rewritten against the folder of the YAML file, so a graph finds its
//   files wherever it is run from (resolve_relative_path). Graphs loaded from a string
//   have no folder: their paths are left as written.
//
// Errors
//   Messages read `file.yaml:12:5: what went wrong; what was expected`, with the line
//   and column (1-based) of the offending token; the same place is in the error's
//   context().location (engine/errors.h), with the node, edge or setting key it is
//   about. The loader finds the token from those fields, never from the message. The
//   exception type says what kind of problem it is:
//   - ConfigError: YAML syntax errors, the document's shape (top level not a mapping,
//     unknown or repeated keys, `nodes:` not a mapping, a node without `type:`, a value
//     of the wrong kind), unknown node types (with close matches) and unknown settings;
//   - GraphError: the graph's structure — duplicate or invalid node ids, both `nodes:`
//     and `chain:`, malformed edge paths, unknown endpoint nodes or ports, and, from
//     check_compiles, cycles and channel mismatches;
//   - ParameterError: a value out of range (`gain: 5000`), a bad choice name;
//   - IoError: the file cannot be read.
//   All of them derive from fxgraph::Error.
//
// Does not
//   compile the graph: load_graph_* checks what it can see (ids, ports, edges) so those
//   errors carry their line; check_compiles runs the compiler for the rest.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/graphs/catalog.h"

namespace fxgraph {

/// A line and column in a YAML document, both 1-based.
using YamlLocation = std::pair<int, int>;

/// Where a node's setting is written: its key and its value.
struct SettingLocation {
  YamlLocation key;
  YamlLocation value;
  bool operator==(const SettingLocation&) const = default;
};

/// How the file wrote one node, as loaded: what a hot reload compares a running node
/// with (graphs/graph_reload.h) to decide whether it may stay.
struct NodeSource {
  std::map<std::string, OptionValue> settings;  ///< every setting but `type:`, `unconnected:`
  /// Each parameter's value as loaded (the file's, else the default), in the node's
  /// order: values set later (live, --params) are compared against these.
  std::vector<double> parameter_values;
};

/// What a YAML file describes: the graph plus its optional stream settings and where
/// each piece was written (for messages that point back into the file).
struct GraphDocument {
  std::string name;                         ///< `name:`, "" when absent
  std::optional<double> sample_rate;        ///< `sample_rate:`
  std::optional<std::uint32_t> block_size;  ///< `block_size:`
  Graph graph;
  std::string path;    ///< the file it came from ("" for strings)
  std::string source;  ///< what messages call it: path or string name
  std::map<std::string, YamlLocation> node_locations;  ///< node id → where it was defined
  std::map<std::string, YamlLocation> edge_locations;  ///< Edge::str() → its edge path
  /// (node id, setting key) → where the setting is written, `type:` included.
  std::map<std::pair<std::string, std::string>, SettingLocation> setting_locations;
  std::optional<YamlLocation> input_location;   ///< the `input:` value
  std::optional<YamlLocation> output_location;  ///< the `output:` value
  /// Nodes marked `unconnected: ok`: off the signal path on purpose.
  std::set<std::string> unconnected;
  /// Node id → how the file wrote it (nodes added in code afterwards have none).
  std::map<std::string, NodeSource> node_sources;
  /// `automation:`, in file order, each path written "node.param".
  std::vector<Automation> automation;
  /// Automation path → where its entry's key is written.
  std::map<std::string, YamlLocation> automation_locations;
};

/// The setting that marks a node as deliberately off the signal path.
inline constexpr const char* kUnconnectedKey = "unconnected";

/// Loads a graph file. Relative file paths in settings resolve against its folder.
/// Throws ConfigError, GraphError, ParameterError or IoError as described above.
GraphDocument load_graph_file(const std::string& path,
                              const NodeRegistry& registry = builtin_registry());

/// Loads a graph from YAML text; messages name it `name_for_messages`.
GraphDocument load_graph_string(const std::string& yaml,
                                const std::string& name_for_messages = "<string>",
                                const NodeRegistry& registry = builtin_registry());

/// `value` joined to `yaml_dir` when it is a relative path; unchanged when it is
/// absolute, empty, "-" (standard input/output by convention) or `yaml_dir` is empty.
/// The result is lexically normalised ("dir/./a.wav" → "dir/a.wav").
std::string resolve_relative_path(const std::string& value, const std::string& yaml_dir);

/// True for setting names that hold file paths: `path`, `file`, `*_path`.
bool is_path_setting(const std::string& key);

/// `base` with the document's `sample_rate:` and `block_size:` applied.
CompileOptions compile_options_for(const GraphDocument& document, CompileOptions base = {});

/// Compiles the document's graph and returns the plan. A GraphError (cycle, channel
/// mismatch, …) is rethrown, the same object, as `file:line:col: message` with its
/// location field set: it points at the edge the error's fields name, else the node's
/// setting, else the node (a cycle names its first node), else the `input:` or
/// `output:` value; `file: message` when the fields name nothing in the document.
std::unique_ptr<Plan> compile_document(const GraphDocument& document,
                                       const CompileOptions& options);

/// Throws GraphError, located at the node's definition, for the first node that reaches
/// no output or that nothing reaches, unless it is marked `unconnected: ok`.
void check_connected(const GraphDocument& document);

/// Points `error` into the document, as the loader does with its own errors: prefixes
/// `file:line:col: ` for the edge, setting or node its context names, else `file: `
/// (nothing when it has a location already). For errors raised later by code that knows
/// only the graph (a backend, a realtime driver), so they read like the loader's.
void locate_error(Error& error, const GraphDocument& document);

/// compile_document, for callers that only want to know the graph is sound.
void check_compiles(const GraphDocument& document, const CompileOptions& options);
/// The same with compile_options_for(document): the file's own rate and block size.
void check_compiles(const GraphDocument& document);

}  // namespace fxgraph
