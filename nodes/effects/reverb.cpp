#include "fxgraph/nodes/effects/reverb.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/nodes/dsp/denormals.h"
#include "fxgraph/nodes/effects/decay_tail.h"

namespace fxgraph {

namespace {
// Freeverb's published tunings, in samples at 44.1 kHz.
constexpr std::array<std::uint32_t, ReverbNode::kCombs> kCombTuning = {1116, 1188, 1277, 1356,
                                                                       1422, 1491, 1557, 1617};
constexpr std::array<std::uint32_t, ReverbNode::kAllpasses> kAllpassTuning = {556, 441, 341, 225};
constexpr double kTuningRate = 44100.0;
constexpr std::uint32_t kStereoSpread = 23;
// Freeverb feeds (L + R) · 0.015 to both tanks; a tank per channel sees one channel, so
// it gets twice the gain for the same wet level.
constexpr float kInputGain = 0.03f;
constexpr float kAllpassFeedback = 0.5f;
constexpr double kRoomScale = 0.28;
constexpr double kRoomOffset = 0.7;
constexpr double kDampScale = 0.4;

std::uint32_t scaled(std::uint32_t samples, double rate) {
  return std::max<std::uint32_t>(1, std::uint32_t(std::lround(samples * rate / kTuningRate)));
}
}  // namespace

ReverbNode::ReverbNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "room_size",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .description = "room size: longer tail as it grows (comb feedback 0.7 … 0.98)"});
  add_parameter({.name = "damping",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .description = "high-frequency damping of the tail"});
  add_parameter({.name = "mix",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.3,
                 .smoothing = Smoothing::ramped,
                 .description = "dry/wet balance (0 dry only, 1 wet only)"});
  add_parameter({.name = "width",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 1.0,
                 .description = "stereo width of the wet signal per channel pair"});
  add_parameter({.name = "pre_delay",
                 .unit = "ms",
                 .min = 0.0,
                 .max = kMaxPreDelayMs,
                 .default_value = 0.0,
                 .description = "delay before the reverb tail starts"});
  mix_.jump_to(0.3);
  update_coefficients();
}

void ReverbNode::update_coefficients() noexcept {
  feedback_ = float(value(kRoomSize) * kRoomScale + kRoomOffset);
  damp1_ = float(value(kDamping) * kDampScale);
  damp2_ = 1.0f - damp1_;
}

void ReverbNode::on_parameter(std::size_t index, double value) noexcept {
  if (index == kMix) {
    mix_.set_target(value);
    return;
  }
  update_coefficients();
}

void ReverbNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  const std::uint32_t channels = info.output_channels.empty() ? 1 : info.output_channels[0];
  const std::uint32_t pre_length =
      std::uint32_t(std::lround(kMaxPreDelayMs / 1000.0 * info.sample_rate)) + 1;
  const std::uint32_t spread = scaled(kStereoSpread, info.sample_rate);

  tanks_.assign(channels, Tank{});
  std::size_t total = 0;
  for (std::uint32_t c = 0; c < channels; ++c) {
    Tank& t = tanks_[c];
    const std::uint32_t offset = (c % 2 == 1) ? spread : 0;
    for (std::size_t k = 0; k < kCombs; ++k) {
      t.comb_length[k] = scaled(kCombTuning[k], info.sample_rate) + offset;
      total += t.comb_length[k];
    }
    for (std::size_t k = 0; k < kAllpasses; ++k) {
      t.allpass_length[k] = scaled(kAllpassTuning[k], info.sample_rate) + offset;
      total += t.allpass_length[k];
    }
    t.pre_length = pre_length;
    total += pre_length;
  }
  memory_.assign(total, 0.0f);
  float* p = memory_.data();
  for (Tank& t : tanks_) {
    for (std::size_t k = 0; k < kCombs; ++k) {
      t.comb[k] = p;
      p += t.comb_length[k];
    }
    for (std::size_t k = 0; k < kAllpasses; ++k) {
      t.allpass[k] = p;
      p += t.allpass_length[k];
    }
    t.pre = p;
    p += t.pre_length;
  }
  scratch_.assign(info.max_block, 0.0f);
  ramp_.assign(info.max_block, 0.0f);
  mix_.prepare(info.sample_rate, kRampSeconds);
  mix_.jump_to(value(kMix));
  update_coefficients();
}

void ReverbNode::on_reset() noexcept {
  std::fill(memory_.begin(), memory_.end(), 0.0f);
  for (Tank& t : tanks_) {
    t.comb_position.fill(0);
    t.comb_store.fill(0.0f);
    t.allpass_position.fill(0);
    t.pre_position = 0;
  }
  mix_.jump_to(mix_.target());
}

