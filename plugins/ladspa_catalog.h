#pragma once
// The LADSPA host: finds plugin libraries on LADSPA_PATH (or the standard folders),
// describes their plugins and instantiates them.
//
// A plugin is named by its label ("amp_mono"), by "library:label" when two libraries
// share a label ("cmt:amp_mono", "/usr/lib/ladspa/cmt.so:amp_mono"), or by its unique
// id ("1048"). Libraries are loaded once (dlopen) and stay loaded for the life of the
// process, so descriptors never dangle. Thread-safe.

#include <string>
#include <vector>

#include "fxgraph/plugins/hosted_plugin_node.h"
#include "fxgraph/plugins/plugin_description.h"

namespace fxgraph {

/// The folders searched, in order: LADSPA_PATH's entries when it is set, else
/// ~/.ladspa, /usr/local/lib/ladspa, /usr/lib/ladspa and the multiarch folder.
std::vector<std::string> ladspa_search_path();

/// Every plugin in every library on the search path (libraries that fail to load or
/// hold no plugins are skipped).
std::vector<PluginDescription> ladspa_plugins();

/// The plugin `name` names (label, library:label or unique id). Throws ConfigError
/// (key "plugin") for an unknown name, with close matches, for a library that is not
/// a LADSPA library, and for a label two libraries share.
PluginDescription find_ladspa_plugin(const std::string& name);

/// Instantiates `plugin` (from find_ladspa_plugin) for HostedPluginNode.
PluginInstanceFactory ladspa_instance_factory(const PluginDescription& plugin);

}  // namespace fxgraph
