#include "fxgraph/nodes/dynamics/compressor.h"

namespace fxgraph {

CompressorNode::CompressorNode(KeyInput key)
    : CurveDynamicsNode(std::string(kType), key, AttackMeans::more_reduction,
                        {.threshold_db = -20.0f, .ratio = 4.0f, .knee_db = 6.0f}, 100.0) {
  add_parameter({.name = "makeup_db",
                 .unit = "dB",
                 .min = -24.0,
                 .max = 48.0,
                 .default_value = 0.0,
                 .smoothing = Smoothing::ramped,
                 .description = "gain added after the compression"});
  add_parameter({.name = "auto_makeup",
                 .min = 0,
                 .max = 1,
                 .default_value = 0,
                 .kind = ParameterKind::toggle,
                 .description = "makeup = the reduction at 0 dBFS (replaces makeup_db)"});
}

void CompressorNode::reductions(const dynamics::CurveSettings& curve, const float* level_db,
                                float* reduction_db, std::uint32_t frames) const noexcept {
  for (std::uint32_t i = 0; i < frames; ++i)
    reduction_db[i] = dynamics::compressor_reduction_db(curve, level_db[i]);
}

double CompressorNode::makeup_db() const noexcept {
  if (value(kAutoMakeup) != 0.0) return dynamics::compressor_reduction_db(curve(), 0.0f);
  return value(kMakeupDb);
}

void CompressorNode::on_parameter(std::size_t index, double value) noexcept {
  CurveDynamicsNode::on_parameter(index, value);
  if (index == kMakeupDb || index == kAutoMakeup) update_makeup();
}

}  // namespace fxgraph
