#pragma once
// mix: sums N inputs ("0" … "N-1"), each with its own ramped gain (gain_0 …).
// The output is as wide as the widest input; mono inputs are spread to every channel.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class MixNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "mix";

  explicit MixNode(std::uint32_t inputs = 2);

  /// A multiply-add per input.
  double cost_per_sample() const override { return 0.06 * double(input_ports().size()); }

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;

 private:
  std::vector<SmoothedValue> gains_;
  std::vector<float> ramp_;
};

}  // namespace fxgraph