const float* ReverbNode::pre_delay(Tank& t, const float* in, std::uint32_t frames,
                                   std::uint32_t delay) noexcept {
  // The pre-delay line is always written, so changing pre_delay reads valid history.
  float* out = scratch_.data();
  std::uint32_t w = t.pre_position;
  std::uint32_t r = w >= delay ? w - delay : w + t.pre_length - delay;
  for (std::uint32_t i = 0; i < frames; ++i) {
    t.pre[w] = in[i];
    out[i] = t.pre[r];
    if (++w == t.pre_length) w = 0;
    if (++r == t.pre_length) r = 0;
  }
  t.pre_position = w;
  return delay == 0 ? in : out;
}

void ReverbNode::run_tank(Tank& t, const float* in, float* out, std::uint32_t frames) noexcept {
  const float fb = feedback_;
  const float d1 = damp1_;
  const float d2 = damp2_;
  // Locals, so the compiler keeps the eight filter states in registers.
  float s0 = t.comb_store[0], s1 = t.comb_store[1], s2 = t.comb_store[2], s3 = t.comb_store[3];
  float s4 = t.comb_store[4], s5 = t.comb_store[5], s6 = t.comb_store[6], s7 = t.comb_store[7];
  std::uint32_t i = 0;
  while (i < frames) {
    // A run of frames in which no line wraps: the inner loop needs no index checks.
    std::uint32_t run = frames - i;
    for (std::size_t k = 0; k < kCombs; ++k)
      run = std::min(run, t.comb_length[k] - t.comb_position[k]);
    for (std::size_t k = 0; k < kAllpasses; ++k)
      run = std::min(run, t.allpass_length[k] - t.allpass_position[k]);

    float* __restrict c0 = t.comb[0] + t.comb_position[0];
    float* __restrict c1 = t.comb[1] + t.comb_position[1];
    float* __restrict c2 = t.comb[2] + t.comb_position[2];
    float* __restrict c3 = t.comb[3] + t.comb_position[3];
    float* __restrict c4 = t.comb[4] + t.comb_position[4];
    float* __restrict c5 = t.comb[5] + t.comb_position[5];
    float* __restrict c6 = t.comb[6] + t.comb_position[6];
    float* __restrict c7 = t.comb[7] + t.comb_position[7];
    float* __restrict a0 = t.allpass[0] + t.allpass_position[0];
    float* __restrict a1 = t.allpass[1] + t.allpass_position[1];
    float* __restrict a2 = t.allpass[2] + t.allpass_position[2];
    float* __restrict a3 = t.allpass[3] + t.allpass_position[3];
    const float* __restrict x = in + i;
    float* __restrict y = out + i;

    for (std::uint32_t j = 0; j < run; ++j) {
      const float input = x[j] * kInputGain;
      float acc;
      {
        // Lowpass-feedback comb: the line's output is lowpassed, scaled and fed back.
        const float o0 = c0[j], o1 = c1[j], o2 = c2[j], o3 = c3[j];
        const float o4 = c4[j], o5 = c5[j], o6 = c6[j], o7 = c7[j];
        s0 = o0 * d2 + s0 * d1;
        s1 = o1 * d2 + s1 * d1;
        s2 = o2 * d2 + s2 * d1;
        s3 = o3 * d2 + s3 * d1;
        s4 = o4 * d2 + s4 * d1;
        s5 = o5 * d2 + s5 * d1;
        s6 = o6 * d2 + s6 * d1;
        s7 = o7 * d2 + s7 * d1;
        c0[j] = input + s0 * fb;
        c1[j] = input + s1 * fb;
        c2[j] = input + s2 * fb;
        c3[j] = input + s3 * fb;
        c4[j] = input + s4 * fb;
        c5[j] = input + s5 * fb;
        c6[j] = input + s6 * fb;
        c7[j] = input + s7 * fb;
        acc = ((o0 + o1) + (o2 + o3)) + ((o4 + o5) + (o6 + o7));
      }
      // Schroeder all-passes in series: diffuse the comb echoes into a dense tail.
      float b = a0[j];
      a0[j] = acc + b * kAllpassFeedback;
      acc = b - acc;
      b = a1[j];
      a1[j] = acc + b * kAllpassFeedback;
      acc = b - acc;
      b = a2[j];
      a2[j] = acc + b * kAllpassFeedback;
      acc = b - acc;
      b = a3[j];
      a3[j] = acc + b * kAllpassFeedback;
      acc = b - acc;
      y[j] = acc;
    }

    for (std::size_t k = 0; k < kCombs; ++k) {
      t.comb_position[k] += run;
      if (t.comb_position[k] == t.comb_length[k]) t.comb_position[k] = 0;
    }
    for (std::size_t k = 0; k < kAllpasses; ++k) {
      t.allpass_position[k] += run;
      if (t.allpass_position[k] == t.allpass_length[k]) t.allpass_position[k] = 0;
    }
    i += run;
  }
  t.comb_store = {s0, s1, s2, s3, s4, s5, s6, s7};
}

