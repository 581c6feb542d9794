#include "fxgraph/plugins/register_plugins.h"

#include <memory>

#include "fxgraph/engine/errors.h"
#include "fxgraph/plugins/hosted_plugin_node.h"
#if FXGRAPH_WITH_LADSPA
#include "fxgraph/plugins/ladspa_catalog.h"
#endif
#if FXGRAPH_WITH_LV2
#include "fxgraph/plugins/lv2_catalog.h"
#endif

namespace fxgraph {

namespace {

constexpr const char* kControlsPrefix = "controls.";

/// The `block` option: the largest block the plugin is run with.
std::uint32_t plugin_block(const NodeOptions& options) {
  return std::uint32_t(options.integer("block", HostedPluginNode::kDefaultPluginBlock, 1, 1 << 20));
}

/// `controls: {ratio: 4}` reaches the factory as "controls.ratio" (the YAML loader
/// flattens a mapping setting): each sets the parameter of that name.
void apply_controls(Node& node, const NodeOptions& options) {
  for (const auto& [key, value] : options.values()) {
    if (!key.starts_with(kControlsPrefix)) continue;
    options.mark_used(key);
    const std::string symbol = key.substr(std::string_view(kControlsPrefix).size());
    const int index = node.find_parameter(symbol);
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& p : node.parameters()) names.push_back(p.name);
      throw ConfigError("plugin has no control '" + symbol + "'" +
                            (options.where().empty() ? "" : " (" + options.where() + ")") +
                            ": its controls are " + join_names(names),
                        {.key = key, .key_part = KeyPart::name});
    }
    const ParameterSpec& spec = node.parameters()[std::size_t(index)];
    try {
      if (const double* number = std::get_if<double>(&value)) {
        node.configure_parameter(symbol, *number);
      } else if (const auto* text = std::get_if<std::string>(&value);
                 text && spec.kind == ParameterKind::choice) {
        node.configure_parameter(symbol, choice_index(spec, *text, symbol));
      } else {
        throw ParameterError("control '" + symbol + "' takes a single number");
      }
    } catch (const ParameterError& error) {
      // The setting at fault is "controls.<symbol>", where the YAML loader finds it.
      throw ParameterError(error.what(), {.key = key});
    }
  }
}

#if FXGRAPH_WITH_LV2
std::shared_ptr<Node> make_lv2_node(const NodeOptions& options) {
  const PluginDescription plugin = find_lv2_plugin(options.text("plugin", ""));
  Lv2Loaded loaded = lv2_instance_factory(plugin, options.text("preset", ""));
  auto node = std::make_shared<HostedPluginNode>("lv2", plugin, std::move(loaded.factory),
                                                 plugin_block(options));
  for (const auto& [symbol, value] : loaded.state_port_values)
    if (node->find_parameter(symbol) >= 0) node->configure_parameter(symbol, value);
  apply_controls(*node, options);
  return node;
}
#endif

#if FXGRAPH_WITH_LADSPA
std::shared_ptr<Node> make_ladspa_node(const NodeOptions& options) {
  const PluginDescription plugin = find_ladspa_plugin(options.text("plugin", ""));
  auto node = std::make_shared<HostedPluginNode>("ladspa", plugin, ladspa_instance_factory(plugin),
                                                 plugin_block(options));
  apply_controls(*node, options);
  return node;
}
#endif

const OptionSpec kControlsOption{
    "controls", "control values, {symbol: value} (each may also be a setting of its own)", "-"};
const OptionSpec kBlockOption{"block", "largest block the plugin runs with; larger are split",
                              "4096"};

}  // namespace

void register_plugin_nodes(NodeRegistry& registry) {
#if FXGRAPH_WITH_LV2
  registry.add({.name = "lv2",
                .summary = "an installed LV2 plugin (`fxgraph plugins` lists them); its controls "
                           "are parameters, its outputs meters",
                .options = {{"plugin", "the plugin's URI", "(required)"},
                            {"preset", "a preset URI (`fxgraph plugins URI` lists them)",
                             "the plugin's default state"},
                            kControlsOption,
                            kBlockOption},
                .factory = make_lv2_node,
                .example = {{"plugin", std::string("http://lv2plug.in/plugins/eg-amp")}}});
#endif
#if FXGRAPH_WITH_LADSPA
  registry.add({.name = "ladspa",
                .summary = "an installed LADSPA plugin (`fxgraph plugins` lists them); its "
                           "controls are parameters, its outputs meters",
                .options = {{"plugin", "label, library:label or unique id", "(required)"},
                            kControlsOption,
                            kBlockOption},
                .factory = make_ladspa_node,
                .example = {{"plugin", std::string("amp_1181:amp")}}});
#endif
  (void)registry;
}

std::vector<PluginDescription> installed_plugins() {
  std::vector<PluginDescription> all;
#if FXGRAPH_WITH_LV2
  all = lv2_plugins();
#endif
#if FXGRAPH_WITH_LADSPA
  for (PluginDescription& plugin : ladspa_plugins()) all.push_back(std::move(plugin));
#endif
  return all;
}

PluginDescription find_plugin(const std::string& name) {
  if (name.find("://") != std::string::npos) {
#if FXGRAPH_WITH_LV2
    return find_lv2_plugin(name);
#else
    throw ConfigError(
        "'" + name + "' looks like an LV2 URI, but this fxgraph was built without LV2",
        {.key = "plugin"});
#endif
  }
#if FXGRAPH_WITH_LADSPA
  return find_ladspa_plugin(name);
#else
  throw ConfigError(
      "'" + name + "' names a LADSPA plugin, but this fxgraph was built without LADSPA",
      {.key = "plugin"});
#endif
}

}  // namespace fxgraph
