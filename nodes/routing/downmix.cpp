#include "fxgraph/nodes/routing/downmix.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph {
namespace {

constexpr float kMinus3Db = 0.70710678f;  // ITU-R BS.775's centre and surround weight
enum Surround : std::uint32_t { L, R, C, LFE, Ls, Rs };

}  // namespace

DownmixNode::DownmixNode(std::uint32_t channels) : Node(std::string(kType)), channels_(channels) {
  add_input("in");
  add_output("out", channels);
}

std::vector<float> DownmixNode::matrix(std::uint32_t inputs, std::uint32_t outputs) {
  std::vector<float> m(std::size_t(outputs) * inputs, 0.0f);
  auto at = [&](std::uint32_t out, std::uint32_t in) -> float& {
    return m[std::size_t(out) * inputs + in];
  };
  if (inputs == outputs) {
    for (std::uint32_t c = 0; c < inputs; ++c) at(c, c) = 1.0f;
  } else if (inputs == 1) {
    for (std::uint32_t c = 0; c < outputs; ++c) at(c, 0) = 1.0f;
  } else if (inputs == 6 && (outputs == 2 || outputs == 1)) {
    const float scale = outputs == 2 ? 1.0f : 0.5f;  // mono: the mean of L' and R'
    const std::uint32_t left = 0, right = outputs == 2 ? 1 : 0;
    at(left, L) += scale;
    at(right, R) += scale;
    at(left, C) += scale * kMinus3Db;
    at(right, C) += scale * kMinus3Db;
    at(left, Ls) += scale * kMinus3Db;
    at(right, Rs) += scale * kMinus3Db;
  } else if (outputs == 1) {
    for (std::uint32_t c = 0; c < inputs; ++c) at(0, c) = 1.0f / float(inputs);
  } else {
    throw GraphError("downmix: no standard matrix from " + std::to_string(inputs) + " to " +
                     std::to_string(outputs) +
                     " channels (it converts 5.1 to stereo, any count to mono, mono to any "
                     "count); pick channels with channel_select");
  }
  return m;
}

std::vector<std::uint32_t> DownmixNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  matrix(input_channels.empty() ? 1 : input_channels[0], channels_);  // refuses early
  return {channels_};
}

void DownmixNode::on_prepare(const PrepareInfo& info) {
  inputs_ = info.input_channels.empty() ? 1 : std::max(1u, info.input_channels[0]);
  matrix_ = matrix(inputs_, channels_);
}

void DownmixNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t inputs = std::min(in.num_channels, inputs_);
  for (std::uint32_t o = 0; o < out.num_channels && o < channels_; ++o) {
    float* y = out.channels[o];
    std::fill(y, y + ctx.frames, 0.0f);
    for (std::uint32_t i = 0; i < inputs; ++i) {
      const float g = coefficient(o, i);
      if (g == 0.0f) continue;
      const float* x = in.channels[i];
      for (std::uint32_t n = 0; n < ctx.frames; ++n) y[n] += g * x[n];
    }
  }
}

}  // namespace fxgraph
