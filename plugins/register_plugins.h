#pragma once
// What plugins/ exports to the catalog: the `lv2` and `ladspa` node types, and the
// list of installed plugins for `fxgraph plugins`. Each format is compiled in when its
// library was found (FXGRAPH_WITH_LV2, FXGRAPH_WITH_LADSPA).

#include <string>
#include <vector>

#include "fxgraph/engine/node_registry.h"
#include "fxgraph/plugins/plugin_description.h"

namespace fxgraph {

/// Adds `lv2` and/or `ladspa`: `{type: lv2, plugin: URI, controls: {ratio: 4}}`,
/// `{type: ladspa, plugin: amp_mono}`. Control values may also be given as settings
/// of their own (`ratio: 4`), which is how a --chain gives them.
void register_plugin_nodes(NodeRegistry& registry);

/// Every installed plugin of the formats compiled in: LV2 first (by URI), then LADSPA.
std::vector<PluginDescription> installed_plugins();

/// The plugin `name` names: an LV2 URI (it contains "://"), else a LADSPA label,
/// library:label or unique id. Throws ConfigError with close matches when unknown.
PluginDescription find_plugin(const std::string& name);

}  // namespace fxgraph
