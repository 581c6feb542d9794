#pragma once
// RbjFilterNode: one RBJ Audio-EQ-Cookbook biquad as a node — biquad_lowpass,
// biquad_highpass, bandpass (skirt or peak gain), notch, allpass, peaking, low_shelf,
// high_shelf. Parameters: cutoff (Hz) and q always; gain_db for peaking and shelves;
// mode (skirt/peak) for bandpass; slope for shelves (slope > 0 overrides q with the
// cookbook's shelf slope S). The cookbook formulas return a Biquad by value, so live
// changes redesign on the audio thread without allocating (sos_filter_node.h).

#include <string>

#include "fxgraph/nodes/filters/sos_filter_node.h"

namespace fxgraph::filters {

enum class RbjKind { lowpass, highpass, bandpass, notch, allpass, peaking, low_shelf, high_shelf };

class RbjFilterNode : public SosFilterNode {
 public:
  static constexpr std::size_t kCutoff = 0;
  static constexpr std::size_t kQ = 1;
  static constexpr std::size_t kNone = std::size_t(-1);

  RbjFilterNode(std::string type, RbjKind kind);

 protected:
  void check_design(std::span<const double> values, double sample_rate) const override;
  bool design(std::span<const double> values, double sample_rate,
              SectionArray& out) const noexcept override;

 private:
  RbjKind kind_;
  std::size_t gain_ = kNone;
  std::size_t mode_ = kNone;
  std::size_t slope_ = kNone;
};

}  // namespace fxgraph::filters
