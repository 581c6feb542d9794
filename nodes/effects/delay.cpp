#include "fxgraph/nodes/effects/delay.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/denormals.h"
#include "fxgraph/nodes/effects/decay_tail.h"
#include "fxgraph/nodes/effects/line_runs.h"

namespace fxgraph {

DelayNode::DelayNode(DelayStrategy strategy, double max_time_ms, double time_ms)
    : Node(std::string(kType)),
      strategy_(strategy),
      max_time_ms_(std::max(max_time_ms, kMaxTimeMs)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "time_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = max_time_ms_,
                 .default_value = std::clamp(time_ms, 0.0, max_time_ms_),
                 .description = "delay time (used when time_samples is 0)"});
  add_parameter({.name = "time_samples",
                 .unit = "samples",
                 .min = 0,
                 .max = 960000,
                 .default_value = 0,
                 .kind = ParameterKind::integer,
                 .description = "delay time in samples; 0 uses time_ms (clamped to the line)"});
  add_parameter({.name = "feedback",
                 .min = 0.0,
                 .max = 0.99,
                 .default_value = 0.35,
                 .description = "share of the delayed signal fed back into the line"});
  add_parameter({.name = "mix",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "dry/wet balance (0 dry only, 1 wet only)"});
  add_parameter({.name = "taps",
                 .min = 1,
                 .max = kMaxTaps,
                 .default_value = 1,
                 .kind = ParameterKind::integer,
                 .description = "echo taps at 1×, 2×, … the delay time, each 0.7× the last"});
  for (std::uint32_t k = 0; k < kMaxTaps; ++k) tap_level_[k] = float(std::pow(kTapDecay, k));
  mix_.jump_to(0.5);
}

DelayStrategy DelayNode::parse_strategy(const std::string& name) {
  if (name == "mono") return DelayStrategy::mono;
  if (name == "ping_pong" || name == "pingpong" || name == "ping-pong")
    return DelayStrategy::ping_pong;
  throw ConfigError("delay: unknown strategy '" + name + "': valid strategies are mono, ping_pong");
}

std::vector<std::uint32_t> DelayNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  if (strategy_ == DelayStrategy::mono) return Node::output_channels(input_channels);
  const std::uint32_t in = input_channels.empty() ? 1 : input_channels[0];
  if (in > 2)
    throw GraphError("delay with strategy ping_pong takes a mono or stereo input, got " +
                     std::to_string(in) + " channels");
  return {2};
}

void DelayNode::on_parameter(std::size_t index, double value) noexcept {
  if (index != kMix) return;
  mix_.set_target(value);
}

std::uint32_t DelayNode::target_delay() const noexcept {
  const double samples = value(kTimeSamples) > 0.0
                             ? value(kTimeSamples)
                             : std::round(value(kTimeMs) * sample_rate_ / 1000.0);
  // A zero delay would make the feedback loop instantaneous: one sample is the minimum.
  return std::uint32_t(std::clamp(samples, 1.0, double(max_delay_)));
}

void DelayNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  channels_ = info.output_channels.empty() ? 1 : info.output_channels[0];
  max_delay_ = std::max<std::uint32_t>(
      1, std::uint32_t(std::lround(max_time_ms_ * info.sample_rate / 1000.0)));
  capacity_ = std::bit_ceil(max_delay_ + 1);
  mask_ = capacity_ - 1;
  lines_.assign(std::size_t(channels_) * capacity_, 0.0f);
  feedback_.assign(channels_, 0.0f);
  ramp_.assign(info.max_block, 0.0f);
  write_ = 0;
  delay_ = next_delay_ = target_delay();
  fading_ = false;
  fade_length_ =
      std::max<std::uint32_t>(1, std::uint32_t(std::lround(kCrossfadeSeconds * sample_rate_)));
  mix_.prepare(info.sample_rate, kRampSeconds);
  mix_.jump_to(value(kMix));
}

void DelayNode::on_reset() noexcept {
  std::fill(lines_.begin(), lines_.end(), 0.0f);
  write_ = 0;
  delay_ = next_delay_ = target_delay();
  fading_ = false;
  mix_.jump_to(mix_.target());
}

float DelayNode::taps_sum(std::uint32_t channel, std::uint32_t delay,
                          std::uint32_t taps) const noexcept {
  float sum = read(channel, delay);
  for (std::uint32_t k = 2; k <= taps; ++k) {
    const std::uint64_t d = std::uint64_t(delay) * k;
    if (d >= capacity_) break;  // longer than the line: silent
    sum += tap_level_[k - 1] * read(channel, std::uint32_t(d));
  }
  return sum;
}

