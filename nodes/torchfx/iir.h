#pragma once
// torchfx's IIR classes (torchfx.filter.iir): LoButterworth, HiButterworth,
// Lo/HiChebyshev1, Lo/HiChebyshev2, Lo/HiElliptic, Lo/HiLinkwitzRiley — each with
// torchfx's parameter names, order and defaults, designed by fxgraph's IIR math
// (nodes/dsp/iir_design.h), which gives SciPy's butter/cheby1/cheby2/ellip sections,
// the ones torchfx filters with (an SOS cascade whose state carries between calls).
//
// Parameters, in torchfx's positional order (after btype; fs is the stream's rate;
// Lo/HiButterworth default to order 5, the base classes below to 4):
//   Butterworth   cutoff, order = 5, order_scale = linear | db (db: order // 6)
//   Chebyshev1    cutoff, order = 4, ripple = 0.1 (passband ripple, dB)
//   Chebyshev2    cutoff, order = 4, ripple = 0.1 (torchfx passes it to SciPy's cheby2
//                 as the stopband attenuation, dB: 0.1 dB by default, kept)
//   Elliptic      cutoff, order = 4, passband_ripple = 0.1, stopband_attenuation = 40
//   LinkwitzRiley cutoff, order = 4 (positive and even), order_scale; two Butterworths
//                 of half the order in cascade, orders 2 … 16 here (torchfx: any even
//                 order; 16 fills the 8 sections a filter node holds)
//
// torchfx's base classes Butterworth, Chebyshev1, Chebyshev2 and Elliptic take btype
// first (a construction setting: lowpass, highpass, bandpass or bandstop; order 4 by
// default for all four). With lowpass/highpass they are the node above; with bandpass
// or bandstop `cutoff` is torchfx's pair [low, high], kept as two parameters
// cutoff_low and cutoff_high (a parameter holds one number), designed by
// nodes/dsp/band_design.h (SciPy's band designs), orders 1 … 8.

#include <optional>
#include <string>
#include <vector>

#include "fxgraph/engine/node_registry.h"
#include "fxgraph/nodes/dsp/band_design.h"
#include "fxgraph/nodes/filters/sos_filter_node.h"

namespace fxgraph::torchfx {

/// Which torchfx class a TorchfxIirNode is.
struct IirClass {
  std::string name;  ///< torchfx's class name, the registry type
  dsp::IirFamily family = dsp::IirFamily::butterworth;
  dsp::FilterKind kind = dsp::FilterKind::lowpass;
  int default_order = 4;
  /// Set for a band-pass or band-stop form (then `kind` is not used).
  std::optional<dsp::BandKind> band = std::nullopt;
};

/// The torchfx IIR classes this file implements.
const std::vector<IirClass>& iir_classes();

/// torchfx's base classes that take a btype: Butterworth, Chebyshev1, Chebyshev2,
/// Elliptic, LinkwitzRiley (lowpass/highpass only, as torchfx documents it); family and
/// default order, kind and band come from btype.
const std::vector<IirClass>& iir_base_classes();

/// Registry factory of a base class: reads `btype` (required, as in torchfx) and, for
/// a band form, `cutoff` as [low, high]; throws ConfigError naming the setting at fault.
std::shared_ptr<Node> create_iir_base(const IirClass& base, const NodeOptions& options);

class IirNode : public filters::SosFilterNode {
 public:
  /// cutoff, or cutoff_low for a band form.
  static constexpr std::size_t kCutoff = 0;
  static constexpr std::size_t kOrder = 1;

  explicit IirNode(const IirClass& cls);

  /// Registry factory: applies order_scale first, so `order: 24, order_scale: db` is
  /// checked as order 4 whatever the order of the settings.
  static std::shared_ptr<Node> create(const IirClass& cls, const NodeOptions& options);

 protected:
  void check_design(std::span<const double> values, double sample_rate) const override;
  bool design(std::span<const double> values, double sample_rate,
              dsp::SectionArray& out) const noexcept override;

 private:
  /// The order torchfx designs with (after order_scale), 0 when there is none.
  int effective_order(std::span<const double> values) const noexcept;
  dsp::IirSpec spec_of(std::span<const double> values, double sample_rate) const noexcept;

  IirClass class_;
  std::size_t order_scale_ = std::size_t(-1);
  std::size_t ripple_ = std::size_t(-1);
  std::size_t attenuation_ = std::size_t(-1);
  std::size_t cutoff_high_ = std::size_t(-1);  ///< band forms only
};

}  // namespace fxgraph::torchfx
