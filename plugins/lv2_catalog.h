#pragma once
// The LV2 host (through lilv): describes the installed plugins and instantiates them
// with the features hosts are expected to give — urid map/unmap, options (sample rate,
// bounded block length, nominal and largest block), the worker (work runs on a thread
// of its own, never the audio thread), state (a preset by URI, else the plugin's
// default state) and log.
//
// A plugin that requires a feature fxgraph lacks is refused with that feature's URI.
// The lilv world is loaded once per process (LV2_PATH is honoured); every call is
// thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "fxgraph/plugins/hosted_plugin_node.h"
#include "fxgraph/plugins/plugin_description.h"

namespace fxgraph {

/// Every installed LV2 plugin, sorted by URI.
std::vector<PluginDescription> lv2_plugins();

/// The plugin with this URI. Throws ConfigError (key "plugin") for an unknown URI (with
/// close matches), for a port type fxgraph cannot feed, and for a required feature
/// fxgraph does not provide (naming it).
PluginDescription find_lv2_plugin(const std::string& uri);

/// The presets of a plugin (URIs, with their labels), for `fxgraph plugins URI`.
std::vector<std::pair<std::string, std::string>> lv2_presets(const std::string& uri);

/// What HostedPluginNode needs to run an LV2 plugin: the factory, and the control
/// values of the preset (or default state) to start from.
struct Lv2Loaded {
  PluginInstanceFactory factory;
  std::vector<std::pair<std::string, double>> state_port_values;  ///< symbol → value
};

/// Prepares instantiation of `plugin` with `preset` (a preset URI; empty: the plugin's
/// default state, if it has one). Throws ConfigError (key "preset") for an unknown preset.
Lv2Loaded lv2_instance_factory(const PluginDescription& plugin, const std::string& preset);

/// The features fxgraph provides (URIs), for messages and `fxgraph plugins URI`.
std::vector<std::string> lv2_supported_features();

}  // namespace fxgraph