void DelayNode::process_plain(const ConstAudioView& in, const AudioView& out,
                              std::uint32_t channels, std::uint32_t n, float fb, bool ramping,
                              float steady_mix) noexcept {
  const std::uint32_t delay = delay_;
  for (std::uint32_t c = 0; c < channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)];
    float* y = out.channels[c];
    float* line = lines_.data() + std::size_t(c) * capacity_;
    for_each_line_run(write_, delay, n, capacity_,
                      [&](std::uint32_t i, std::uint32_t r, std::uint32_t w, std::uint32_t len) {
                        const float* __restrict delayed = line + r;
                        float* __restrict into_line = line + w;
                        const float* __restrict dry = x + i;
                        float* __restrict result = y + i;
                        const float* __restrict mix = ramp_.data() + i;
                        for (std::uint32_t k = 0; k < len; ++k) {
                          const float wet = delayed[k];
                          const float m = ramping ? mix[k] : steady_mix;
                          into_line[k] = dry[k] + fb * wet;
                          result[k] = dry[k] * (1.0f - m) + wet * m;
                        }
                      });
  }
  write_ = (write_ + n) & mask_;
}

void DelayNode::do_process(const ProcessContext& ctx) noexcept {
  dsp::ScopedFlushDenormals no_denormals;
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const std::uint32_t channels = std::min(out.num_channels, channels_);
  if (channels == 0 || in.num_channels == 0) return;

  const std::uint32_t target = target_delay();
  if (!fading_ && target != delay_) {
    next_delay_ = target;
    fade_position_ = 0;
    fading_ = true;
  }
  const float fb = float(value(kFeedback));
  const std::uint32_t taps = std::uint32_t(value(kTaps));
  const bool ping_pong = strategy_ == DelayStrategy::ping_pong && channels >= 2;

  const bool ramping = mix_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(mix_.next());
  const float steady_mix = float(mix_.current());

  if (!fading_ && !ping_pong && taps == 1 && delay_ >= 1) {
    process_plain(in, out, channels, n, fb, ramping, steady_mix);
    return;
  }

  for (std::uint32_t i = 0; i < n; ++i) {
    const float m = ramping ? ramp_[i] : steady_mix;
    float fade = 0.0f;
    if (fading_) fade = float(fade_position_) / float(fade_length_);

    // Read every line before writing any: ping-pong lines feed each other.
    for (std::uint32_t c = 0; c < channels; ++c) {
      float wet = taps_sum(c, delay_, taps);
      float back = read(c, delay_);
      if (fading_) {
        wet += fade * (taps_sum(c, next_delay_, taps) - wet);
        back += fade * (read(c, next_delay_) - back);
      }
      feedback_[c] = back;
      const float dry = in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)][i];
      out.channels[c][i] = dry * (1.0f - m) + wet * m;
    }
    if (ping_pong) {
      const float mono =
          in.num_channels == 1 ? in.channels[0][i] : 0.5f * (in.channels[0][i] + in.channels[1][i]);
      lines_[write_] = mono + fb * feedback_[1];
      lines_[capacity_ + write_] = fb * feedback_[0];
    } else {
      for (std::uint32_t c = 0; c < channels; ++c) {
        const float x = in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)][i];
        lines_[std::size_t(c) * capacity_ + write_] = x + fb * feedback_[c];
      }
    }
    write_ = (write_ + 1) & mask_;
    if (fading_ && ++fade_position_ >= fade_length_) {
      delay_ = next_delay_;
      fading_ = false;
    }
  }
}

}  // namespace fxgraph

namespace fxgraph {

Tail DelayNode::tail() const {
  // The line holds at most 1 / (1 - feedback) and loses `feedback` per delay time; the
  // output sums the taps (levels 0.7^k, at most 1 / 0.3 together) up to taps × delay
  // back, and a crossfade may still be reading the previous, longer time.
  const double samples = requested_value(kTimeSamples) > 0.0
                             ? requested_value(kTimeSamples)
                             : std::round(requested_value(kTimeMs) * sample_rate_ / 1000.0);
  const std::uint64_t delay = std::max<std::uint64_t>(
      {std::uint64_t(std::clamp(samples, 1.0, double(max_delay_))), delay_, next_delay_});
  const double feedback = requested_value(kFeedback);
  const double peak = 1.0 / (1.0 - std::min(feedback, 0.999)) / (1.0 - kTapDecay);
  const auto taps = std::uint64_t(std::max(1.0, requested_value(kTaps)));
  const std::uint64_t periods = saturating_add(taps, loops_to_decay(feedback, peak));
  return {.frames = saturating_multiply(periods, delay), .quiet_gap = delay};
}

}  // namespace fxgraph
