#include "fxgraph/nodes/effects/echo.h"

#include <algorithm>
#include <bit>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/denormals.h"
#include "fxgraph/nodes/effects/decay_tail.h"
#include "fxgraph/nodes/effects/line_runs.h"

namespace fxgraph {

EchoNode::EchoNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "delay",
                 .unit = "samples",
                 .min = 1,
                 .max = kMaxDelay,
                 .default_value = 4410,
                 .kind = ParameterKind::integer,
                 .description = "echo spacing in samples"});
  add_parameter({.name = "decay",
                 .min = 0.0,
                 .max = 0.99,
                 .default_value = 0.5,
                 .description = "level of each echo relative to the one before"});
  add_parameter({.name = "mix",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "0 the input only; 1 the echo line alone, which holds the direct "
                                "sound and its echoes (torchfx's wet convention)"});
  mix_.jump_to(0.5);
}

void EchoNode::on_parameter(std::size_t index, double value) noexcept {
  if (index != kMix) return;
  mix_.set_target(value);
}

void EchoNode::on_request(std::size_t index, double value) {
  if (index == kDelay && is_prepared() && value > double(longest_))
    throw ParameterError(type() + ": delay " + std::to_string(std::uint32_t(value)) +
                         " samples is longer than the " + std::to_string(longest_) +
                         " this running echo has room for; configure it before the node starts");
}

void EchoNode::on_prepare(const PrepareInfo& info) {
  channels_ = info.output_channels.empty() ? 1 : info.output_channels[0];
  const auto room = std::uint32_t(std::min(double(kMaxDelay), kMinLineSeconds * info.sample_rate));
  longest_ = std::max(std::uint32_t(value(kDelay)), room);
  capacity_ = std::bit_ceil(longest_ + 1);
  mask_ = capacity_ - 1;
  lines_.assign(std::size_t(channels_) * capacity_, 0.0f);
  ramp_.assign(info.max_block, 0.0f);
  write_ = 0;
  mix_.prepare(info.sample_rate, kRampSeconds);
  mix_.jump_to(value(kMix));
}

void EchoNode::on_reset() noexcept {
  std::fill(lines_.begin(), lines_.end(), 0.0f);
  write_ = 0;
  mix_.jump_to(mix_.target());
}

void EchoNode::do_process(const ProcessContext& ctx) noexcept {
  dsp::ScopedFlushDenormals no_denormals;
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const std::uint32_t channels = std::min(out.num_channels, channels_);
  if (channels == 0 || in.num_channels == 0) return;

  const std::uint32_t delay = std::clamp<std::uint32_t>(std::uint32_t(value(kDelay)), 1, longest_);
  const float decay = float(value(kDecay));
  const bool ramping = mix_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(mix_.next());
  const float m = float(mix_.current());

  for (std::uint32_t c = 0; c < channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)];
    float* y = out.channels[c];
    float* line = lines_.data() + std::size_t(c) * capacity_;
    for_each_line_run(write_, delay, n, capacity_,
                      [&](std::uint32_t i, std::uint32_t r, std::uint32_t w, std::uint32_t len) {
                        const float* __restrict echo_in = line + r;
                        float* __restrict echo_out = line + w;
                        const float* __restrict dry = x + i;
                        float* __restrict wet_mix = y + i;
                        if (ramping) {
                          const float* __restrict mix = ramp_.data() + i;
                          for (std::uint32_t k = 0; k < len; ++k) {
                            const float wet = dry[k] + decay * echo_in[k];
                            echo_out[k] = wet;
                            wet_mix[k] = dry[k] * (1.0f - mix[k]) + wet * mix[k];
                          }
                        } else {
                          for (std::uint32_t k = 0; k < len; ++k) {
                            const float wet = dry[k] + decay * echo_in[k];
                            echo_out[k] = wet;
                            wet_mix[k] = dry[k] * (1.0f - m) + wet * m;
                          }
                        }
                      });
  }
  write_ = (write_ + n) & mask_;
}

}  // namespace fxgraph

namespace fxgraph {

Tail EchoNode::tail() const {
  // After the input stops the line holds at most 1 / (1 - decay) and loses `decay` per
  // round trip of `delay` frames; the output is mix times the line (at most 1).
  const double decay = requested_value(kDecay);
  const auto delay = std::uint64_t(std::max(1.0, requested_value(kDelay)));
  const std::uint64_t loops = loops_to_decay(decay, 1.0 / (1.0 - std::min(decay, 0.999)));
  return {.frames = saturating_multiply(loops, delay), .quiet_gap = delay};
}

}  // namespace fxgraph
