#pragma once
// HostedPluginNode: an LV2 or LADSPA plugin as a graph node.
//
// Aims
//   The plugin's audio inputs are the channels of the node's input port "in", its audio
//   outputs those of "out"; a plugin with one input and one output (a mono effect) runs
//   one instance per channel of whatever stream it is given, as PipeWire's filter-chain
//   does. Control inputs are parameters named by their symbol (`comp.threshold`),
//   control outputs are meters, and the control output that reports latency is the
//   node's latency().
//
// Threads
//   - Construction: the parameter table comes from the description; no plugin code
//     runs. prepare (control thread) instantiates and activates the instances, runs them
//     once on silence to read their latency, and re-activates them so they start clean.
//   - do_process (audio thread) copies the inputs to scratch, connects the ports, runs
//     each instance in blocks of at most the plugin's block size (larger blocks are
//     split) and publishes the control outputs. Parameter changes land in the control
//     values before the next run. No allocation, lock or throw there.
//
// What it does not do: reset() cannot clear a plugin's internal state (activate and
// deactivate are not audio-thread calls in either format); the node's own scratch is
// cleared. With one instance per channel, meters show the first channel's instance.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/live_capability.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/plugins/plugin_description.h"
#include "fxgraph/plugins/plugin_instance.h"

namespace fxgraph {

/// Instantiates the plugin for a sample rate and a largest block (control thread).
using PluginInstanceFactory =
    std::function<std::unique_ptr<PluginInstance>(double sample_rate, std::uint32_t max_block)>;

class HostedPluginNode : public Node, public LiveCapability {
 public:
  /// Largest block a plugin is run with unless the node's `block` option says less.
  static constexpr std::uint32_t kDefaultPluginBlock = 4096;

  /// `type` is the registry type ("lv2", "ladspa"); `plugin_block` the largest block the
  /// plugin is run with (larger ones are split). Throws ConfigError for a plugin without
  /// audio outputs.
  HostedPluginNode(std::string type, PluginDescription description, PluginInstanceFactory factory,
                   std::uint32_t plugin_block);
  ~HostedPluginNode() override;

  const PluginDescription& description() const noexcept { return description_; }
  /// The block size the plugin runs with once prepared (min of `block` and max_block).
  std::uint32_t plugin_block() const noexcept { return run_block_; }
  /// Instances running (one per channel for a mono effect); 0 before prepare.
  std::size_t instance_count() const noexcept { return instances_.size(); }

  /// The value of the plugin's latency output, in frames (0 without one).
  std::uint64_t latency() const override;
  std::string live_refusal() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  /// One instance and the control values it reads and writes, indexed by port.
  struct Instance {
    std::unique_ptr<PluginInstance> plugin;
    std::vector<float> port_values;
  };

  void run_chunk(const ProcessContext& ctx, std::uint32_t offset, std::uint32_t frames) noexcept;
  void publish_meters() noexcept;
  void release_instances() noexcept;

  PluginDescription description_;
  PluginInstanceFactory factory_;
  std::uint32_t block_option_;
  std::vector<std::uint32_t> audio_in_ports_;     // plugin port index per input channel
  std::vector<std::uint32_t> audio_out_ports_;    // … per output channel
  std::vector<std::uint32_t> control_in_ports_;   // per parameter
  std::vector<std::uint32_t> control_out_ports_;  // per meter
  int latency_meter_ = -1;

  std::vector<Instance> instances_;
  AudioBuffer input_scratch_;  // the inputs, copied: a plugin never sees our buffers
  std::uint32_t run_block_ = 0;
};

}  // namespace fxgraph
