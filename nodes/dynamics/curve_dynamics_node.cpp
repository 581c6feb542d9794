#include "fxgraph/nodes/dynamics/curve_dynamics_node.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/nodes/dynamics/fast_decibels.h"

namespace fxgraph {

CurveDynamicsNode::CurveDynamicsNode(std::string type, KeyInput key, AttackMeans attack,
                                     const dynamics::CurveSettings& defaults, double max_ratio)
    : Node(std::move(type)), attack_means_(attack) {
  add_input("in");
  if (key == KeyInput::sidechain) add_input("sidechain");
  add_output("out");
  add_parameter({.name = "threshold_db",
                 .unit = "dB",
                 .min = -100.0,
                 .max = 0.0,
                 .default_value = defaults.threshold_db,
                 .description = "level where the curve bends (dBFS of the detector's level)"});
  add_parameter(
      {.name = "ratio",
       .min = 1.0,
       .max = max_ratio,
       .default_value = defaults.ratio,
       .description = "slope of the curve beyond the threshold (input dB per output dB)"});
  add_parameter({.name = "knee_db",
                 .unit = "dB",
                 .min = 0.0,
                 .max = 48.0,
                 .default_value = defaults.knee_db,
                 .description = "width of the soft knee centred on the threshold (0: hard)"});
  add_parameter({.name = "attack_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = 1000.0,
                 .default_value = 10.0,
                 .description = "time constant τ of the gain going down (63% of a step in τ)"});
  add_parameter({.name = "release_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = 10000.0,
                 .default_value = 100.0,
                 .description = "time constant τ of the gain coming back"});
  add_parameter({.name = "detector",
                 .min = 0,
                 .max = 1,
                 .default_value = 0,
                 .kind = ParameterKind::choice,
                 .description = "level detector: sample peak, or RMS over rms_ms",
                 .choices = {"peak", "rms"}});
  add_parameter({.name = "rms_ms",
                 .unit = "ms",
                 .min = 0.1,
                 .max = 1000.0,
                 .default_value = 10.0,
                 .description = "for detector rms: time constant of the mean square"});
  add_parameter({.name = "link",
                 .min = 0,
                 .max = 1,
                 .default_value = 1,
                 .kind = ParameterKind::toggle,
                 .description = "one gain for all channels (stereo-linked) or one per channel"});
  meter_ = add_meter({.name = "gain_reduction_db",
                      .unit = "dB",
                      .initial_value = 0.0,
                      .description = "how far the gain is turned down now (≥ 0)"});
}

std::vector<std::uint32_t> CurveDynamicsNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  return {input_channels.empty() ? 1u : input_channels[0]};
}

dynamics::CurveSettings CurveDynamicsNode::curve() const noexcept {
  return {.threshold_db = float(value(kThresholdDb)),
          .ratio = float(value(kRatio)),
          .knee_db = float(value(kKneeDb))};
}

void CurveDynamicsNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  const std::uint32_t channels = info.output_channels.empty() ? 1 : info.output_channels[0];
  ballistics_.assign(channels, {});
  mean_square_.assign(channels, 0.0);
  level_.assign(info.max_block, 0.0f);
  gain_db_.assign(info.max_block, 0.0f);
  makeup_ramp_.assign(info.max_block, 0.0f);
  makeup_.prepare(info.sample_rate, kRampSeconds);
  makeup_.jump_to(makeup_db());
  update_times();
  on_reset();
}

void CurveDynamicsNode::update_times() noexcept {
  // Attack is always the rising direction of what the ballistics hold (group_gain_db).
  for (auto& b : ballistics_) b.set_times(value(kAttackMs), value(kReleaseMs), sample_rate_);
}

void CurveDynamicsNode::on_parameter(std::size_t index, double) noexcept {
  if (index == kAttackMs || index == kReleaseMs) update_times();
  if (index <= kKneeDb) update_makeup();
}

void CurveDynamicsNode::on_reset() noexcept {
  for (auto& b : ballistics_) b.reset(0.0f);
  std::fill(mean_square_.begin(), mean_square_.end(), 0.0);
  makeup_.jump_to(makeup_.target());
  publish_meter(meter_, 0.0);
}

