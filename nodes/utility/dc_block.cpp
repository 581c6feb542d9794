#include "fxgraph/nodes/utility/dc_block.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fxgraph {

DcBlockNode::DcBlockNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "cutoff_hz",
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 200.0,
                 .default_value = 10.0,
                 .description = "corner of the high-pass (-3 dB)"});
  update();
}

void DcBlockNode::update() noexcept {
  pole_ = std::exp(-2.0 * std::numbers::pi * value(kCutoffHz) / sample_rate_);
  gain_ = 0.5 * (1.0 + pole_);
}

Tail DcBlockNode::tail() const {
  // For inputs in [-1, 1] the state is at most 2 (the step response's overshoot is
  // below 1 and |x[n] - x[n-1]| ≤ 2); it then decays by the pole each frame.
  const double frames = std::log(Tail::kThreshold / 4.0) / std::log(pole_);
  return {.frames = std::uint64_t(std::ceil(frames)) + 1};
}

void DcBlockNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  const std::uint32_t channels = info.output_channels.empty() ? 1 : info.output_channels[0];
  last_in_.assign(channels, 0.0);
  last_out_.assign(channels, 0.0);
  update();
}

void DcBlockNode::on_parameter(std::size_t, double) noexcept {
  update();
}

void DcBlockNode::on_reset() noexcept {
  std::fill(last_in_.begin(), last_in_.end(), 0.0);
  std::fill(last_out_.begin(), last_out_.end(), 0.0);
}

void DcBlockNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  for (std::uint32_t c = 0; c < out.num_channels && c < last_in_.size(); ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    float* y = out.channels[c];
    double x1 = last_in_[c], y1 = last_out_[c];
    for (std::uint32_t i = 0; i < ctx.frames; ++i) {
      y1 = gain_ * (double(x[i]) - x1) + pole_ * y1;
      x1 = x[i];
      y[i] = float(y1);
    }
    // Flush a decayed state to zero so silence does not end in denormals.
    last_in_[c] = x1;
    last_out_[c] = std::fabs(y1) < 1e-30 ? 0.0 : y1;
  }
}

}  // namespace fxgraph
