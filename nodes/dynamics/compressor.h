#pragma once
// compressor: a feed-forward compressor with a soft knee (curve in static_curve.h,
// detector and time constants in curve_dynamics_node.h and ballistics.h): attack is
// the reduction growing, release it shrinking. Stereo-linked by default. Built with
// the `sidechain` option it has a second input port, `sidechain`, that it listens to
// instead of its input (ducking, de-essing with an EQ'd key).
//
// Makeup: `makeup_db`, or with `auto_makeup` the reduction the curve applies to a
// 0 dBFS level, so a full-scale input comes out at full scale (makeup_db is then
// ignored). Makeup changes ramp over 10 ms; curve changes go through the ballistics.

#include <string_view>

#include "fxgraph/nodes/dynamics/curve_dynamics_node.h"

namespace fxgraph {

class CompressorNode : public CurveDynamicsNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "compressor";

  enum OwnParam : std::size_t { kMakeupDb = kFirstOwnParam, kAutoMakeup };

  explicit CompressorNode(KeyInput key = KeyInput::own_input);

 protected:
  void reductions(const dynamics::CurveSettings& curve, const float* level_db, float* reduction_db,
                  std::uint32_t frames) const noexcept override;
  double makeup_db() const noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
};

}  // namespace fxgraph
