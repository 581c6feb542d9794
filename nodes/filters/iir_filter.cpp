#include "fxgraph/nodes/filters/iir_filter.h"

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/filters/nyquist.h"

namespace fxgraph::filters {

IirFilterNode::IirFilterNode(std::string type, IirFamily family, dsp::FilterKind kind)
    : SosFilterNode(std::move(type), kMaxSections), family_(family), kind_(kind) {
  const bool lr = family == IirFamily::linkwitz_riley;
  add_parameter({.name = "cutoff",
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 96000.0,
                 .default_value = 1000.0,
                 .description = family == IirFamily::cheby2
                                    ? "stopband edge (must be below Nyquist)"
                                    : (lr ? "crossover frequency, -6 dB (must be below Nyquist)"
                                          : "cutoff frequency (must be below Nyquist)")});
  add_parameter({.name = "order",
                 .min = lr ? 2.0 : 1.0,
                 .max = lr ? 8.0 : double(dsp::kMaxIirOrder),
                 .default_value = 4.0,
                 .kind = ParameterKind::integer,
                 .description =
                     lr ? "filter order: 2, 4 or 8 (default 4)" : "filter order 1-16 (default 4)"});
  if (family == IirFamily::cheby1 || family == IirFamily::elliptic)
    ripple_ = add_parameter({.name = "ripple",
                             .unit = "dB",
                             .min = 0.001,
                             .max = 20.0,
                             .default_value = 0.5,
                             .description = "passband ripple (default 0.5 dB)"});
  if (family == IirFamily::cheby2 || family == IirFamily::elliptic)
    atten_ = add_parameter({.name = "attenuation",
                            .unit = "dB",
                            .min = 1.0,
                            .max = 200.0,
                            .default_value = 40.0,
                            .description = "minimum stopband attenuation (default 40 dB)"});
}

IirSpec IirFilterNode::spec_of(std::span<const double> values, double sample_rate) const noexcept {
  IirSpec spec;
  spec.family = family_;
  spec.kind = kind_;
  spec.cutoff_hz = values[kCutoff];
  spec.order = int(values[kOrder]);
  if (ripple_ != kNone) spec.ripple_db = values[ripple_];
  if (atten_ != kNone) spec.atten_db = values[atten_];
  spec.sample_rate = sample_rate;
  return spec;
}

void IirFilterNode::check_design(std::span<const double> values, double sample_rate) const {
  const IirSpec spec = spec_of(values, sample_rate);
  if (family_ == IirFamily::linkwitz_riley && spec.order != 2 && spec.order != 4 && spec.order != 8)
    throw ParameterError(type() + ": order " + std::to_string(spec.order) +
                         " is not supported (allowed: 2, 4 or 8)");
  if (family_ == IirFamily::elliptic && !(spec.atten_db > spec.ripple_db))
    throw ParameterError(type() + ": attenuation must be greater than the passband ripple");
  if (sample_rate <= 0.0) return;
  check_below_nyquist(type(), "cutoff", spec.cutoff_hz, sample_rate);
  // The dsp design gives the detailed message for anything else it rejects.
  switch (family_) {
    case IirFamily::butterworth:
      (void)dsp::butterworth(kind_, spec.order, spec.cutoff_hz, sample_rate);
      break;
    case IirFamily::cheby1:
      (void)dsp::cheby1(kind_, spec.order, spec.ripple_db, spec.cutoff_hz, sample_rate);
      break;
    case IirFamily::cheby2:
      (void)dsp::cheby2(kind_, spec.order, spec.atten_db, spec.cutoff_hz, sample_rate);
      break;
    case IirFamily::elliptic:
      (void)dsp::elliptic(kind_, spec.order, spec.ripple_db, spec.atten_db, spec.cutoff_hz,
                          sample_rate);
      break;
    case IirFamily::linkwitz_riley:
      (void)dsp::linkwitz_riley(kind_, spec.order, spec.cutoff_hz, sample_rate);
      break;
  }
}

bool IirFilterNode::design(std::span<const double> values, double sample_rate,
                           SectionArray& out) const noexcept {
  return design_iir(spec_of(values, sample_rate), out);
}

}  // namespace fxgraph::filters
