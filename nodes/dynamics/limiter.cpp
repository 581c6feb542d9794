#include "fxgraph/nodes/dynamics/limiter.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dynamics/ballistics.h"

namespace fxgraph {

namespace {
constexpr double kUnity = double(1u << 30);  // the boxcar's fixed-point 1.0
constexpr float kMargin = 1.0f - 1e-6f;
}  // namespace

LimiterNode::LimiterNode(double lookahead_ms, PeakMode mode)
    : Node(std::string(kType)), lookahead_ms_(lookahead_ms), mode_(mode) {
  if (!(lookahead_ms > 0.0 && lookahead_ms <= kMaxLookaheadMs))
    throw ConfigError("limiter: lookahead_ms must be in (0, " +
                          std::to_string(int(kMaxLookaheadMs)) + "] ms, got " +
                          std::to_string(lookahead_ms),
                      {.key = "lookahead_ms"});
  add_input("in");
  add_output("out");
  add_parameter({.name = "ceiling_db",
                 .unit = "dBFS",
                 .min = -60.0,
                 .max = 0.0,
                 .default_value = -1.0,
                 .description = "the output never exceeds this level"});
  add_parameter({.name = "release_ms",
                 .unit = "ms",
                 .min = 1.0,
                 .max = 5000.0,
                 .default_value = 100.0,
                 .description = "time constant τ of the gain coming back (63% in τ)"});
  meter_ = add_meter({.name = "gain_reduction_db",
                      .unit = "dB",
                      .initial_value = 0.0,
                      .description = "how far the gain is turned down now (≥ 0)"});
  update_ceiling();
}

std::uint64_t LimiterNode::latency() const {
  return audio_delay_;
}

void LimiterNode::update_ceiling() noexcept {
  ceiling_ = float(std::pow(10.0, value(kCeilingDb) / 20.0)) * kMargin;
}

void LimiterNode::on_parameter(std::size_t index, double) noexcept {
  if (index == kCeilingDb) update_ceiling();
  if (index == kReleaseMs) release_step_ = dynamics::one_pole_step(value(kReleaseMs), sample_rate_);
}

void LimiterNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  const std::uint32_t channels = info.output_channels.empty() ? 1 : info.output_channels[0];
  lookahead_ = std::max<std::uint32_t>(
      1, std::uint32_t(std::lround(lookahead_ms_ * info.sample_rate / 1000.0)));
  window_ = lookahead_ + 1;
  audio_delay_ =
      lookahead_ + (mode_ == PeakMode::true_peak ? dynamics::TruePeakDetector::delay() : 0);
  if (mode_ == PeakMode::true_peak) true_peak_.prepare(channels);
  const std::uint32_t queue_size = std::bit_ceil(window_ + 1);
  queue_value_.assign(queue_size, 1.0f);
  queue_frame_.assign(queue_size, 0);
  queue_mask_ = queue_size - 1;
  boxcar_.assign(window_, std::uint32_t(kUnity));
  history_stride_ = audio_delay_ + info.max_block;
  history_.assign(std::size_t(channels) * history_stride_, 0.0f);
  gain_block_.assign(info.max_block, 1.0f);
  release_step_ = dynamics::one_pole_step(value(kReleaseMs), sample_rate_);
  update_ceiling();
  on_reset();
}

void LimiterNode::on_reset() noexcept {
  true_peak_.reset();
  queue_head_ = queue_tail_ = frame_ = 0;
  std::fill(boxcar_.begin(), boxcar_.end(), std::uint32_t(kUnity));
  boxcar_sum_ = std::uint64_t(kUnity) * window_;
  boxcar_pos_ = 0;
  gain_ = 1.0f;
  std::fill(history_.begin(), history_.end(), 0.0f);
  publish_meter(meter_, 0.0);
}

void LimiterNode::gains(float* required, std::uint32_t frames) noexcept {
  const double to_gain = 1.0 / (kUnity * window_);
  float* values = queue_value_.data();
  std::uint64_t* queue_frames = queue_frame_.data();
  std::uint64_t head = queue_head_, tail = queue_tail_, frame = frame_;
  std::uint64_t sum = boxcar_sum_;
  std::uint32_t pos = boxcar_pos_;
  double gain = gain_;
  for (std::uint32_t i = 0; i < frames; ++i, ++frame) {
    // Sliding minimum: drop queued values no smaller than the new one, then the front
    // if it left the window.
    const float r = required[i];
    while (tail != head && values[(tail - 1) & queue_mask_] >= r) --tail;
    values[tail & queue_mask_] = r;
    queue_frames[tail & queue_mask_] = frame;
    ++tail;
    if (queue_frames[head & queue_mask_] + window_ <= frame) ++head;
    // Boxcar of the minima, in fixed point rounded down (never above the true mean).
    const auto step = std::uint32_t(values[head & queue_mask_] * float(kUnity));
    sum += step;
    sum -= boxcar_[pos];
    boxcar_[pos] = step;
    pos = pos + 1 == window_ ? 0 : pos + 1;
    const double average = double(sum) * to_gain;
    gain = average < gain ? average : gain + release_step_ * (average - gain);
    required[i] = float(gain);
  }
  queue_head_ = head;
  queue_tail_ = tail;
  frame_ = frame;
  boxcar_sum_ = sum;
  boxcar_pos_ = pos;
  gain_ = gain;
}

void LimiterNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  float* gain = gain_block_.data();
  if (mode_ == PeakMode::true_peak) {
    true_peak_.run(in, n, gain);
  } else {
    for (std::uint32_t i = 0; i < n; ++i) gain[i] = std::fabs(in.channels[0][i]);
    for (std::uint32_t c = 1; c < in.num_channels; ++c) {
      const float* x = in.channels[c];
      for (std::uint32_t i = 0; i < n; ++i) gain[i] = std::max(gain[i], std::fabs(x[i]));
    }
  }
  // Required gain: ceiling / peak, at most 1 (a silent frame gives inf, then 1).
  const float ceiling = ceiling_;
  for (std::uint32_t i = 0; i < n; ++i) gain[i] = std::min(1.0f, ceiling / gain[i]);
  gains(gain, n);
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    float* delayed = history_.data() + std::size_t(c) * history_stride_;
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    std::copy_n(x, n, delayed + audio_delay_);
    float* y = out.channels[c];
    for (std::uint32_t i = 0; i < n; ++i) y[i] = delayed[i] * gain[i];
    std::copy_n(delayed + n, audio_delay_, delayed);
  }
  if (n > 0) publish_meter(meter_, -20.0 * std::log10(std::max(1e-12, double(gain[n - 1]))));
}

}  // namespace fxgraph
