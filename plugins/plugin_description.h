#pragma once
// PluginDescription: what fxgraph knows about one installed LV2 or LADSPA plugin before
// it loads its code — its ports, their ranges and hints, its latency port and whether
// it is hard-realtime capable. Both hosts (lv2_catalog.h, ladspa_catalog.h) fill one
// from their metadata; HostedPluginNode and `fxgraph plugins` read it, so the two
// formats look the same from the graph's side.
//
// What it does not do: load the plugin's library or instantiate anything (see
// plugin_instance.h for that).

#include <cstdint>
#include <string>
#include <vector>

#include "fxgraph/engine/parameters.h"

namespace fxgraph {

enum class PluginFormat : std::uint8_t { lv2, ladspa };

/// The role of one plugin port in the node built around it.
enum class PluginPortRole : std::uint8_t {
  audio_input,     ///< a channel of the node's input port
  audio_output,    ///< a channel of the node's output port
  control_input,   ///< a parameter
  control_output,  ///< a meter (or the node's latency)
  event_input,     ///< LV2 atom sequence in: given an empty sequence every block
  event_output,    ///< LV2 atom sequence out: given a buffer, its content dropped
  cv_input,        ///< LV2 CV in: fed silence
  cv_output,       ///< LV2 CV out: written to scratch
};

struct PluginPort {
  std::uint32_t index = 0;  ///< the plugin's own port index
  PluginPortRole role = PluginPortRole::audio_input;
  std::string symbol;  ///< the parameter/meter name (LV2 symbol; LADSPA: from its name)
  std::string name;    ///< the plugin's human-readable name
  /// For control ports: range, default, kind (integer/toggle/choice) and unit.
  ParameterSpec parameter;
  bool logarithmic = false;      ///< the plugin suggests a logarithmic control
  bool reports_latency = false;  ///< this control output is the plugin's latency
  /// For LV2 event ports: the smallest buffer the plugin accepts (rsz:minimumSize), bytes.
  std::uint32_t minimum_buffer_bytes = 0;
};

struct PluginDescription {
  PluginFormat format = PluginFormat::lv2;
  /// How a graph names the plugin: the LV2 URI, or "library:label" for LADSPA.
  std::string id;
  std::string label;  ///< LADSPA label (empty for LV2)
  std::string name;
  std::uint64_t unique_id = 0;  ///< LADSPA unique id (0 for LV2)
  std::string library;          ///< the shared library's path
  std::vector<PluginPort> ports;
  bool hard_rt_capable = false;
  /// LV2 features the plugin cannot run without (URIs).
  std::vector<std::string> required_features;

  std::uint32_t count(PluginPortRole role) const noexcept;
  std::uint32_t audio_inputs() const noexcept { return count(PluginPortRole::audio_input); }
  std::uint32_t audio_outputs() const noexcept { return count(PluginPortRole::audio_output); }
  /// A plugin with one audio input and one output runs once per channel of the stream.
  bool is_mono_effect() const noexcept { return audio_inputs() == 1 && audio_outputs() == 1; }
  /// The control output that reports latency; nullptr when there is none.
  const PluginPort* latency_port() const noexcept;
};

/// A parameter name made from a LADSPA port name: "Gain (dB)" → "gain_db".
std::string symbol_from_name(const std::string& name);

/// "lv2" or "ladspa".
const char* format_name(PluginFormat format) noexcept;

}  // namespace fxgraph
