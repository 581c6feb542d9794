#include "graph_files.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "cli_support.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/file_nodes.h"
#include "fxgraph/io/offline_render.h"
#include "fxgraph/io/sndfile_writer.h"

namespace fxgraph::cli {

namespace fs = std::filesystem;

namespace {

/// Stands in for a file_in whose file is absent, so the graph's shape can be checked:
/// a silent stereo source of the same type name and port.
class MissingFileInNode : public Node {
 public:
  MissingFileInNode() : Node(std::string(FileInNode::kType)) { add_output("out", 2); }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.outputs[0];
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::memset(out.channels[c], 0, ctx.frames * sizeof(float));
  }
};

NodeType file_in_type(NodeType type, const std::string& override_path, MissingInputs missing_inputs,
                      const MissingFiles& missing) {
  type.factory = [original = type.factory, override_path, missing_inputs,
                  missing](const NodeOptions& settings) -> std::shared_ptr<Node> {
    std::string path = settings.text("path", "");
    if (!override_path.empty()) path = override_path;  // the graph's own is never opened
    std::error_code ec;
    if (missing_inputs == MissingInputs::stand_in && !path.empty() && !fs::exists(path, ec)) {
      if (missing) missing->push_back(path);
      return std::make_shared<MissingFileInNode>();
    }
    if (override_path.empty()) return original(settings);
    return std::make_shared<FileInNode>(path, settings.integer("resample", 0, 0, 1) != 0);
  };
  return type;
}

NodeType file_out_type(NodeType type, const std::string& path, const std::string& format,
                       std::optional<bool> dither) {
  type.factory = [original = type.factory, path, format, dither](const NodeOptions& settings) {
    std::map<std::string, OptionValue> values = settings.values();
    if (!path.empty()) {
      values["path"] = path;
      // The graph's FLAC compression level means nothing for another container.
      if (container_from_path(path) != ContainerFormat::flac) {
        values.erase("compression");
        settings.mark_used("compression");
      }
    }
    if (!format.empty()) values["format"] = format;
    if (dither) values["dither"] = *dither ? 1.0 : 0.0;
    NodeOptions replaced(std::move(values), settings.where());
    auto node = original(replaced);
    // The registry checks the caller's options for unread keys: pass the reads on.
    const auto unused = replaced.unused();
    for (const auto& [key, value] : settings.values())
      if (std::find(unused.begin(), unused.end(), key) == unused.end()) settings.mark_used(key);
    return node;
  };
  return type;
}

}  // namespace

NodeRegistry file_registry(const FileOverrides& overrides, MissingInputs missing_inputs,
                           const MissingFiles& missing) {
  const NodeRegistry& builtin = builtin_registry();
  NodeRegistry registry;
  for (const std::string& name : builtin.names()) {
    NodeType type = *builtin.find(name);
    if (name == FileInNode::kType)
      type = file_in_type(std::move(type), overrides.input, missing_inputs, missing);
    if (name == FileOutNode::kType &&
        (!overrides.output.empty() || !overrides.format.empty() || overrides.dither))
      type = file_out_type(std::move(type), overrides.output, overrides.format, overrides.dither);
    registry.add(std::move(type));
  }
  return registry;
}

bool has_external_ends(const GraphDocument& document) {
  const Graph& graph = document.graph;
  if (!graph.input() || !graph.output()) return false;
  for (const std::string& id : graph.ids()) {
    const std::string& type = graph.node(id).type();
    if (type == FileInNode::kType || type == FileOutNode::kType || type == "jack_in" ||
        type == "jack_out")
      return false;
  }
  return true;
}

std::string unused_id(const Graph& graph, const std::string& id) {
  std::string candidate = id;
  for (int n = 2; graph.contains(candidate); ++n) candidate = id + std::to_string(n);
  return candidate;
}