void CurveDynamicsNode::group_gain_db(const ConstAudioView& key, std::uint32_t first,
                                      std::uint32_t count, std::size_t group,
                                      std::uint32_t frames) noexcept {
  float* level = level_.data();
  float* gain_db = gain_db_.data();
  if (int(value(kDetector)) == rms) {
    // Mean square of the group's channels, smoothed (a recursion), then in dB.
    const float scale = 1.0f / float(count);
    for (std::uint32_t i = 0; i < frames; ++i) level[i] = 0.0f;
    for (std::uint32_t c = first; c < first + count; ++c) {
      const float* k = key.channels[c];
      for (std::uint32_t i = 0; i < frames; ++i) level[i] += k[i] * k[i] * scale;
    }
    const double step = dynamics::one_pole_step(value(kRmsMs), sample_rate_);
    double ms = mean_square_[group];
    for (std::uint32_t i = 0; i < frames; ++i) level[i] = float(ms += step * (level[i] - ms));
    mean_square_[group] = ms;
    for (std::uint32_t i = 0; i < frames; ++i)
      level[i] = 0.5f * dynamics::amplitude_to_db(level[i]);
  } else {
    const float* k0 = key.channels[first];
    for (std::uint32_t i = 0; i < frames; ++i) level[i] = std::fabs(k0[i]);
    for (std::uint32_t c = first + 1; c < first + count; ++c) {
      const float* k = key.channels[c];
      for (std::uint32_t i = 0; i < frames; ++i) level[i] = std::max(level[i], std::fabs(k[i]));
    }
    for (std::uint32_t i = 0; i < frames; ++i) level[i] = dynamics::amplitude_to_db(level[i]);
  }
  reductions(curve(), level, gain_db, frames);
  // The ballistics hold the larger value: the reduction when attack means more of it
  // (compressor), the gain when attack means less reduction (expander).
  auto& ballistics = ballistics_[group];
  if (attack_means_ == AttackMeans::more_reduction) {
    ballistics.run(gain_db, frames);
    for (std::uint32_t i = 0; i < frames; ++i) gain_db[i] = -gain_db[i];
  } else {
    for (std::uint32_t i = 0; i < frames; ++i) gain_db[i] = -gain_db[i];
    ballistics.run(gain_db, frames);
  }
}

void CurveDynamicsNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const ConstAudioView& key = ctx.inputs.size() > 1 ? ctx.inputs[1] : ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const bool ramping = makeup_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) makeup_ramp_[i] = float(makeup_.next());
  const float makeup = float(makeup_.current());
  const bool linked = value(kLink) != 0.0 || key.num_channels == 1;
  const std::uint32_t groups = linked ? 1 : out.num_channels;
  float largest_reduction = 0.0f;
  float* gain = gain_db_.data();
  for (std::uint32_t g = 0; g < groups; ++g) {
    // A linked group listens to every key channel; an unlinked one to its own (a
    // sidechain narrower than the input is reused from its first channel on).
    const std::uint32_t first = linked ? 0 : g % key.num_channels;
    const std::uint32_t count = linked ? key.num_channels : 1;
    group_gain_db(key, first, count, g, n);
    if (n > 0) largest_reduction = std::max(largest_reduction, -gain[n - 1]);
    if (ramping) {
      for (std::uint32_t i = 0; i < n; ++i)
        gain[i] = dynamics::db_to_amplitude(gain[i] + makeup_ramp_[i]);
    } else {
      for (std::uint32_t i = 0; i < n; ++i) gain[i] = dynamics::db_to_amplitude(gain[i] + makeup);
    }
    const std::uint32_t first_out = linked ? 0 : g;
    const std::uint32_t outs = linked ? out.num_channels : 1;
    for (std::uint32_t c = first_out; c < first_out + outs; ++c) {
      const float* x = in.channels[in.num_channels == 1 ? 0 : c];
      float* y = out.channels[c];
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * gain[i];
    }
  }
  publish_meter(meter_, largest_reduction);
}

}  // namespace fxgraph
