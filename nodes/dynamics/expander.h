#pragma once
// expander: a downward expander: below the threshold each dB the input falls takes
// the output down `ratio` dB (curve in static_curve.h), never by more than `range_db`.
// Attack is the gain coming back up (the input rising past the threshold), release
// it going down; detector and time constants as in curve_dynamics_node.h and
// ballistics.h. Built with the `sidechain` option it listens to a second input port.

#include <string_view>

#include "fxgraph/nodes/dynamics/curve_dynamics_node.h"

namespace fxgraph {

class ExpanderNode : public CurveDynamicsNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "expander";

  enum OwnParam : std::size_t { kRangeDb = kFirstOwnParam };

  explicit ExpanderNode(KeyInput key = KeyInput::own_input);

 protected:
  void reductions(const dynamics::CurveSettings& curve, const float* level_db, float* reduction_db,
                  std::uint32_t frames) const noexcept override;
};

}  // namespace fxgraph
