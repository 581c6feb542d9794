#include "fxgraph/plugins/hosted_plugin_node.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

HostedPluginNode::HostedPluginNode(std::string type, PluginDescription description,
                                   PluginInstanceFactory factory, std::uint32_t plugin_block)
    : Node(std::move(type)),
      description_(std::move(description)),
      factory_(std::move(factory)),
      block_option_(plugin_block) {
  const std::uint32_t ins = description_.audio_inputs();
  const std::uint32_t outs = description_.audio_outputs();
  const std::string plugin =
      format_name(description_.format) + std::string(" plugin '") + description_.id + "'";
  if (ins == 0 && outs == 0)
    throw ConfigError(plugin + " has no audio ports, so it cannot be a node in an audio graph",
                      {.key = "plugin"});
  if (outs == 0)
    throw ConfigError(plugin + " has no audio outputs (an analyser?); fxgraph needs at least one",
                      {.key = "plugin"});
  // A mono effect follows the stream's width (one instance per channel); any other
  // layout is the plugin's own channel counts.
  if (ins > 0) add_input("in", description_.is_mono_effect() ? kAnyChannels : ins);
  add_output("out", description_.is_mono_effect() ? kAnyChannels : outs);

  for (const PluginPort& port : description_.ports) {
    switch (port.role) {
      case PluginPortRole::audio_input:
        audio_in_ports_.push_back(port.index);
        break;
      case PluginPortRole::audio_output:
        audio_out_ports_.push_back(port.index);
        break;
      case PluginPortRole::control_input:
        control_in_ports_.push_back(port.index);
        add_parameter(port.parameter);
        break;
      case PluginPortRole::control_output:
        if (port.reports_latency) latency_meter_ = int(control_out_ports_.size());
        control_out_ports_.push_back(port.index);
        add_meter({.name = port.symbol,
                   .unit = port.reports_latency ? "frames" : port.parameter.unit,
                   .initial_value = port.parameter.default_value,
                   .description = port.name});
        break;
      default:
        break;  // LV2 event and CV ports: the instance connects them itself
    }
  }
}

HostedPluginNode::~HostedPluginNode() {
  release_instances();
}

void HostedPluginNode::release_instances() noexcept {
  for (Instance& instance : instances_) {
    try {
      instance.plugin->deactivate();
    } catch (...) {
      // Nothing to report to: the plugin goes away next.
    }
  }
  instances_.clear();
}

void HostedPluginNode::on_prepare(const PrepareInfo& info) {
  release_instances();
  run_block_ = std::max<std::uint32_t>(1, std::min(block_option_, info.max_block));
  const std::size_t count =
      description_.is_mono_effect() ? std::max<std::uint32_t>(1, info.output_channels.at(0)) : 1;
  input_scratch_.resize(std::uint32_t(std::max<std::size_t>(count, audio_in_ports_.size())),
                        run_block_);
  AudioBuffer output_scratch(std::uint32_t(std::max<std::size_t>(count, audio_out_ports_.size())),
                             run_block_);

  std::vector<Instance> made;
  for (std::size_t i = 0; i < count; ++i) {
    Instance instance{factory_(info.sample_rate, run_block_),
                      std::vector<float>(description_.ports.size(), 0.0f)};
    for (std::size_t p = 0; p < control_in_ports_.size(); ++p)
      instance.port_values[control_in_ports_[p]] = float(requested_value(p));
    for (std::size_t m = 0; m < control_out_ports_.size(); ++m)
      instance.port_values[control_out_ports_[m]] = float(meters()[m].initial_value);
    for (std::uint32_t port : control_in_ports_)
      instance.plugin->connect_port(port, &instance.port_values[port]);
    for (std::uint32_t port : control_out_ports_)
      instance.plugin->connect_port(port, &instance.port_values[port]);
    made.push_back(std::move(instance));
  }
  instances_ = std::move(made);

  // One block of silence tells the latency (plugins set their latency output in run);
  // re-activating then clears what that block left in the plugin.
  for (Instance& instance : instances_) instance.plugin->activate();
  for (Instance& instance : instances_) {
    for (std::size_t c = 0; c < audio_in_ports_.size(); ++c)
      instance.plugin->connect_port(audio_in_ports_[c], input_scratch_.channel(std::uint32_t(c)));
    for (std::size_t c = 0; c < audio_out_ports_.size(); ++c)
      instance.plugin->connect_port(audio_out_ports_[c], output_scratch.channel(std::uint32_t(c)));
    instance.plugin->run(run_block_);
    instance.plugin->deactivate();
    instance.plugin->activate();
  }
  publish_meters();
}

void HostedPluginNode::do_process(const ProcessContext& ctx) noexcept {
  for (std::uint32_t offset = 0; offset < ctx.frames; offset += run_block_)
    run_chunk(ctx, offset, std::min(run_block_, ctx.frames - offset));
  publish_meters();
}

void HostedPluginNode::run_chunk(const ProcessContext& ctx, std::uint32_t offset,
                                 std::uint32_t frames) noexcept {
  const AudioView& out = ctx.outputs[0];
  if (description_.is_mono_effect()) {
    const ConstAudioView& in = ctx.inputs[0];
    for (std::uint32_t c = 0; c < out.num_channels; ++c) {
      float* scratch = input_scratch_.channel(c);
      std::memcpy(scratch, in.channel(c) + offset, frames * sizeof(float));
      PluginInstance& plugin = *instances_[c].plugin;
      plugin.connect_port(audio_in_ports_[0], scratch);
      plugin.connect_port(audio_out_ports_[0], out.channel(c) + offset);
      plugin.run(frames);
    }
    return;
  }
  PluginInstance& plugin = *instances_[0].plugin;
  for (std::uint32_t c = 0; c < audio_in_ports_.size(); ++c) {
    float* scratch = input_scratch_.channel(c);
    std::memcpy(scratch, ctx.inputs[0].channel(c) + offset, frames * sizeof(float));
    plugin.connect_port(audio_in_ports_[c], scratch);
  }
  for (std::uint32_t c = 0; c < audio_out_ports_.size(); ++c)
    plugin.connect_port(audio_out_ports_[c], out.channel(c) + offset);
  plugin.run(frames);
}

void HostedPluginNode::publish_meters() noexcept {
  if (instances_.empty()) return;
  const std::vector<float>& values = instances_.front().port_values;
  for (std::size_t m = 0; m < control_out_ports_.size(); ++m)
    publish_meter(m, double(values[control_out_ports_[m]]));
}

void HostedPluginNode::on_parameter(std::size_t index, double value) noexcept {
  for (Instance& instance : instances_)
    instance.port_values[control_in_ports_[index]] = float(value);
}

void HostedPluginNode::on_reset() noexcept {
  input_scratch_.clear();
}

std::uint64_t HostedPluginNode::latency() const {
  if (latency_meter_ < 0) return 0;
  const double frames = meter_value(std::size_t(latency_meter_));
  return std::isfinite(frames) && frames > 0.0 ? std::uint64_t(std::lround(frames)) : 0;
}

std::string HostedPluginNode::live_refusal() const {
  if (description_.hard_rt_capable) return {};
  return std::string(format_name(description_.format)) + " plugin '" + description_.id +
         "' is not hard-realtime capable (" +
         (description_.format == PluginFormat::lv2 ? "no lv2:hardRTCapable"
                                                   : "no LADSPA_PROPERTY_HARD_RT_CAPABLE") +
         "), so it may block the audio thread; use it offline (fxgraph run/process)";
}

}  // namespace fxgraph
