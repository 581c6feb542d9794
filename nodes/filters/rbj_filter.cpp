#include "fxgraph/nodes/filters/rbj_filter.h"

#include <cmath>

#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/filters/nyquist.h"

namespace fxgraph::filters {

namespace {
bool is_shelf(RbjKind k) {
  return k == RbjKind::low_shelf || k == RbjKind::high_shelf;
}
}  // namespace

RbjFilterNode::RbjFilterNode(std::string type, RbjKind kind)
    : SosFilterNode(std::move(type), 1), kind_(kind) {
  const bool shelf = is_shelf(kind);
  add_parameter({.name = "cutoff",
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 96000.0,
                 .default_value = 1000.0,
                 .description = shelf ? "shelf midpoint frequency (must be below Nyquist)"
                                      : "centre or corner frequency (must be below Nyquist)"});
  add_parameter({.name = "q",
                 .min = 0.01,
                 .max = 100.0,
                 .default_value = 0.7071,
                 .description = shelf ? "quality factor (default 0.7071; see slope)"
                                      : "quality factor (default 0.7071)"});
  if (kind == RbjKind::peaking || shelf)
    gain_ = add_parameter({.name = "gain_db",
                           .unit = "dB",
                           .min = -60.0,
                           .max = 60.0,
                           .default_value = 0.0,
                           .description = shelf ? "shelf gain" : "gain at the centre frequency"});
  if (kind == RbjKind::bandpass)
    mode_ = add_parameter({.name = "mode",
                           .min = 0.0,
                           .max = 1.0,
                           .default_value = 0.0,
                           .kind = ParameterKind::choice,
                           .description = "skirt: peak gain = Q; peak: 0 dB peak gain",
                           .choices = {"skirt", "peak"}});
  if (shelf)
    slope_ = add_parameter({.name = "slope",
                            .min = 0.0,
                            .max = 10.0,
                            .default_value = 0.0,
                            .description = "shelf slope S (1 = steepest without overshoot); "
                                           "0 uses q instead"});
}

void RbjFilterNode::check_design(std::span<const double> values, double sample_rate) const {
  if (slope_ != kNone && values[slope_] > 0.0)
    (void)dsp::shelf_slope_to_q(values[slope_], values[gain_]);  // throws if too steep
  if (sample_rate > 0.0) check_below_nyquist(type(), "cutoff", values[kCutoff], sample_rate);
}

bool RbjFilterNode::design(std::span<const double> values, double fs,
                           SectionArray& out) const noexcept {
  // The cookbook functions throw only for the cases rejected here first.
  const double f0 = values[kCutoff];
  double q = values[kQ];
  const double gain = gain_ != kNone ? values[gain_] : 0.0;
  if (!(f0 > 0.0 && f0 < fs / 2) || !(q > 0.0) || !std::isfinite(gain)) return false;
  if (slope_ != kNone && values[slope_] > 0.0) {
    // dsp::shelf_slope_to_q without its throw.
    const double a = std::pow(10.0, gain / 40.0);
    const double inv_q2 = (a + 1.0 / a) * (1.0 / values[slope_] - 1.0) + 2.0;
    if (!(inv_q2 > 0.0)) return false;
    q = 1.0 / std::sqrt(inv_q2);
  }
  dsp::Biquad b;
  switch (kind_) {
    case RbjKind::lowpass:
      b = dsp::rbj_lowpass(f0, q, fs);
      break;
    case RbjKind::highpass:
      b = dsp::rbj_highpass(f0, q, fs);
      break;
    case RbjKind::bandpass:
      b = values[mode_] == 0.0 ? dsp::rbj_bandpass_skirt(f0, q, fs)
                               : dsp::rbj_bandpass_peak(f0, q, fs);
      break;
    case RbjKind::notch:
      b = dsp::rbj_notch(f0, q, fs);
      break;
    case RbjKind::allpass:
      b = dsp::rbj_allpass(f0, q, fs);
      break;
    case RbjKind::peaking:
      b = dsp::rbj_peaking(f0, q, gain, fs);
      break;
    case RbjKind::low_shelf:
      b = dsp::rbj_low_shelf(f0, gain, q, fs);
      break;
    case RbjKind::high_shelf:
      b = dsp::rbj_high_shelf(f0, gain, q, fs);
      break;
  }
  out.sections[0] = b;
  out.count = 1;
  return true;
}

}  // namespace fxgraph::filters
