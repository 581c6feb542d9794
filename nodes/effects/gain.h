#pragma once
// gain: multiplies every channel by a smoothly ramped factor.
// Parameters `gain` (linear) and `gain_db` are two views of one value: setting either
// moves both. `clamp` limits the output to [-1, 1] (torchfx's Gain(clamp=True)).

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class GainNode : public Node {
 public:
  double cost_per_sample() const override { return 0.08; }
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "gain";

  enum Param : std::size_t { kGain, kGainDb, kClamp };
  /// Ramp time for gain changes.
  static constexpr double kRampSeconds = 0.010;

  GainNode();

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_request(std::size_t index, double value) override;
  void on_reset() noexcept override { gain_.jump_to(gain_.target()); }

 private:
  SmoothedValue gain_;
  std::vector<float> ramp_;  // per-sample gains of a ramping block (sized in prepare)
};

}  // namespace fxgraph
