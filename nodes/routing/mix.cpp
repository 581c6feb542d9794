#include "fxgraph/nodes/routing/mix.h"

#include <algorithm>
#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

MixNode::MixNode(std::uint32_t inputs) : Node(std::string(kType)), gains_(inputs) {
  if (inputs == 0) throw ConfigError("mix needs at least one input");
  for (std::uint32_t i = 0; i < inputs; ++i) {
    add_input(std::to_string(i));
    add_parameter({.name = "gain_" + std::to_string(i),
                   .unit = "x",
                   .min = -10.0,
                   .max = 10.0,
                   .default_value = 1.0,
                   .smoothing = Smoothing::ramped,
                   .description = "linear gain of input " + std::to_string(i)});
    gains_[i].jump_to(1.0);
  }
  add_output("out");
}

std::vector<std::uint32_t> MixNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  std::uint32_t widest = 1;
  for (auto c : input_channels) widest = std::max(widest, c);
  for (std::size_t i = 0; i < input_channels.size(); ++i)
    if (input_channels[i] != 1 && input_channels[i] != widest)
      throw GraphError("mix input " + std::to_string(i) + " has " +
                       std::to_string(input_channels[i]) + " channels but another has " +
                       std::to_string(widest) + " (only mono inputs are spread)");
  return {widest};
}

void MixNode::on_prepare(const PrepareInfo& info) {
  for (auto& g : gains_) g.prepare(info.sample_rate, 0.010);
  ramp_.assign(info.max_block, 0.0f);
}

void MixNode::on_parameter(std::size_t index, double value) noexcept {
  gains_[index].set_target(value);
}

void MixNode::do_process(const ProcessContext& ctx) noexcept {
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  for (std::uint32_t c = 0; c < out.num_channels; ++c)
    std::memset(out.channels[c], 0, n * sizeof(float));
  for (std::size_t k = 0; k < ctx.inputs.size(); ++k) {
    const ConstAudioView& in = ctx.inputs[k];
    SmoothedValue& gain = gains_[k];
    const bool ramping = gain.is_ramping();
    if (ramping)
      for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(gain.next());
    const float g = float(gain.current());
    for (std::uint32_t c = 0; c < out.num_channels; ++c) {
      const float* x = in.channels[in.num_channels == 1 ? 0 : c];
      float* y = out.channels[c];
      if (ramping) {
        for (std::uint32_t i = 0; i < n; ++i) y[i] += x[i] * ramp_[i];
      } else {
        for (std::uint32_t i = 0; i < n; ++i) y[i] += x[i] * g;
      }
    }
  }
}

}  // namespace fxgraph
