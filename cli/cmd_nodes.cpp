// `fxgraph nodes [TYPE]`: the node catalog, or one type's options and parameters.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/graphs/catalog.h"
#include "text_table.h"

namespace fxgraph::cli {

namespace {

using Row = TableRow;

/// The meters of a type, from a node built like parameters_of builds one (defaults,
/// else the example settings); empty when neither builds.
std::vector<MeterSpec> meters_of(const NodeRegistry& registry, const NodeType& type) {
  for (const auto& settings : {std::map<std::string, OptionValue>{}, type.example}) {
    try {
      return registry.create(type.name, NodeOptions(settings))->meters();
    } catch (const Error&) {
    }
  }
  return {};
}

std::string default_text(const ParameterSpec& spec) {
  if (spec.kind == ParameterKind::choice) {
    const auto index = std::size_t(spec.default_value);
    if (index < spec.choices.size()) return spec.choices[index];
  }
  if (spec.kind == ParameterKind::toggle) return spec.default_value != 0.0 ? "1 (on)" : "0 (off)";
  return format_number(spec.default_value);
}

/// A type's example settings in --chain syntax: fir(taps=[0.5, 0.3]).
std::string example_text(const NodeType& type) {
  std::string text;
  for (const auto& [key, value] : type.example) {
    text += (text.empty() ? "" : ", ") + key + "=";
    if (const double* number = std::get_if<double>(&value)) {
      text += format_number(*number);
    } else if (const auto* word = std::get_if<std::string>(&value)) {
      text += "\"" + *word + "\"";
    } else {
      std::string list;
      for (double v : std::get<std::vector<double>>(value))
        list += (list.empty() ? "" : ", ") + format_number(v);
      text += "[" + list + "]";
    }
  }
  return type.name + "(" + text + ")";
}

void list_types(const NodeRegistry& registry) {
  std::vector<Row> rows{{"TYPE", "ALIASES", "SUMMARY"}};
  for (const std::string& name : registry.names()) {
    const NodeType& type = *registry.find(name);
    std::string aliases;
    for (const auto& alias : type.aliases) aliases += (aliases.empty() ? "" : ", ") + alias;
    rows.push_back({type.name, aliases.empty() ? "-" : aliases, type.summary});
  }
  print_table(std::cout, rows, "");
  std::cout << "\n`fxgraph nodes TYPE` shows a type's options and parameters.\n";
  if (registry.find("lv2") || registry.find("ladspa"))
    std::cout << "Installed LV2 and LADSPA plugins are nodes too (types lv2, ladspa): "
                 "`fxgraph plugins` lists them.\n";
}

void describe_type(const NodeRegistry& registry, const std::string& name) {
  const NodeType* type = registry.find(name);
  if (!type) {
    const auto close = close_type_names(registry, name);
    throw UsageError("unknown node type '" + name + "'" +
                     (close.empty() ? "" : "; did you mean " + join_names(close) + "?") +
                     " Run `fxgraph nodes` for the list");
  }
  std::cout << type->name;
  if (!type->aliases.empty()) std::cout << " (aliases: " << join_names(type->aliases) << ")";
  std::cout << "\n  " << type->summary << "\n\noptions (set when the node is built):\n";
  if (type->options.empty()) {
    std::cout << "  none\n";
  } else {
    std::vector<Row> rows{{"NAME", "DEFAULT", "DESCRIPTION"}};
    for (const OptionSpec& option : type->options)
      rows.push_back({option.name, option.default_text, option.description});
    print_table(std::cout, rows, "  ");
  }

  if (!type->example.empty()) std::cout << "\nexample: " << example_text(*type) << "\n";

  std::cout << "\nparameters (settable in YAML, with --set and at run time):\n";
  std::vector<ParameterSpec> parameters;
  try {
    parameters = registry.parameters_of(type->name);
  } catch (const Error& e) {
    // A type that cannot be built without its options (file_in needs a file).
    std::cout << "  (listed once the node has its options: " << e.what() << ")\n";
    return;
  }
  if (parameters.empty()) {
    std::cout << "  none\n";
    return;
  }
  std::vector<Row> rows{{"NAME", "UNIT", "RANGE", "DEFAULT", "SMOOTHING", "DESCRIPTION"}};
  for (const ParameterSpec& spec : parameters)
    rows.push_back(
        {spec.name, spec.unit.empty() ? "-" : spec.unit, describe_range(spec), default_text(spec),
         spec.smoothing == Smoothing::ramped ? "ramped" : "immediate", spec.description});
  print_table(std::cout, rows, "  ");

  const std::vector<MeterSpec> meters = meters_of(registry, *type);
  if (meters.empty()) return;
  std::cout << "\nmeters (read-only, with `get` or get_parameter):\n";
  std::vector<Row> meter_rows{{"NAME", "UNIT", "DESCRIPTION"}};
  for (const MeterSpec& meter : meters)
    meter_rows.push_back({meter.name, meter.unit.empty() ? "-" : meter.unit, meter.description});
  print_table(std::cout, meter_rows, "  ");
}

}  // namespace

Command add_nodes_command(CLI::App& app) {
  auto type = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("nodes", "List the node types, or describe one (options and parameters)");
  sub->add_option("type", *type, "a type name or alias (e.g. gain, Freeverb)");
  sub->footer(
      "A type's parameters are listed with unit, range, default and whether changes are\n"
      "smoothed (ramped); its options are set once, when the node is built.\n"
      "Every node in a graph also has `bypass` (0 or 1), added by the engine rather than\n"
      "listed per type: a 10 ms crossfade to the node's input (see the README).\n"
      "\n"
      "Examples:\n"
      "  fxgraph nodes\n"
      "  fxgraph nodes gain");
  return {sub, [type] {
            const NodeRegistry& registry = builtin_registry();
            if (type->empty())
              list_types(registry);
            else
              describe_type(registry, *type);
          }};
}

}  // namespace fxgraph::cli
