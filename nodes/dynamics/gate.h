#pragma once
// gate: a noise gate. It opens when the input's peak (largest |x| of all channels)
// reaches threshold_db, stays open while the peak stays above threshold_db -
// hysteresis_db, and closes once the peak has stayed below that for hold_ms (which
// also bridges the zero crossings of a steady tone). Open, the gain is 0 dB; closed,
// -range_db. The gain moves in dB with the time constants of ballistics.h: attack_ms
// opening, release_ms closing. One gain for all channels.
//
// Meter `gain_reduction_db`: how far the gain is down at the end of the latest block.

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dynamics/ballistics.h"

namespace fxgraph {

class GateNode : public Node {
 public:
  double cost_per_sample() const override { return 3.2; }
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "gate";

  enum Param : std::size_t {
    kThresholdDb,
    kHysteresisDb,
    kAttackMs,
    kHoldMs,
    kReleaseMs,
    kRangeDb
  };

  GateNode();

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  void update() noexcept;

  double sample_rate_ = 48000.0;
  float open_level_ = 0.0f;   // linear |x| that opens the gate
  float close_level_ = 0.0f;  // linear |x| below which the hold runs down
  std::uint32_t hold_frames_ = 0;
  std::uint32_t hold_left_ = 0;
  bool open_ = false;
  std::size_t meter_ = 0;
  dynamics::PeakHoldBallistics ballistics_;
  std::vector<float> scratch_;  // max_block: peaks, then gains
};

}  // namespace fxgraph
