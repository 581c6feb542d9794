#include "fxgraph/nodes/torchfx/biquad.h"

#include <cmath>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/filters/nyquist.h"
#include "fxgraph/nodes/torchfx/choice_first.h"

namespace fxgraph::torchfx {

namespace {
constexpr double kMaxGainDb = 60.0;
}  // namespace

const std::vector<BiquadClass>& biquad_classes() {
  using S = BiquadShape;
  static const std::vector<BiquadClass> classes = {
      {"BiquadLPF", S::lowpass},
      {"BiquadHPF", S::highpass},
      {"BiquadBPF", S::bandpass_peak},
      {"BiquadBPFPeak", S::bandpass_skirt},
      {"BiquadNotch", S::notch},
      {"BiquadAllPass", S::allpass},
      {"Notch", S::notch},
      {"AllPass", S::allpass},
      {"ParametricEQ", S::peaking, "frequency", GainInput::db},
      {"Peaking", S::peaking, "cutoff", GainInput::scaled},
      {"LoShelving", S::low_shelf, "cutoff", GainInput::scaled},
      {"HiShelving", S::high_shelf, "cutoff", GainInput::scaled},
  };
  return classes;
}

BiquadNode::BiquadNode(const BiquadClass& cls) : SosFilterNode(cls.name, 1), class_(cls) {
  add_parameter({.name = cls.frequency_name,
                 .unit = "Hz",
                 .min = 1.0,
                 .max = 96000.0,
                 .default_value = 1000.0,
                 .description = "centre or corner frequency (must be below Nyquist)"});
  add_parameter({.name = "q",
                 .min = 0.01,
                 .max = 100.0,
                 .default_value = 0.7071,
                 .description = "quality factor (torchfx requires it; 0.7071 by default here)"});
  if (cls.gain == GainInput::db)
    add_parameter({.name = "gain",
                   .unit = "dB",
                   .min = -kMaxGainDb,
                   .max = kMaxGainDb,
                   .default_value = 0.0,
                   .description = "boost (or cut) at the frequency"});
  if (cls.gain == GainInput::scaled) {
    add_parameter({.name = "gain",
                   .min = -kMaxGainDb,
                   .max = 1000.0,
                   .default_value = 1.0,
                   .description = "boost (or cut): an amplitude ratio (> 0) or dB, as "
                                  "gain_scale says"});
    add_parameter({.name = "gain_scale",
                   .min = 0,
                   .max = 1,
                   .default_value = 0,
                   .kind = ParameterKind::choice,
                   .description = "linear: gain is an amplitude ratio; db: gain is in dB",
                   .choices = {"linear", "db"}});
  }
}

std::shared_ptr<Node> BiquadNode::create(const BiquadClass& cls, const NodeOptions& options) {
  auto node = std::make_shared<BiquadNode>(cls);
  configure_choice_first(*node, options, "gain_scale");
  return node;
}

double BiquadNode::gain_db(std::span<const double> values) const noexcept {
  switch (class_.gain) {
    case GainInput::none:
      return 0.0;
    case GainInput::db:
      return values[kGain];
    case GainInput::scaled:
      return values[kGainScale] == 1.0 ? values[kGain] : 20.0 * std::log10(values[kGain]);
  }
  return 0.0;
}

void BiquadNode::check_design(std::span<const double> values, double sample_rate) const {
  if (class_.gain == GainInput::scaled) {
    const bool db = values[kGainScale] == 1.0;
    if (!db && !(values[kGain] > 0.0))
      throw ParameterError(type() +
                           ": a linear gain must be > 0 (use gain_scale db for cuts in dB)");
    const double g = gain_db(values);
    if (!(std::abs(g) <= kMaxGainDb))
      throw ParameterError(type() + ": gain must lie within ±60 dB");
  }
  if (sample_rate > 0.0)
    filters::check_below_nyquist(type(), class_.frequency_name, values[kFrequency], sample_rate);
}

bool BiquadNode::design(std::span<const double> values, double fs,
                        dsp::SectionArray& out) const noexcept {
  const double f0 = values[kFrequency];
  const double q = values[kQ];
  const double gain = gain_db(values);
  if (!(f0 > 0.0 && f0 < fs / 2) || !(q > 0.0) || !std::isfinite(gain)) return false;
  dsp::Biquad b;
  switch (class_.shape) {
    case BiquadShape::lowpass:
      b = dsp::rbj_lowpass(f0, q, fs);
      break;
    case BiquadShape::highpass:
      b = dsp::rbj_highpass(f0, q, fs);
      break;
    case BiquadShape::bandpass_peak:
      b = dsp::rbj_bandpass_peak(f0, q, fs);
      break;
    case BiquadShape::bandpass_skirt:
      b = dsp::rbj_bandpass_skirt(f0, q, fs);
      break;
    case BiquadShape::notch:
      b = dsp::rbj_notch(f0, q, fs);
      break;
    case BiquadShape::allpass:
      b = dsp::rbj_allpass(f0, q, fs);
      break;
    case BiquadShape::peaking:
      b = dsp::rbj_peaking(f0, q, gain, fs);
      break;
    case BiquadShape::low_shelf:
      b = dsp::rbj_low_shelf(f0, gain, q, fs);
      break;
    case BiquadShape::high_shelf:
      b = dsp::rbj_high_shelf(f0, gain, q, fs);
      break;
  }
  out.sections[0] = b;
  out.count = 1;
  return true;
}

}  // namespace fxgraph::torchfx
