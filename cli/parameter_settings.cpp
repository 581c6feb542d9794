#include "parameter_settings.h"

#include <yaml-cpp/yaml.h>

#include <vector>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameters.h"

namespace fxgraph::cli {

namespace {

/// Sets `path_text` (node.param) to `value_text` (a number, or a choice's name).
void set_parameter(Graph& graph, const std::string& path_text, const std::string& value_text) {
  const ParameterPath path = ParameterPath::parse(path_text);
  if (!graph.contains(path.node))
    throw ParameterError(
        "unknown node '" + path.node + "': the graph's nodes are " + join_names(graph.ids()),
        {.node = path.node, .key_part = KeyPart::name});
  Node& node = graph.node(path.node);
  const int index = node.find_parameter(path.parameter);
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& spec : node.parameters()) names.push_back(spec.name);
    throw ParameterError("unknown parameter '" + path.parameter + "' on node '" + path.node +
                             "' (" + node.type() + "): valid parameters are " + join_names(names),
                         {.node = path.node, .key = path.parameter, .key_part = KeyPart::name});
  }
  const ParameterSpec& spec = node.parameters()[std::size_t(index)];
  double value = 0.0;
  if (const auto number = parse_number(value_text)) {
    value = *number;
  } else if (spec.kind == ParameterKind::choice) {
    value = choice_index(spec, value_text, path_text);
  } else {
    throw ParameterError("'" + value_text + "' is not a number",
                         {.node = path.node, .key = path.parameter});
  }
  node.request_parameter(std::size_t(index), value, path_text);
  node.apply_parameter(std::size_t(index), value);
}

SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  return {file, mark.line + 1, mark.column + 1};
}

}  // namespace

void apply_set(Graph& graph, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos)
    throw UsageError("--set '" + assignment +
                     "': expected node.param=value, e.g. --set drive.gain_db=-6");
  try {
    set_parameter(graph, assignment.substr(0, equals), assignment.substr(equals + 1));
  } catch (ParameterError& e) {
    e.prefix_message("--set " + assignment + ": ");
    throw;
  }
}

std::vector<ParameterFileEntry> read_parameter_file(const std::string& path,
                                                    const std::string& reader) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw UsageError(reader + ": cannot read '" + path + "'");
  } catch (const YAML::Exception& e) {
    throw UsageError(location_of(path, e.mark).str() + ": " + reader + ": " + e.msg);
  }
  std::vector<ParameterFileEntry> entries;
  if (root.IsNull()) return entries;  // an empty file sets nothing
  if (!root.IsMap())
    throw UsageError(location_of(path, root.Mark()).str() + ": " + reader +
                     ": expected a map of node.param: value, e.g. `drive.gain_db: -6`");
  for (const auto& item : root) {
    ParameterFileEntry entry{.path = {},
                             .value = {},
                             .path_at = location_of(path, item.first.Mark()),
                             .value_at = location_of(path, item.second.Mark())};
    if (!item.first.IsScalar())
      throw UsageError(entry.path_at.str() + ": " + reader +
                       ": keys are parameter paths, e.g. drive.gain_db");
    entry.path = item.first.Scalar();
    if (!item.second.IsScalar())
      throw UsageError(entry.value_at.str() + ": " + reader + ": '" + entry.path +
                       "' needs a single value (a number, or a choice's name)");
    entry.value = item.second.Scalar();
    try {
      (void)ParameterPath::parse(entry.path);
    } catch (ParameterError& e) {
      e.prefix_message(reader + ": ");
      e.locate_at(entry.path_at);
      throw;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

void locate_entry_error(ParameterError& error, const ParameterFileEntry& entry, bool at_key) {
  // A path that names nothing points at the key; a value refused, at the value.
  error.prefix_message(entry.path + ": ");
  const bool key = at_key || error.context().key_part == KeyPart::name;
  error.locate_at(key ? entry.path_at : entry.value_at);
}

void apply_params_file(Graph& graph, const std::string& path) {
  for (const ParameterFileEntry& entry : read_parameter_file(path, "--params")) {
    try {
      set_parameter(graph, entry.path, entry.value);
    } catch (ParameterError& e) {
      locate_entry_error(e, entry);
      throw;
    }
  }
}

}  // namespace fxgraph::cli
