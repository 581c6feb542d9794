#pragma once
// sine: a sine wave generator (no inputs). `channels` (option) copies of one tone.

#include <cstdint>
#include <string_view>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class SineNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "sine";

  enum Param : std::size_t { kFrequency, kAmplitude };
  explicit SineNode(std::uint32_t channels = 1);

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override { phase_ = 0.0; }

 private:
  double sample_rate_ = 48000.0;
  double phase_ = 0.0;  // in cycles, [0, 1): a double keeps hours of tone in tune
  SmoothedValue amplitude_;
};

}  // namespace fxgraph
