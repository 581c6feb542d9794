#include "fxgraph/nodes/generators/sine.h"

#include <cmath>
#include <numbers>

namespace fxgraph {

SineNode::SineNode(std::uint32_t channels) : Node(std::string(kType)) {
  add_output("out", channels);
  add_parameter({.name = "frequency",
                 .unit = "Hz",
                 .min = 0.0,
                 .max = 192000.0,
                 .default_value = 440.0,
                 .description = "tone frequency"});
  add_parameter({.name = "amplitude",
                 .min = 0.0,
                 .max = 10.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "peak amplitude"});
  amplitude_.jump_to(0.5);
}

void SineNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  amplitude_.prepare(info.sample_rate, 0.010);
}

void SineNode::on_parameter(std::size_t index, double value) noexcept {
  if (index != kAmplitude) return;
  amplitude_.set_target(value);
}

void SineNode::do_process(const ProcessContext& ctx) noexcept {
  const AudioView& out = ctx.outputs[0];
  const double increment = value(kFrequency) / sample_rate_;
  float* first = out.channels[0];
  for (std::uint32_t i = 0; i < ctx.frames; ++i) {
    first[i] = float(amplitude_.next() * std::sin(2.0 * std::numbers::pi * phase_));
    phase_ += increment;
    phase_ -= std::floor(phase_);
  }
  for (std::uint32_t c = 1; c < out.num_channels; ++c)
    for (std::uint32_t i = 0; i < ctx.frames; ++i) out.channels[c][i] = first[i];
}

}  // namespace fxgraph
