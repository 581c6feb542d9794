#include "fxgraph/nodes/torchfx/delay.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/note_value.h"

namespace fxgraph::torchfx {

DelayNode::DelayNode(TempoSync sync) : Node(std::string(kType)), sync_(sync) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "delay_samples",
                 .unit = "samples",
                 .min = 1,
                 .max = kMaxDelay,
                 .default_value = 4410,
                 .kind = ParameterKind::integer,
                 .description = "spacing of the taps in samples (set from bpm when it is given)"});
  add_parameter({.name = "feedback",
                 .min = 0.0,
                 .max = 0.95,
                 .default_value = 0.3,
                 .description = "tap k is at feedback^(k-1)"});
  add_parameter({.name = "mix",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.2,
                 .description = "0 the input, 1 the taps alone (torch.lerp(x, taps, mix))"});
  add_parameter({.name = "taps",
                 .min = 1,
                 .max = kMaxTaps,
                 .default_value = 3,
                 .kind = ParameterKind::integer,
                 .description = "number of echoes"});
  add_parameter({.name = "strategy",
                 .min = 0,
                 .max = 1,
                 .default_value = mono,
                 .kind = ParameterKind::choice,
                 .description = "mono (each channel its own echoes) or ping_pong (stereo: "
                                "odd taps left → right, even taps right → left)",
                 .choices = {"mono", "ping_pong"}});
  update_tap_gains();
}

std::int64_t DelayNode::synced_samples(double bars, double bpm, double sample_rate) noexcept {
  // torchfx's arithmetic, in its order (typing.MusicalTime, Delay._calculate_delay_samples).
  const double beat = 60.0 / bpm;
  const double bar = beat * 4;
  return std::int64_t(bars * bar * sample_rate);
}

std::shared_ptr<Node> DelayNode::create(const NodeOptions& options) {
  const std::string where = options.where().empty() ? "" : " (" + options.where() + ")";
  if (!options.has("bpm")) {
    if (options.has("delay_time"))
      throw ConfigError("Delay: delay_time needs bpm" + where, {.key = "delay_time"});
    return std::make_shared<DelayNode>();
  }
  const double bpm = options.number("bpm", 120.0);
  if (!(bpm > 0.0) || bpm > 1000.0)
    throw ConfigError("Delay: bpm must lie in (0, 1000]" + where, {.key = "bpm"});
  const std::string time = options.text("delay_time", "1/8");
  NoteValue note;
  try {
    note = NoteValue::parse(time);
  } catch (Error& error) {
    error.add_context({.key = "delay_time"});
    throw;
  }
  const double bars = double(note.numerator) / double(note.denominator) * note.multiplier;
  return std::make_shared<DelayNode>(TempoSync{.bpm = bpm, .bars = bars});
}

void DelayNode::update_tap_gains() noexcept {
  // torchfx: 1.0 for the first tap, feedback ** (tap - 1) (a Python double) after it.
  const double feedback = value(kFeedback);
  for (std::uint32_t k = 1; k <= kMaxTaps; ++k)
    tap_gains_[k - 1] = k == 1 ? 1.0f : float(std::pow(feedback, double(k - 1)));
}

void DelayNode::on_request(std::size_t index, double value) {
  if (index != kDelaySamples && index != kTaps) return;
  const double span = requested_value(kDelaySamples) * requested_value(kTaps);
  if (span > double(kMaxSpan))
    throw ParameterError("Delay: taps × delay_samples = " + std::to_string(std::uint64_t(span)) +
                         " frames exceeds the " + std::to_string(kMaxSpan) + " a delay may span");
  if (is_prepared() && span > double(longest_))
    throw ParameterError("Delay: taps × delay_samples = " + std::to_string(std::uint64_t(span)) +
                         " frames is more than the " + std::to_string(longest_) +
                         " this running delay has room for; configure it before the node starts");
  (void)value;
}

void DelayNode::on_parameter(std::size_t index, double) noexcept {
  if (index == kFeedback) update_tap_gains();
}

