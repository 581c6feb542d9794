#pragma once
// torchfx's single-biquad classes: BiquadLPF, BiquadHPF, BiquadBPF, BiquadBPFPeak,
// BiquadNotch, BiquadAllPass (torchfx.filter.biquad) and Notch, AllPass, ParametricEQ,
// Peaking, LoShelving, HiShelving (torchfx.filter.iir), with torchfx's parameter names
// and order, designed with the RBJ Audio-EQ-Cookbook formulas (nodes/dsp/filter_design.h).
//
// Parameters, in torchfx's positional order (fs is the stream's rate):
//   Biquad*, Notch, AllPass   cutoff, q
//   ParametricEQ              frequency, q, gain (dB)
//   Peaking                   cutoff, q, gain, gain_scale (linear: an amplitude ratio;
//                             db: decibels)
//   LoShelving, HiShelving    cutoff, q, gain, gain_scale = linear
// BiquadBPF has a 0 dB peak; BiquadBPFPeak a constant skirt, its peak gain Q (torchfx's
// formulas, the cookbook's two band-passes). torchfx requires q; here it defaults to
// 0.7071 (1/√2), and gain to no boost.
//
// Gains follow the cookbook and torchfx's documentation, not torchfx's code: a peaking
// or shelf filter asked for G dB gives G dB (A = 10^(G/40)); torchfx's code takes
// A = 10^(G/20) (peaking) or A = the linear gain (shelves), which doubles the dB
// (README, "Differences from torchfx").

#include <string>
#include <vector>

#include "fxgraph/engine/node_registry.h"
#include "fxgraph/nodes/filters/sos_filter_node.h"

namespace fxgraph::torchfx {

/// The response of a torchfx biquad class.
enum class BiquadShape {
  lowpass,
  highpass,
  bandpass_peak,   ///< 0 dB at the centre (BiquadBPF)
  bandpass_skirt,  ///< peak gain Q (BiquadBPFPeak)
  notch,
  allpass,
  peaking,
  low_shelf,
  high_shelf
};

/// How a class takes its gain.
enum class GainInput {
  none,
  db,      ///< `gain` in dB (ParametricEQ)
  scaled,  ///< `gain` read as gain_scale says (Peaking, the shelves)
};

/// Which torchfx class a BiquadNode is.
struct BiquadClass {
  std::string name;  ///< torchfx's class name, the registry type
  BiquadShape shape = BiquadShape::lowpass;
  std::string frequency_name = "cutoff";  ///< ParametricEQ calls it "frequency"
  GainInput gain = GainInput::none;
};

/// The torchfx biquad classes this file implements.
const std::vector<BiquadClass>& biquad_classes();

class BiquadNode : public filters::SosFilterNode {
 public:
  static constexpr std::size_t kFrequency = 0;
  static constexpr std::size_t kQ = 1;
  static constexpr std::size_t kGain = 2;
  static constexpr std::size_t kGainScale = 3;

  explicit BiquadNode(const BiquadClass& cls);

  /// Registry factory: applies gain_scale first (see choice_first.h).
  static std::shared_ptr<Node> create(const BiquadClass& cls, const NodeOptions& options);

  /// The gain in dB that `gain` means for this class.
  double gain_db(std::span<const double> values) const noexcept;

 protected:
  void check_design(std::span<const double> values, double sample_rate) const override;
  bool design(std::span<const double> values, double sample_rate,
              dsp::SectionArray& out) const noexcept override;

 private:
  BiquadClass class_;
};

}  // namespace fxgraph::torchfx
