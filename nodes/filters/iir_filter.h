#pragma once
// IirFilterNode: the classic IIR lowpass/highpass families of nodes/dsp as nodes —
// Butterworth (lowpass, highpass), Chebyshev I and II, elliptic and Linkwitz-Riley.
// Parameters: cutoff (Hz), order, and per family ripple (dB) and/or attenuation (dB).
// Coefficients are recomputed on the audio thread without allocating (see
// nodes/dsp/iir_design.h); state carries across parameter changes (sos_filter_node.h).

#include <string>

#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/iir_design.h"
#include "fxgraph/nodes/filters/sos_filter_node.h"

namespace fxgraph::filters {

class IirFilterNode : public SosFilterNode {
 public:
  /// Parameter indices: cutoff and order always; ripple and attenuation when the
  /// family has them (kNone otherwise).
  static constexpr std::size_t kCutoff = 0;
  static constexpr std::size_t kOrder = 1;
  static constexpr std::size_t kNone = std::size_t(-1);

  IirFilterNode(std::string type, IirFamily family, dsp::FilterKind kind);

  std::size_t ripple_index() const noexcept { return ripple_; }
  std::size_t attenuation_index() const noexcept { return atten_; }

 protected:
  void check_design(std::span<const double> values, double sample_rate) const override;
  bool design(std::span<const double> values, double sample_rate,
              SectionArray& out) const noexcept override;
  /// An order-N design: N/2 sections, rounded up.
  std::uint32_t estimated_sections() const override {
    return std::uint32_t(requested_value(kOrder) + 1.0) / 2;
  }

 private:
  IirSpec spec_of(std::span<const double> values, double sample_rate) const noexcept;

  IirFamily family_;
  dsp::FilterKind kind_;
  std::size_t ripple_ = kNone;
  std::size_t atten_ = kNone;
};

}  // namespace fxgraph::filters