void attach_files(GraphDocument& document, const FileOverrides& overrides) {
  const std::string& name = document.source;
  if (overrides.input.empty() || overrides.output.empty())
    throw UsageError(name + " takes its audio from the command line (it has no file_in or " +
                     "file_out node): give " +
                     (overrides.input.empty() && overrides.output.empty() ? "--input and --output"
                      : overrides.input.empty()                           ? "--input"
                                                                          : "--output") +
                     ", e.g. --input in.wav --output out.wav");
  // A new graph without external ends: the files take their place.
  const Graph& old = document.graph;
  Graph graph;
  for (const std::string& id : old.ids()) graph.add(id, old.node_ptr(id));
  for (const Edge& edge : old.edges()) graph.connect(edge);
  const std::string in = unused_id(graph, "in");
  graph.add(in, std::make_shared<FileInNode>(overrides.input));
  graph.connect(Endpoint{in, ""}, *old.input());
  const std::string out = unused_id(graph, "out");
  graph.add(out, std::make_shared<FileOutNode>(
                     FileOutOptions{.path = overrides.output,
                                    .sample_format = overrides.format,
                                    .dither = overrides.dither.value_or(true)}));
  graph.connect(*old.output(), Endpoint{out, ""});
  document.graph = std::move(graph);
}

void check_overrides_fit(const GraphDocument& document, const FileOverrides& overrides) {
  const auto describe = [&](std::string_view type) {
    std::vector<std::string> ids;
    for (const std::string& id : document.graph.ids())
      if (document.graph.node(id).type() == type) ids.push_back("'" + id + "'");
    const std::string what =
        ids.empty() ? "none" : std::to_string(ids.size()) + " (" + join_names(ids) + ")";
    return std::pair{ids.size(), what};
  };
  const std::string& graph = document.source;
  if (!overrides.input.empty())
    if (const auto [count, what] = describe(FileInNode::kType); count != 1)
      throw UsageError("--input replaces the graph's file_in node, but " + graph + " has " + what);
  if (!overrides.output.empty())
    if (const auto [count, what] = describe(FileOutNode::kType); count != 1)
      throw UsageError("--output replaces the graph's file_out node, but " + graph + " has " +
                       what);
}

FileCheck check_graph_files(const GraphDocument& document, MissingOutputFolder missing_folder,
                            std::optional<double> convert_rate) {
  const Graph& graph = document.graph;
  const auto inputs = nodes_of<FileInNode>(graph);
  const auto outputs = nodes_of<FileOutNode>(graph);
  FileCheck result;
  result.sample_rate = document.sample_rate.value_or(48000.0);

  // The rate comes from the inputs that are not converted (they must agree), else from
  // --rate, the graph's sample_rate or the first input (as render_graph chooses it).
  std::vector<FileInNode*> in_nodes;
  for (const auto& [id, in] : inputs) {
    check_input_file(in->path());
    in_nodes.push_back(in);
  }
  try {
    result.sample_rate = choose_render_rate(
        in_nodes, {.sample_rate = convert_rate ? convert_rate : document.sample_rate,
                   .resample_inputs = convert_rate.has_value()});
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  for (const FileInNode* in : in_nodes)
    if (in->file_sample_rate() != result.sample_rate)
      result.notes.push_back("converting '" + in->path() + "' from " +
                             format_number(in->file_sample_rate()) + " Hz to " +
                             format_number(result.sample_rate) + " Hz (libsoxr)");
  if (!inputs.empty() && !convert_rate && document.sample_rate &&
      *document.sample_rate != result.sample_rate)
    result.notes.push_back("using the input's " + format_number(result.sample_rate) +
                           " Hz, not the graph's sample_rate " +
                           format_number(*document.sample_rate));

  std::set<std::string> written;
  for (const auto& [id, out] : outputs) {
    const fs::path folder = fs::path(out->path()).parent_path();
    std::error_code ec;
    if (missing_folder == MissingOutputFolder::note && !folder.empty() && !fs::exists(folder, ec))
      result.notes.push_back("output folder '" + folder.string() + "' of node '" + id +
                             "' does not exist yet (create it before running)");
    else
      check_output_path(out->path());
    if (!written.insert(out->path()).second)
      throw UsageError("two file_out nodes write '" + out->path() + "'");
    for (const auto& [in_id, in] : inputs) {
      try {
        check_output_differs(in->path(), out->path());
      } catch (const IoError& e) {
        throw UsageError(e.what());
      }
    }
  }
  return result;
}

}  // namespace fxgraph::cli
