#pragma once
// The shape shared by `polarity` and `mute`: one toggle parameter that switches every
// channel between two gains, ramped over 10 ms so the switch does not click.

#include <string>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class ToggledGainNode : public Node {
 public:
  static constexpr double kRampSeconds = 0.010;

 protected:
  /// A node whose toggle `name` (default `on_by_default`) selects gain `on` or `off`.
  ToggledGainNode(std::string type, std::string name, std::string description, float on, float off,
                  bool on_by_default);

  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override { gain_.jump_to(gain_.target()); }

 private:
  float on_, off_;
  SmoothedValue gain_;
  std::vector<float> ramp_;  // max_block
};

}  // namespace fxgraph
