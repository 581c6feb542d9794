#include "fxgraph/nodes/utility/pan.h"

#include <cmath>
#include <numbers>

#include "fxgraph/nodes/utility/stereo_pairs.h"

namespace fxgraph {

PanNode::PanNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "pan",
                 .min = -1.0,
                 .max = 1.0,
                 .default_value = 0.0,
                 .smoothing = Smoothing::ramped,
                 .description = "position: -1 left, 0 centre, 1 right (constant power)"});
}

std::vector<std::uint32_t> PanNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  const std::uint32_t in = input_channels.empty() ? 1 : input_channels[0];
  return {in == 1 ? 2u : in};
}

void PanNode::on_prepare(const PrepareInfo& info) {
  pan_.prepare(info.sample_rate, kRampSeconds);
  left_.assign(info.max_block, 0.0f);
  right_.assign(info.max_block, 0.0f);
}

void PanNode::on_parameter(std::size_t, double value) noexcept {
  pan_.set_target(value);
}

void PanNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  // A mono source is placed; a pair is balanced, √2 louder so the centre is unity.
  const double scale = in.num_channels == 1 ? 1.0 : std::numbers::sqrt2;
  auto gains_at = [&](double pan, float& left, float& right) {
    const double theta = (pan + 1.0) * std::numbers::pi / 4.0;
    left = float(scale * std::cos(theta));
    right = float(scale * std::sin(theta));
  };
  if (pan_.is_ramping()) {
    for (std::uint32_t i = 0; i < n; ++i) gains_at(pan_.next(), left_[i], right_[i]);
  } else {
    float l, r;
    gains_at(pan_.current(), l, r);
    std::fill_n(left_.data(), n, l);
    std::fill_n(right_.data(), n, r);
  }
  const float* gl = left_.data();
  const float* gr = right_.data();
  for (std::uint32_t c = 0; c + 1 < out.num_channels; c += 2) {
    const float* xl = in.channels[in.num_channels == 1 ? 0 : c];
    const float* xr = in.channels[in.num_channels == 1 ? 0 : c + 1];
    float* yl = out.channels[c];
    float* yr = out.channels[c + 1];
    for (std::uint32_t i = 0; i < n; ++i) {
      yl[i] = xl[i] * gl[i];
      yr[i] = xr[i] * gr[i];
    }
  }
  pass_unpaired_channel(in, out, n);
}

}  // namespace fxgraph
