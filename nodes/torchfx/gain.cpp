#include "fxgraph/nodes/torchfx/gain.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/gain_kernel.h"
#include "fxgraph/nodes/torchfx/choice_first.h"

namespace fxgraph::torchfx {

GainNode::GainNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "gain",
                 .min = -1000.0,
                 .max = 1000.0,
                 .default_value = 1.0,
                 .smoothing = Smoothing::ramped,
                 .description = "the gain, read as gain_type says (amplitude and power: >= 0)"});
  add_parameter({.name = "gain_type",
                 .min = 0,
                 .max = 2,
                 .default_value = amplitude,
                 .kind = ParameterKind::choice,
                 .description = "amplitude (factor), db (decibels) or power (power ratio)",
                 .choices = {"amplitude", "db", "power"}});
  add_parameter({.name = "clamp",
                 .min = 0,
                 .max = 1,
                 .default_value = 0,
                 .kind = ParameterKind::toggle,
                 .description = "limit the output to [-1, 1]"});
  gain_.jump_to(1.0);
}

double GainNode::factor(double gain, GainType type) noexcept {
  // The same double arithmetic as torchfx's Python (effect.py, _gain_db).
  switch (type) {
    case amplitude:
      return gain;
    case db:
      return gain == 0.0 ? 1.0 : std::pow(10.0, gain / 20.0);
    case power:
      return std::pow(10.0, 10.0 * std::log10(gain) / 20.0);
  }
  return gain;
}

std::shared_ptr<Node> GainNode::create(const NodeOptions& options) {
  auto node = std::make_shared<GainNode>();
  configure_choice_first(*node, options, "gain_type");
  return node;
}

void GainNode::on_request(std::size_t index, double value) {
  if (index == kClamp) return;
  const double gain = index == kGain ? value : requested_value(kGain);
  const auto type = GainType(int(index == kGainType ? value : requested_value(kGainType)));
  if (type != db && gain < 0.0)
    throw ParameterError("Gain: gain " + std::to_string(gain) + " must be >= 0 when gain_type is " +
                         (type == power ? "power" : "amplitude") + " (torchfx refuses it too)");
  if (type == power && gain == 0.0)
    throw ParameterError("Gain: a power gain must be > 0 (its logarithm is taken)");
  if (!(std::abs(factor(gain, type)) <= double(std::numeric_limits<float>::max())))
    throw ParameterError("Gain: gain " + std::to_string(gain) +
                         " gives a factor beyond the range of float samples");
}

void GainNode::on_prepare(const PrepareInfo& info) {
  gain_.prepare(info.sample_rate, kRampSeconds);
  ramp_.assign(info.max_block, 1.0f);
}

void GainNode::on_parameter(std::size_t index, double) noexcept {
  if (index == kClamp) return;
  gain_.set_target(factor(value(kGain), GainType(int(value(kGainType)))));
}

void GainNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  const bool ramping = gain_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(gain_.next());
  // torchfx multiplies a float32 tensor by a Python float: the factor rounded to float.
  const float g = float(gain_.current());
  dsp::apply_gain(in, out, n, ramping, ramp_.data(), g, value(kClamp) != 0.0);
}

}  // namespace fxgraph::torchfx
