#include "fxgraph/nodes/effects/gain.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/nodes/dsp/gain_kernel.h"

namespace fxgraph {

namespace {
constexpr double kMinDb = -120.0;
double db_to_linear(double db) {
  return db <= kMinDb ? 0.0 : std::pow(10.0, db / 20.0);
}
double linear_to_db(double g) {
  const double a = std::abs(g);
  return a <= db_to_linear(kMinDb) ? kMinDb : std::min(60.0, 20.0 * std::log10(a));
}
}  // namespace

GainNode::GainNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "gain",
                 .unit = "x",
                 .min = -1000.0,
                 .max = 1000.0,
                 .default_value = 1.0,
                 .smoothing = Smoothing::ramped,
                 .description = "linear amplitude factor (negative inverts polarity)"});
  add_parameter({.name = "gain_db",
                 .unit = "dB",
                 .min = kMinDb,
                 .max = 60.0,
                 .default_value = 0.0,
                 .smoothing = Smoothing::ramped,
                 .description = "the same gain in decibels (-120 dB is silence)"});
  add_parameter({.name = "clamp",
                 .min = 0,
                 .max = 1,
                 .default_value = 0,
                 .kind = ParameterKind::toggle,
                 .description = "limit the output to [-1, 1]"});
  gain_.jump_to(1.0);
}

void GainNode::on_prepare(const PrepareInfo& info) {
  gain_.prepare(info.sample_rate, kRampSeconds);
  ramp_.assign(info.max_block, 1.0f);
}

void GainNode::on_request(std::size_t index, double value) {
  if (index == kGain) set_requested(kGainDb, linear_to_db(value));
  if (index == kGainDb) set_requested(kGain, db_to_linear(value));
}

void GainNode::on_parameter(std::size_t index, double value) noexcept {
  if (index == kClamp) return;
  const double target = index == kGain ? value : db_to_linear(value);
  gain_.set_target(target);
}

void GainNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const bool ramping = gain_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(gain_.next());
  const float g = float(gain_.current());
  dsp::apply_gain(in, out, n, ramping, ramp_.data(), g, value(kClamp) != 0.0);
}

}  // namespace fxgraph
