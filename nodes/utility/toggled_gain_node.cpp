#include "fxgraph/nodes/utility/toggled_gain_node.h"

namespace fxgraph {

ToggledGainNode::ToggledGainNode(std::string type, std::string name, std::string description,
                                 float on, float off, bool on_by_default)
    : Node(std::move(type)), on_(on), off_(off) {
  add_input("in");
  add_output("out");
  add_parameter({.name = std::move(name),
                 .min = 0,
                 .max = 1,
                 .default_value = on_by_default ? 1.0 : 0.0,
                 .smoothing = Smoothing::ramped,
                 .kind = ParameterKind::toggle,
                 .description = std::move(description)});
  gain_.jump_to(on_by_default ? on_ : off_);
}

void ToggledGainNode::on_prepare(const PrepareInfo& info) {
  gain_.prepare(info.sample_rate, kRampSeconds);
  ramp_.assign(info.max_block, 0.0f);
}

void ToggledGainNode::on_parameter(std::size_t, double value) noexcept {
  gain_.set_target(value != 0.0 ? on_ : off_);
}

void ToggledGainNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const bool ramping = gain_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(gain_.next());
  const float g = float(gain_.current());
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    float* y = out.channels[c];
    if (ramping) {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * ramp_[i];
    } else {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * g;
    }
  }
}

}  // namespace fxgraph
