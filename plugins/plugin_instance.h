#pragma once
// PluginInstance: one loaded, instantiated plugin, as HostedPluginNode drives it. The
// LV2 and LADSPA hosts implement it (lv2_instance.cpp, ladspa_catalog.cpp), so the node
// holds no format-specific code.
//
// Threads
//   - Construction (instantiation), activate, deactivate, destruction: a control thread
//     (HostedPluginNode's prepare), never the audio thread.
//   - connect_port, run: the audio thread. They never allocate, lock or throw.

#include <cstdint>
#include <memory>

namespace fxgraph {

class PluginInstance {
 public:
  virtual ~PluginInstance() = default;

  /// Connects port `index` to `data` (a float buffer, a control value or, for LV2
  /// event ports, an atom sequence). Audio thread, or a control thread before run.
  virtual void connect_port(std::uint32_t index, void* data) noexcept = 0;
  /// Control thread. The plugin's state is as after instantiation once activated.
  virtual void activate() = 0;
  virtual void deactivate() = 0;
  /// Runs the plugin for `frames` frames (at most the plugin's block size). Audio thread.
  virtual void run(std::uint32_t frames) noexcept = 0;
};

}  // namespace fxgraph