void DelayNode::on_prepare(const PrepareInfo& info) {
  channels_ = info.output_channels.empty() ? 1 : info.output_channels[0];
  std::int64_t delay = std::int64_t(value(kDelaySamples));
  if (sync_.bpm > 0.0) {
    delay = synced_samples(sync_.bars, sync_.bpm, info.sample_rate);
    if (delay < 1 || delay > std::int64_t(kMaxDelay))
      throw ParameterError("Delay: the synced delay is " + std::to_string(delay) +
                               " samples at this rate; it must lie in 1 … " +
                               std::to_string(kMaxDelay),
                           {.key = "bpm"});
  }
  const auto span = std::uint64_t(delay) * std::uint64_t(value(kTaps));
  const auto room = std::uint64_t(kMinLineSeconds * info.sample_rate);
  longest_ = std::min(std::max(span, room), kMaxSpan);
  if (sync_.bpm > 0.0) configure_parameter("delay_samples", double(delay));
  // Room for the block being written as well, so no tap reads a frame this block overwrote.
  capacity_ = std::bit_ceil(std::uint32_t(longest_ + info.max_block + 1));
  mask_ = capacity_ - 1;
  lines_.assign(std::size_t(channels_) * capacity_, 0.0f);
  delayed_.assign(info.max_block, 0.0f);
  write_ = 0;
}

void DelayNode::on_reset() noexcept {
  std::fill(lines_.begin(), lines_.end(), 0.0f);
  write_ = 0;
}

void DelayNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const std::uint32_t channels = std::min(out.num_channels, channels_);
  if (channels == 0 || in.num_channels == 0) return;
  const auto input = [&](std::uint32_t c) {
    return in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)];
  };

  // Store the block first: a tap shorter than the block reads this block's input.
  for (std::uint32_t c = 0; c < channels; ++c) {
    float* line = lines_.data() + std::size_t(c) * capacity_;
    const float* x = input(c);
    for (std::uint32_t i = 0; i < n; ++i) line[(write_ + i) & mask_] = x[i];
  }

  const auto delay = std::uint32_t(value(kDelaySamples));
  const auto taps = std::uint32_t(value(kTaps));
  const bool crossed = int(value(kStrategy)) == Strategy::ping_pong && channels == 2;
  const float mix = float(value(kMix));
  float* d = delayed_.data();
  for (std::uint32_t c = 0; c < channels; ++c) {
    std::fill(d, d + n, 0.0f);
    for (std::uint32_t k = 1; k <= taps; ++k) {
      // Ping-pong: the right channel hears the left's odd taps, the left the right's even.
      std::uint32_t source = c;
      if (crossed) {
        if ((k % 2 == 1) != (c == 1)) continue;
        source = 1 - c;
      }
      const float* line = lines_.data() + std::size_t(source) * capacity_;
      const float g = tap_gains_[k - 1];
      const std::uint32_t back = k * delay;
      for (std::uint32_t i = 0; i < n; ++i) d[i] += line[(write_ + i - back) & mask_] * g;
    }
    const float* x = input(c);
    float* y = out.channels[c];
    // torch.lerp's two forms, chosen by the weight as torch chooses them.
    if (mix < 0.5f) {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] + mix * (d[i] - x[i]);
    } else {
      const float rest = 1.0f - mix;
      for (std::uint32_t i = 0; i < n; ++i) y[i] = d[i] - (d[i] - x[i]) * rest;
    }
  }
  write_ = (write_ + n) & mask_;
}

Tail DelayNode::tail() const {
  // The last tap of the input's last frame sounds taps · delay_samples frames later.
  const auto delay = std::uint64_t(std::max(1.0, requested_value(kDelaySamples)));
  const auto taps = std::uint64_t(std::max(1.0, requested_value(kTaps)));
  return {.frames = delay * taps, .quiet_gap = delay};
}

}  // namespace fxgraph::torchfx