void ReverbNode::do_process(const ProcessContext& ctx) noexcept {
  dsp::ScopedFlushDenormals no_denormals;
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const std::uint32_t channels =
      std::min<std::uint32_t>(out.num_channels, std::uint32_t(tanks_.size()));

  const double pre_ms = value(kPreDelay);
  std::uint32_t pre = 0;
  if (!tanks_.empty())
    pre = std::min(std::uint32_t(std::lround(pre_ms * sample_rate_ / 1000.0)),
                   tanks_[0].pre_length - 1);

  // 1. Wet signal of every channel, written straight into the outputs.
  for (std::uint32_t c = 0; c < channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    run_tank(tanks_[c], pre_delay(tanks_[c], x, n, pre), out.channels[c], n);
  }

  // 2. Width: cross-mix the wet signals of each channel pair.
  const float width = float(value(kWidth));
  if (width < 1.0f) {
    const float w1 = 0.5f * (1.0f + width);
    const float w2 = 0.5f * (1.0f - width);
    for (std::uint32_t c = 0; c + 1 < channels; c += 2) {
      float* __restrict l = out.channels[c];
      float* __restrict r = out.channels[c + 1];
      for (std::uint32_t i = 0; i < n; ++i) {
        const float wl = l[i], wr = r[i];
        l[i] = w1 * wl + w2 * wr;
        r[i] = w1 * wr + w2 * wl;
      }
    }
  }

  // 3. Dry/wet. With mix 0 the result is the dry input exactly (x·1 + wet·0).
  const bool ramping = mix_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(mix_.next());
  const float m = float(mix_.current());
  const float* ramp = ramp_.data();
  for (std::uint32_t c = 0; c < channels; ++c) {
    const float* __restrict x = in.channels[in.num_channels == 1 ? 0 : c];
    float* __restrict y = out.channels[c];
    if (ramping) {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * (1.0f - ramp[i]) + y[i] * ramp[i];
    } else {
      const float dry = 1.0f - m;
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * dry + y[i] * m;
    }
  }
}

}  // namespace fxgraph

namespace fxgraph {

Tail ReverbNode::tail() const {
  // Bounds, input within [-1, 1]: each comb holds at most kInputGain / (1 - feedback)
  // (its damping lowpass has unity gain) and loses `feedback` per round trip of its
  // length; the eight sum; each all-pass has an impulse response of absolute sum
  // 1 + 1 / (1 - g) = 3 and loses g per round trip; mix and width scale by at most 1.
  // Pre-delay first, then the longest comb's decay, then each all-pass ringing out.
  const double rate = is_prepared() ? prepared_info().sample_rate : sample_rate_;
  const double feedback = requested_value(kRoomSize) * kRoomScale + kRoomOffset;
  const double allpass_gain = 1.0 + 1.0 / (1.0 - kAllpassFeedback);
  const double allpass_chain = std::pow(allpass_gain, double(kAllpasses));
  const double comb_sum = double(kCombs) * kInputGain / (1.0 - feedback);
  const std::uint64_t spread = scaled(kStereoSpread, rate);
  const std::uint64_t longest_comb = scaled(kCombTuning.back(), rate) + spread;
  const auto pre = std::uint64_t(std::lround(requested_value(kPreDelay) / 1000.0 * rate)) + 1;

  std::uint64_t frames = saturating_add(
      pre,
      saturating_multiply(loops_to_decay(feedback, comb_sum * allpass_chain * 2.0), longest_comb));
  for (std::uint32_t length : kAllpassTuning)
    frames = saturating_add(
        frames,
        saturating_multiply(loops_to_decay(kAllpassFeedback, comb_sum * allpass_chain * 2.0 * 4.0),
                            scaled(length, rate) + spread));
  return {.frames = frames, .quiet_gap = pre + longest_comb};
}

}  // namespace fxgraph
