#include "fxgraph/nodes/dynamics/expander.h"

namespace fxgraph {

ExpanderNode::ExpanderNode(KeyInput key)
    : CurveDynamicsNode(std::string(kType), key, AttackMeans::less_reduction,
                        {.threshold_db = -40.0f, .ratio = 2.0f, .knee_db = 0.0f}, 20.0) {
  add_parameter({.name = "range_db",
                 .unit = "dB",
                 .min = 0.0,
                 .max = 120.0,
                 .default_value = 40.0,
                 .description = "the most the expander turns the signal down"});
}

void ExpanderNode::reductions(const dynamics::CurveSettings& curve, const float* level_db,
                              float* reduction_db, std::uint32_t frames) const noexcept {
  const float range = float(value(kRangeDb));
  for (std::uint32_t i = 0; i < frames; ++i) {
    const float r = dynamics::expander_reduction_db(curve, level_db[i]);
    reduction_db[i] = r < range ? r : range;
  }
}

}  // namespace fxgraph
