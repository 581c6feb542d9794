#include "fxgraph/nodes/generators/noise.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {
// splitmix64 spreads nearby seeds (0, 1, 2 …) into unrelated generator states.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

NoiseNode::NoiseNode(std::uint32_t channels, std::uint64_t seed, double burst_ms)
    : Node(std::string(kType)), seed_(seed), burst_ms_(burst_ms) {
  if (!(burst_ms >= 0.0) || burst_ms > 3.6e6)
    throw ConfigError(
        "burst_ms must be from 0 (endless) to 3600000 ms, got " + std::to_string(burst_ms),
        {.key = "burst_ms"});
  add_output("out", channels);
  add_parameter({.name = "amplitude",
                 .min = 0.0,
                 .max = 10.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "peak amplitude"});
  amplitude_.jump_to(0.5);
}

void NoiseNode::on_prepare(const PrepareInfo& info) {
  state_.resize(info.output_channels[0]);
  gains_.assign(info.max_block, 0.0f);
  amplitude_.prepare(info.sample_rate, 0.010);
  // At least one frame, so a short burst at a low rate is not endless.
  burst_frames_ = burst_ms_ > 0.0
                      ? std::max<std::uint64_t>(
                            1, std::uint64_t(std::llround(burst_ms_ * 1e-3 * info.sample_rate)))
                      : 0;
  on_reset();
}

void NoiseNode::on_reset() noexcept {
  played_ = 0;
  for (std::size_t c = 0; c < state_.size(); ++c) {
    state_[c] = splitmix64(seed_ * 1000003ull + c);
    if (state_[c] == 0) state_[c] = 1;  // xorshift's one forbidden state
  }
}

void NoiseNode::on_parameter(std::size_t, double value) noexcept {
  amplitude_.set_target(value);
}

void NoiseNode::do_process(const ProcessContext& ctx) noexcept {
  const AudioView& out = ctx.outputs[0];
  for (std::uint32_t i = 0; i < ctx.frames; ++i) gains_[i] = float(amplitude_.next());
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    std::uint64_t s = state_[c];
    float* y = out.channels[c];
    for (std::uint32_t i = 0; i < ctx.frames; ++i) {
      s ^= s >> 12;
      s ^= s << 25;
      s ^= s >> 27;
      // Top 24 bits → [0, 1) exactly representable in float, then to [-1, 1).
      const float unit = float((s * 0x2545f4914f6cdd1dull) >> 40) * (1.0f / 16777216.0f);
      y[i] = (2.0f * unit - 1.0f) * gains_[i];
    }
    state_[c] = s;
    // After the burst: silence (the generator runs on, so the seed's sequence and the
    // burst's content do not depend on the block sizes).
    if (burst_frames_ != 0)
      for (std::uint64_t i = burst_frames_ > played_ ? burst_frames_ - played_ : 0; i < ctx.frames;
           ++i)
        y[i] = 0.0f;
  }
  played_ += ctx.frames;
}

}  // namespace fxgraph
