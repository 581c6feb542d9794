#include "fxgraph/nodes/torchfx/iir.h"

#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/filters/nyquist.h"
#include "fxgraph/nodes/torchfx/choice_first.h"

namespace fxgraph::torchfx {

namespace {
using dsp::FilterKind;
using dsp::IirFamily;
constexpr std::size_t kNone = std::size_t(-1);
}  // namespace

const std::vector<IirClass>& iir_classes() {
  static const std::vector<IirClass> classes = {
      {"LoButterworth", IirFamily::butterworth, FilterKind::lowpass, 5},
      {"HiButterworth", IirFamily::butterworth, FilterKind::highpass, 5},
      {"LoChebyshev1", IirFamily::cheby1, FilterKind::lowpass, 4},
      {"HiChebyshev1", IirFamily::cheby1, FilterKind::highpass, 4},
      {"LoChebyshev2", IirFamily::cheby2, FilterKind::lowpass, 4},
      {"HiChebyshev2", IirFamily::cheby2, FilterKind::highpass, 4},
      {"LoElliptic", IirFamily::elliptic, FilterKind::lowpass, 4},
      {"HiElliptic", IirFamily::elliptic, FilterKind::highpass, 4},
      {"LoLinkwitzRiley", IirFamily::linkwitz_riley, FilterKind::lowpass, 4},
      {"HiLinkwitzRiley", IirFamily::linkwitz_riley, FilterKind::highpass, 4},
  };
  return classes;
}

IirNode::IirNode(const IirClass& cls) : SosFilterNode(cls.name, dsp::kMaxSections), class_(cls) {
  const bool scaled =
      cls.family == IirFamily::butterworth || cls.family == IirFamily::linkwitz_riley;
  add_parameter({.name = "cutoff",
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 96000.0,
                 .default_value = 1000.0,
                 .description = "cutoff frequency (must be below Nyquist)"});
  add_parameter({.name = "order",
                 .min = 1,
                 .max = double(scaled ? kMaxScaledOrder : dsp::kMaxIirOrder),
                 .default_value = double(cls.default_order),
                 .kind = ParameterKind::integer,
                 .description = cls.family == IirFamily::linkwitz_riley
                                    ? "filter order, positive and even (2 … 16 after order_scale)"
                                    : "filter order (1 … 16 after order_scale)"});
  if (scaled)
    order_scale_ = add_parameter({.name = "order_scale",
                                  .min = 0,
                                  .max = 1,
                                  .default_value = 0,
                                  .kind = ParameterKind::choice,
                                  .description = "linear: order as given; db: order // 6",
                                  .choices = {"linear", "db"}});
  if (cls.family == IirFamily::cheby1)
    ripple_ = add_parameter({.name = "ripple",
                             .unit = "dB",
                             .min = 0.001,
                             .max = 20.0,
                             .default_value = 0.1,
                             .description = "passband ripple"});
  if (cls.family == IirFamily::cheby2)
    attenuation_ = add_parameter({.name = "ripple",
                                  .unit = "dB",
                                  .min = 0.001,
                                  .max = 200.0,
                                  .default_value = 0.1,
                                  .description = "stopband attenuation (torchfx's name for it)"});
  if (cls.family == IirFamily::elliptic) {
    ripple_ = add_parameter({.name = "passband_ripple",
                             .unit = "dB",
                             .min = 0.001,
                             .max = 20.0,
                             .default_value = 0.1,
                             .description = "passband ripple"});
    attenuation_ = add_parameter({.name = "stopband_attenuation",
                                  .unit = "dB",
                                  .min = 0.001,
                                  .max = 200.0,
                                  .default_value = 40.0,
                                  .description = "minimum stopband attenuation"});
  }
}

std::shared_ptr<Node> IirNode::create(const IirClass& cls, const NodeOptions& options) {
  auto node = std::make_shared<IirNode>(cls);
  configure_choice_first(*node, options, "order_scale");
  return node;
}

int IirNode::effective_order(std::span<const double> values) const noexcept {
  const int order = int(values[kOrder]);
  const bool db = order_scale_ != kNone && values[order_scale_] == 1.0;
  const int scaled = db ? order / 6 : order;
  // torchfx's Linkwitz-Riley cascades two Butterworths of order // 2.
  return class_.family == IirFamily::linkwitz_riley ? 2 * (scaled / 2) : scaled;
}

dsp::IirSpec IirNode::spec_of(std::span<const double> values, double sample_rate) const noexcept {
  dsp::IirSpec spec;
  spec.family = class_.family == IirFamily::linkwitz_riley ? IirFamily::butterworth : class_.family;
  spec.kind = class_.kind;
  spec.cutoff_hz = values[kCutoff];
  spec.order = effective_order(values);
  if (class_.family == IirFamily::linkwitz_riley) spec.order /= 2;
  if (ripple_ != kNone) spec.ripple_db = values[ripple_];
  if (attenuation_ != kNone) spec.atten_db = values[attenuation_];
  spec.sample_rate = sample_rate;
  return spec;
}

void IirNode::check_design(std::span<const double> values, double sample_rate) const {
  const int order = int(values[kOrder]);
  const int effective = effective_order(values);
  const int most = class_.family == IirFamily::linkwitz_riley ? 16 : dsp::kMaxIirOrder;
  if (class_.family == IirFamily::linkwitz_riley && order % 2 != 0)
    throw ParameterError(type() + ": order " + std::to_string(order) +
                         " must be a positive even number (as torchfx requires)");
  if (effective < 1 || effective > most)
    throw ParameterError(type() + ": order " + std::to_string(order) + " gives a filter of order " +
                         std::to_string(effective) + "; it must lie in 1 … " +
                         std::to_string(most));
  if (class_.family == IirFamily::elliptic && !(values[attenuation_] > values[ripple_]))
    throw ParameterError(type() +
                         ": stopband_attenuation must be greater than the passband_ripple");
  if (sample_rate > 0.0)
    filters::check_below_nyquist(type(), "cutoff", values[kCutoff], sample_rate);
}

bool IirNode::design(std::span<const double> values, double sample_rate,
                     dsp::SectionArray& out) const noexcept {
  const dsp::IirSpec spec = spec_of(values, sample_rate);
  if (class_.family != IirFamily::linkwitz_riley) return dsp::design_iir(spec, out);
  dsp::SectionArray half;
  if (!dsp::design_iir(spec, half) || 2 * half.count > dsp::kMaxSections) return false;
  for (std::uint32_t i = 0; i < half.count; ++i) {
    out.sections[i] = half.sections[i];
    out.sections[half.count + i] = half.sections[i];
  }
  out.count = 2 * half.count;
  return true;
}

}  // namespace fxgraph::torchfx
