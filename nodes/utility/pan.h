#pragma once
// pan: constant-power panning. `pan` runs from -1 (left) through 0 (centre) to 1
// (right); with θ = (pan + 1)·π/4:
//   mono input → stereo output: left = x·cos θ, right = x·sin θ (each -3 dB at the
//     centre; left² + right² = x² everywhere);
//   stereo input (and each further channel pair, stereo_pairs.h): a balance,
//     left·√2·cos θ, right·√2·sin θ: unchanged at the centre, the sum of the two
//     gains' squares constant (so +3 dB on the favoured side at the extremes).
// Changes ramp over 20 ms.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class PanNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "pan";
  static constexpr double kRampSeconds = 0.020;

  enum Param : std::size_t { kPan };

  PanNode();

  /// Mono in gives stereo out; other widths keep theirs.
  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override { pan_.jump_to(pan_.target()); }

 private:
  SmoothedValue pan_;
  std::vector<float> left_, right_;  // per-sample gains of a block, max_block
};

}  // namespace fxgraph
