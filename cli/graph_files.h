#pragma once
// A YAML graph's audio files as the commands that load one see them (`run`, `check`,
// `dot`): the file_in/file_out paths the command line replaces (--input, --output,
// --format), file_in nodes whose file is absent (structural commands build them as
// stand-ins instead of failing), and the checks `run` makes on the files before it
// writes anything — shared with `check`, so `check` refuses what `run` would refuse,
// with the same message.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace fxgraph::cli {

/// Paths and format given on the command line in place of the graph's own.
struct FileOverrides {
  std::string input;           ///< --input: the single file_in's path
  std::string output;          ///< --output: the single file_out's path
  std::string format;          ///< --format: every file_out's sample format
  std::optional<bool> dither;  ///< --dither / --no-dither: every file_out's dither
};

/// What a file_in whose file does not exist becomes.
enum class MissingInputs {
  refuse,    ///< an error, as when running (the file is opened when the node is built)
  stand_in,  ///< a silent stereo source in its place, its path recorded (check, dot)
};

/// The file_in paths found missing while building a graph with MissingInputs::stand_in.
using MissingFiles = std::shared_ptr<std::vector<std::string>>;

/// The built-in registry with file_in/file_out built from `overrides` where given.
/// Replacing the factories, rather than the nodes after loading, means the YAML's own
/// input path is never opened when --input replaces it: a template graph whose file_in
/// names a file that does not exist still runs with --input. With
/// MissingInputs::stand_in, a missing input is built as a stand-in and its path
/// appended to `missing`.
NodeRegistry file_registry(const FileOverrides& overrides, MissingInputs missing_inputs,
                           const MissingFiles& missing = nullptr);

/// True for a graph whose ends are its external input and output — a `chain:` file, or
/// `input:` and `output:` without file or JACK nodes: the command supplies its ends.
bool has_external_ends(const GraphDocument& document);

/// Gives a graph with external ends a file_in (`overrides.input`) feeding its input and a
/// file_out (`overrides.output`, `overrides.format`) fed by its output, so `run` and
/// `check` take a chain file. Throws UsageError naming the missing option when the
/// input or output is not given.
void attach_files(GraphDocument& document, const FileOverrides& overrides);

/// `id`, or `id` with a number appended, whichever the graph does not use yet.
std::string unused_id(const Graph& graph, const std::string& id);

/// Checks that --input and --output have a node to replace: the graph has exactly one
/// file_in (for --input) and one file_out (for --output). Throws UsageError.
void check_overrides_fit(const GraphDocument& document, const FileOverrides& overrides);

/// What check_graph_files found: the rate the graph runs at and remarks for the user.
struct FileCheck {
  double sample_rate = 48000.0;  ///< the inputs' rate, else the graph's, else 48000
  std::vector<std::string> notes;
};

/// What to make of an output whose folder does not exist yet.
enum class MissingOutputFolder { error, note };

/// The checks `run` makes before writing, on a loaded graph: every input readable and
/// whole, at one sample rate unless converted (--rate, `resample: true`); every output writable
/// (or, with MissingOutputFolder::note, its folder's absence noted), written by one
/// file_out only, and not one of the inputs. Stand-in inputs are skipped. Throws
/// UsageError with the message `run` prints.
/// `convert_rate` (--rate R): every input is converted to R, which is the graph's rate.
FileCheck check_graph_files(const GraphDocument& document, MissingOutputFolder missing_folder,
                            std::optional<double> convert_rate = std::nullopt);

/// The graph's nodes of class T (file_in, file_out, …) with their ids, in the order
/// Graph::ids() lists them.
template <class T>
std::vector<std::pair<std::string, T*>> nodes_of(const Graph& graph) {
  std::vector<std::pair<std::string, T*>> found;
  for (const std::string& id : graph.ids())
    if (auto* node = dynamic_cast<T*>(&graph.node(id))) found.emplace_back(id, node);
  return found;
}

}  // namespace fxgraph::cli
