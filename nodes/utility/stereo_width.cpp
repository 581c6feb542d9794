#include "fxgraph/nodes/utility/stereo_width.h"

#include <algorithm>

#include "fxgraph/nodes/utility/stereo_pairs.h"

namespace fxgraph {

StereoWidthNode::StereoWidthNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "width",
                 .min = 0.0,
                 .max = 4.0,
                 .default_value = 1.0,
                 .smoothing = Smoothing::ramped,
                 .description = "side-signal scale: 0 mono, 1 unchanged, 2 twice as wide"});
  width_.jump_to(1.0);
}

void StereoWidthNode::on_prepare(const PrepareInfo& info) {
  width_.prepare(info.sample_rate, kRampSeconds);
  ramp_.assign(info.max_block, 1.0f);
}

void StereoWidthNode::on_parameter(std::size_t, double value) noexcept {
  width_.set_target(value);
}

void StereoWidthNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  if (width_.is_ramping()) {
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(width_.next());
  } else {
    std::fill_n(ramp_.data(), n, float(width_.current()));
  }
  const float* w = ramp_.data();
  for (std::uint32_t c = 0; c + 1 < out.num_channels; c += 2) {
    const float* xl = in.channels[c];
    const float* xr = in.channels[c + 1];
    float* yl = out.channels[c];
    float* yr = out.channels[c + 1];
    for (std::uint32_t i = 0; i < n; ++i) {
      const float mid = 0.5f * (xl[i] + xr[i]);
      const float side = 0.5f * (xl[i] - xr[i]) * w[i];
      yl[i] = mid + side;
      yr[i] = mid - side;
    }
  }
  pass_unpaired_channel(in, out, n);
}

}  // namespace fxgraph
