#include "fxgraph/nodes/torchfx/reverb.h"

#include <algorithm>
#include <bit>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/line_runs.h"
#include "fxgraph/nodes/effects/reverb.h"

namespace fxgraph::torchfx {

ReverbNode::ReverbNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "delay",
                 .unit = "samples",
                 .min = 1,
                 .max = kMaxDelay,
                 .default_value = 4410,
                 .kind = ParameterKind::integer,
                 .description = "the echo's delay in samples"});
  add_parameter({.name = "decay",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "the echo's level before the mix, strictly between 0 and 1"});
  add_parameter({.name = "mix",
                 .min = 0.0,
                 .max = 1.0,
                 .default_value = 0.5,
                 .smoothing = Smoothing::ramped,
                 .description = "the echo's share: the output is x + mix · decay · x[n - delay]"});
  k_.jump_to(float(0.5 * 0.5));
}

const std::vector<std::string>& ReverbNode::room_settings() {
  static const std::vector<std::string> names = {"room_size", "damping", "width", "pre_delay"};
  return names;
}

std::shared_ptr<Node> ReverbNode::create(const NodeOptions& options) {
  std::string room, echo;
  for (const std::string& name : room_settings())
    if (options.has(name) && room.empty()) room = name;
  for (const char* name : {"delay", "decay"})
    if (options.has(name) && echo.empty()) echo = name;
  if (room.empty()) return std::make_shared<ReverbNode>();
  if (!echo.empty())
    throw ConfigError("Reverb: '" + room + "' selects the room reverb, '" + echo +
                          "' torchfx's single echo; give the settings of one of them" +
                          (options.where().empty() ? "" : " (" + options.where() + ")"),
                      {.key = echo, .key_part = KeyPart::name});
  return std::make_shared<fxgraph::ReverbNode>();
}

void ReverbNode::on_request(std::size_t index, double value) {
  if (index == kDecay && !(value > 0.0 && value < 1.0))
    throw ParameterError("Reverb: decay must lie strictly between 0 and 1 (torchfx's range)");
  if (index == kDelay && is_prepared() && value > double(longest_))
    throw ParameterError("Reverb: delay " + std::to_string(std::uint32_t(value)) +
                         " samples is longer than the " + std::to_string(longest_) +
                         " this running node has room for; configure it before the node starts");
}

void ReverbNode::on_parameter(std::size_t index, double) noexcept {
  if (index == kDelay) return;
  // torchfx rounds mix · decay (a double) to float once: the same coefficient here.
  k_.set_target(float(value(kMix) * value(kDecay)));
}

void ReverbNode::on_prepare(const PrepareInfo& info) {
  channels_ = info.output_channels.empty() ? 1 : info.output_channels[0];
  const auto room = std::uint32_t(std::min(double(kMaxDelay), kMinLineSeconds * info.sample_rate));
  longest_ = std::max(std::uint32_t(value(kDelay)), room);
  capacity_ = std::bit_ceil(longest_ + 1);
  mask_ = capacity_ - 1;
  lines_.assign(std::size_t(channels_) * capacity_, 0.0f);
  ramp_.assign(info.max_block, 0.0f);
  write_ = 0;
  k_.prepare(info.sample_rate, kRampSeconds);
  k_.jump_to(float(value(kMix) * value(kDecay)));
}

void ReverbNode::on_reset() noexcept {
  std::fill(lines_.begin(), lines_.end(), 0.0f);
  write_ = 0;
  k_.jump_to(k_.target());
}

void ReverbNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const std::uint32_t channels = std::min(out.num_channels, channels_);
  if (channels == 0 || in.num_channels == 0) return;

  const std::uint32_t delay = std::clamp<std::uint32_t>(std::uint32_t(value(kDelay)), 1, longest_);
  const bool ramping = k_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(k_.next());
  const float k = float(k_.current());

  for (std::uint32_t c = 0; c < channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : std::min(c, in.num_channels - 1)];
    float* y = out.channels[c];
    float* line = lines_.data() + std::size_t(c) * capacity_;
    for_each_line_run(write_, delay, n, capacity_,
                      [&](std::uint32_t i, std::uint32_t r, std::uint32_t w, std::uint32_t len) {
                        const float* __restrict past = line + r;
                        float* __restrict store = line + w;
                        const float* __restrict dry = x + i;
                        float* __restrict wet = y + i;
                        const float* __restrict ks = ramp_.data() + i;
                        for (std::uint32_t j = 0; j < len; ++j) {
                          wet[j] = dry[j] + (ramping ? ks[j] : k) * past[j];
                          store[j] = dry[j];
                        }
                      });
  }
  write_ = (write_ + n) & mask_;
}

Tail ReverbNode::tail() const {
  // One echo: the input's last frame comes out again `delay` frames later, then nothing.
  const auto delay = std::uint64_t(std::max(1.0, requested_value(kDelay)));
  return {.frames = delay, .quiet_gap = delay};
}

}  // namespace fxgraph::torchfx
