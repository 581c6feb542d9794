#pragma once
// noise: seeded white noise, uniform in [-amplitude, amplitude). Each channel has its
// own generator (seeded from `seed` and the channel index), so the output is the
// same for a given seed whatever the block sizes. With `burst_ms`, it falls silent that
// long after it starts (or is reset): a burst to excite a resonator (a plucked string).

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class NoiseNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "noise";

  enum Param : std::size_t { kAmplitude };
  /// `burst_ms`: how long it sounds (ms) before it stays silent; 0 (default): always.
  explicit NoiseNode(std::uint32_t channels = 1, std::uint64_t seed = 0, double burst_ms = 0.0);

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  std::uint64_t seed_;
  double burst_ms_;
  std::uint64_t burst_frames_ = 0;    // 0: no burst, endless
  std::uint64_t played_ = 0;          // frames since start or reset
  std::vector<std::uint64_t> state_;  // one xorshift64* state per channel
  std::vector<float> gains_;          // per-sample amplitude of the block
  SmoothedValue amplitude_;
};

}  // namespace fxgraph
