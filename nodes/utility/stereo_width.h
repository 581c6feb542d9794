#pragma once
// stereo_width: scales the side signal of each channel pair (stereo_pairs.h) by
// `width`: mid = (L + R)/2, side = (L - R)/2, then L = mid + width·side, R = mid -
// width·side. 0 is mono, 1 unchanged, 2 twice as wide. Mono passes unchanged. Changes
// ramp over 20 ms.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class StereoWidthNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "stereo_width";
  static constexpr double kRampSeconds = 0.020;

  enum Param : std::size_t { kWidth };

  StereoWidthNode();

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override { width_.jump_to(width_.target()); }

 private:
  SmoothedValue width_;
  std::vector<float> ramp_;  // max_block
};

}  // namespace fxgraph
