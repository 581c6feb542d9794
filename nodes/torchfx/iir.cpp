#include "fxgraph/nodes/torchfx/iir.h"

#include <map>
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

const std::vector<IirClass>& iir_base_classes() {
  // torchfx's base classes default to order 4 (LoButterworth/HiButterworth to 5).
  static const std::vector<IirClass> classes = {
      {"Butterworth", IirFamily::butterworth, FilterKind::lowpass, 4},
      {"Chebyshev1", IirFamily::cheby1, FilterKind::lowpass, 4},
      {"Chebyshev2", IirFamily::cheby2, FilterKind::lowpass, 4},
      {"Elliptic", IirFamily::elliptic, FilterKind::lowpass, 4},
      {"LinkwitzRiley", IirFamily::linkwitz_riley, FilterKind::lowpass, 4},
  };
  return classes;
}

namespace {

/// SciPy's names for a btype (scipy.signal's band_dict, which torchfx passes btype to:
/// its own tests say "low"), mapped to the four full names; empty when unknown.
std::string full_btype(const std::string& name) {
  static const std::map<std::string, std::string> names = {
      {"lowpass", "lowpass"},   {"low", "lowpass"},   {"lp", "lowpass"},     {"l", "lowpass"},
      {"highpass", "highpass"}, {"high", "highpass"}, {"hp", "highpass"},    {"h", "highpass"},
      {"bandpass", "bandpass"}, {"band", "bandpass"}, {"pass", "bandpass"},  {"bp", "bandpass"},
      {"bandstop", "bandstop"}, {"stop", "bandstop"}, {"bands", "bandstop"}, {"bs", "bandstop"}};
  const auto found = names.find(name);
  return found == names.end() ? std::string() : found->second;
}

}  // namespace

std::shared_ptr<Node> create_iir_base(const IirClass& base, const NodeOptions& options) {
  const std::string where = options.where().empty() ? "" : " (" + options.where() + ")";
  if (!options.has("btype"))
    throw ConfigError(base.name + where +
                          " needs btype: lowpass, highpass, bandpass or bandstop (torchfx has "
                          "no default)",
                      {.key = "btype", .key_part = KeyPart::name});
  const std::string given = options.text("btype", "");
  const std::string btype = full_btype(given);
  IirClass cls = base;
  if (btype == "lowpass" || btype == "highpass") {
    cls.kind = btype == "lowpass" ? FilterKind::lowpass : FilterKind::highpass;
    return IirNode::create(cls, options);
  }
  if (btype.empty())
    throw ConfigError(base.name + where + ": btype '" + given +
                          "' is not lowpass, highpass, bandpass or bandstop (nor one of "
                          "SciPy's short names: low, high, band, stop …)",
                      {.key = "btype"});
  if (base.family == IirFamily::linkwitz_riley)
    throw ConfigError(base.name + where +
                          ": btype is 'lowpass' or 'highpass' (as torchfx "
                          "documents it), not '" +
                          given + "'",
                      {.key = "btype"});
  cls.band = btype == "bandpass" ? dsp::BandKind::bandpass : dsp::BandKind::bandstop;
  auto node = IirNode::create(cls, options);
  if (options.has("cutoff")) {
    const std::vector<double> edges = options.numbers("cutoff");
    if (edges.size() != 2)
      throw ConfigError(
          base.name + where + ": btype " + btype + " takes cutoff as a pair [low, high] in Hz",
          {.key = "cutoff"});
    // Each edge is checked against the other as it is set: move them in an order
    // whose every step keeps low < high when the pair does.
    if (edges[1] > node->requested_value(IirNode::kCutoff)) {
      node->configure_parameter("cutoff_high", edges[1]);
      node->configure_parameter("cutoff_low", edges[0]);
    } else {
      node->configure_parameter("cutoff_low", edges[0]);
      node->configure_parameter("cutoff_high", edges[1]);
    }
  }
  return node;
}

IirNode::IirNode(const IirClass& cls) : SosFilterNode(cls.name, dsp::kMaxSections), class_(cls) {
  const bool scaled =
      cls.family == IirFamily::butterworth || cls.family == IirFamily::linkwitz_riley;
  const int most = cls.band ? dsp::kMaxBandOrder : dsp::kMaxIirOrder;
  add_parameter({.name = cls.band ? "cutoff_low" : "cutoff",
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 96000.0,
                 .default_value = cls.band ? 300.0 : 1000.0,
                 .description = cls.band ? "lower band edge (cutoff's first value)"
                                         : "cutoff frequency (must be below Nyquist)"});
  add_parameter(
      {.name = "order",
       .min = 1,
       .max = double(scaled ? most * 6 + 5 : most),
       .default_value = double(cls.default_order),
       .kind = ParameterKind::integer,
       .description = cls.family == IirFamily::linkwitz_riley
                          ? "filter order, positive and even (2 … 16 after order_scale)"
                          : "filter order (1 … " + std::to_string(most) + " after order_scale)"});
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
  if (cls.band)
    cutoff_high_ = add_parameter({.name = "cutoff_high",
                                  .unit = "Hz",
                                  .min = 1.0,
                                  .max = 96000.0,
                                  .default_value = 3000.0,
                                  .description = "upper band edge (cutoff's second value; "
                                                 "below Nyquist)"});
}

std::shared_ptr<Node> IirNode::create(const IirClass& cls, const NodeOptions& options) {
  auto node = std::make_shared<IirNode>(cls);
  // order and order_scale are one setting in two parts: each alone may be invalid
  // (order 24 linear is too high, the default order 5 with db gives 0), and the registry
  // checks every setting against the others as it applies them (cutoff first). So both
  // are set unchecked here; the registry then applies all settings with the checks.
  if (const auto scale = choice_setting(*node, options, "order_scale")) {
    validate_parameter_value(node->parameters()[node->order_scale_], *scale, "order_scale");
    node->set_requested(node->order_scale_, *scale);
    node->apply_parameter(node->order_scale_, *scale);
    const auto order = options.values().find("order");
    if (const double* value =
            order == options.values().end() ? nullptr : std::get_if<double>(&order->second)) {
      validate_parameter_value(node->parameters()[kOrder], *value, "order");
      node->set_requested(kOrder, *value);
      node->apply_parameter(kOrder, *value);
    }
  }
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
  const int most = class_.band                                  ? dsp::kMaxBandOrder
                   : class_.family == IirFamily::linkwitz_riley ? 16
                                                                : dsp::kMaxIirOrder;
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
  if (class_.band) {
    if (!(values[kCutoff] < values[cutoff_high_]))
      throw ParameterError(type() + ": cutoff_low must be below cutoff_high",
                           {.key = "cutoff_low"});
    if (sample_rate > 0.0)
      filters::check_below_nyquist(type(), "cutoff_high", values[cutoff_high_], sample_rate);
  } else if (sample_rate > 0.0) {
    filters::check_below_nyquist(type(), "cutoff", values[kCutoff], sample_rate);
  }
}

bool IirNode::design(std::span<const double> values, double sample_rate,
                     dsp::SectionArray& out) const noexcept {
  const dsp::IirSpec spec = spec_of(values, sample_rate);
  if (class_.band)
    return dsp::design_band_iir({.prototype = spec,
                                 .kind = *class_.band,
                                 .low_hz = values[kCutoff],
                                 .high_hz = values[cutoff_high_]},
                                out);
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
