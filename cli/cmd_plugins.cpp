// `fxgraph plugins [FILTER]`: the installed LV2 and LADSPA plugins, or one plugin's
// ports, parameters, meters and presets.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "text_table.h"
#if FXGRAPH_WITH_PLUGINS
#include "fxgraph/plugins/close_matches.h"
#include "fxgraph/plugins/register_plugins.h"
#if FXGRAPH_WITH_LV2
#include "fxgraph/plugins/lv2_catalog.h"
#endif
#endif

namespace fxgraph::cli {

namespace {

#if FXGRAPH_WITH_PLUGINS
std::string lowercase(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// Whether `name` names `plugin` exactly, as a graph's `plugin:` would.
bool names_exactly(const PluginDescription& plugin, const std::string& name) {
  return plugin.id == name || (plugin.format == PluginFormat::ladspa &&
                               (plugin.label == name || std::to_string(plugin.unique_id) == name));
}

bool matches_filter(const PluginDescription& plugin, const std::string& filter) {
  const std::string wanted = lowercase(filter);
  return lowercase(plugin.id).find(wanted) != std::string::npos ||
         lowercase(plugin.name).find(wanted) != std::string::npos;
}

void list_plugins(const std::vector<PluginDescription>& plugins) {
  std::vector<TableRow> rows{{"FORMAT", "PLUGIN", "NAME", "IN", "OUT", "HARD-RT"}};
  for (const PluginDescription& plugin : plugins)
    rows.push_back({format_name(plugin.format), plugin.id, plugin.name,
                    std::to_string(plugin.audio_inputs()), std::to_string(plugin.audio_outputs()),
                    plugin.hard_rt_capable ? "yes" : "no"});
  print_table(std::cout, rows, "");
  std::cout << "\n"
            << plugins.size() << " plugins. `fxgraph plugins PLUGIN` shows one's "
            << "ports and parameters; use it as {type: lv2|ladspa, plugin: PLUGIN}.\n";
}

std::string range_and_kind(const ParameterSpec& spec) {
  return describe_range(spec);
}

std::string default_text(const ParameterSpec& spec) {
  if (spec.kind == ParameterKind::choice && std::size_t(spec.default_value) < spec.choices.size())
    return spec.choices[std::size_t(spec.default_value)];
  return format_number(spec.default_value);
}

void describe_plugin(const PluginDescription& plugin) {
  std::cout << plugin.name << "\n  " << format_name(plugin.format) << " plugin " << plugin.id
            << "\n  library: " << plugin.library << "\n";
  if (plugin.format == PluginFormat::ladspa)
    std::cout << "  label: " << plugin.label << ", unique id: " << plugin.unique_id << "\n";
  std::cout << "  hard-realtime capable: "
            << (plugin.hard_rt_capable ? "yes" : "no (refused in live sessions)") << "\n";
  if (!plugin.required_features.empty())
    std::cout << "  requires: " << join_names(plugin.required_features) << "\n";

  std::vector<std::string> ins, outs;
  for (const PluginPort& port : plugin.ports) {
    if (port.role == PluginPortRole::audio_input) ins.push_back(port.symbol);
    if (port.role == PluginPortRole::audio_output) outs.push_back(port.symbol);
  }
  std::cout << "\naudio: in " << (ins.empty() ? "none" : join_names(ins)) << "; out "
            << (outs.empty() ? "none" : join_names(outs));
  if (plugin.is_mono_effect()) std::cout << " (one instance per channel)";
  std::cout << "\n\nparameters (control inputs):\n";
  std::vector<TableRow> rows{{"NAME", "UNIT", "RANGE", "DEFAULT", "DESCRIPTION"}};
  for (const PluginPort& port : plugin.ports)
    if (port.role == PluginPortRole::control_input)
      rows.push_back({port.symbol, port.parameter.unit.empty() ? "-" : port.parameter.unit,
                      range_and_kind(port.parameter), default_text(port.parameter),
                      port.parameter.description});
  if (rows.size() == 1)
    std::cout << "  none\n";
  else
    print_table(std::cout, rows, "  ");

  std::vector<TableRow> meters{{"NAME", "UNIT", "DESCRIPTION"}};
  for (const PluginPort& port : plugin.ports)
    if (port.role == PluginPortRole::control_output)
      meters.push_back({port.symbol, port.parameter.unit.empty() ? "-" : port.parameter.unit,
                        port.name + (port.reports_latency ? " (the node's latency)" : "")});
  if (meters.size() > 1) {
    std::cout << "\nmeters (control outputs):\n";
    print_table(std::cout, meters, "  ");
  }
#if FXGRAPH_WITH_LV2
  if (plugin.format == PluginFormat::lv2) {
    const auto presets = lv2_presets(plugin.id);
    if (!presets.empty()) {
      std::cout << "\npresets (preset: URI):\n";
      std::vector<TableRow> preset_rows;
      for (const auto& [uri, label] : presets) preset_rows.push_back({uri, label});
      print_table(std::cout, preset_rows, "  ");
    }
  }
#endif
  std::cout << "\nuse: {type: " << format_name(plugin.format) << ", plugin: \"" << plugin.id
            << "\"}\n";
}

void run_plugins(const std::string& filter) {
  std::vector<PluginDescription> plugins = installed_plugins();
  if (filter.empty()) return list_plugins(plugins);
  const bool exact = std::any_of(plugins.begin(), plugins.end(), [&](const PluginDescription& p) {
    return names_exactly(p, filter);
  });
  if (exact || filter.find(':') != std::string::npos) {
    try {
      return describe_plugin(find_plugin(filter));
    } catch (const ConfigError& e) {
      if (exact) throw;  // a plugin that cannot be hosted: say why
    }
  }
  std::erase_if(plugins, [&](const PluginDescription& p) { return !matches_filter(p, filter); });
  if (!plugins.empty()) return list_plugins(plugins);
  if (filter.find("://") != std::string::npos) describe_plugin(find_plugin(filter));
  // Nothing matches a word: suggest plugins whose label or URI tail is close to it.
  std::vector<std::string> short_names;
  std::map<std::string, std::string> id_of;
  for (const PluginDescription& plugin : installed_plugins()) {
    const std::string tail = plugin.format == PluginFormat::ladspa
                                 ? plugin.label
                                 : plugin.id.substr(plugin.id.find_last_of("/#") + 1);
    short_names.push_back(tail);
    id_of.emplace(tail, plugin.id);
  }
  std::vector<std::string> close;
  for (const std::string& name : closest_names(filter, short_names)) close.push_back(id_of[name]);
  throw UsageError("no installed plugin is named or matches '" + filter + "'" +
                   (close.empty() ? "" : "; did you mean " + join_names(close) + "?") +
                   " Run `fxgraph plugins` for the list");
}
#endif

}  // namespace

Command add_plugins_command(CLI::App& app) {
  auto filter = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("plugins", "List the installed LV2 and LADSPA plugins, or describe one");
  sub->add_option("plugin", *filter,
                  "an LV2 URI or LADSPA label to describe, or a word to filter the list by");
  sub->footer(
      "LADSPA plugins are found on LADSPA_PATH (else ~/.ladspa, /usr/local/lib/ladspa,\n"
      "/usr/lib/ladspa), LV2 plugins on LV2_PATH (else lilv's default folders).\n"
      "\n"
      "Examples:\n"
      "  fxgraph plugins\n"
      "  fxgraph plugins compressor\n"
      "  fxgraph plugins http://lv2plug.in/plugins/eg-amp\n"
      "  fxgraph plugins amp_mono");
  return {sub, [filter] {
#if FXGRAPH_WITH_PLUGINS
            run_plugins(*filter);
#else
            (void)filter;
            throw UsageError("this fxgraph was built without plugin hosting (LV2, LADSPA)");
#endif
          }};
}

}  // namespace fxgraph::cli
