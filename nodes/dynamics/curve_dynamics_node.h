#pragma once
// The machinery the compressor and the expander share: a level detector, a static
// curve (nodes/dynamics/static_curve.h), peak-hold ballistics (ballistics.h) and the
// gain applied to every channel. The two nodes differ only in their curve, the
// direction their attack means and their extra parameters.
//
// Per block and per detector group (all channels when linked, else each channel):
//   1. key level: peak = the largest |key| of the group's channels at each frame;
//      rms = their mean square through a one-pole of τ = rms_ms, as a level in dB.
//   2. the curve's target for that level (a reduction in dB);
//   3. ballistics (attack/release τ, defined in ballistics.h);
//   4. gain = 10^((makeup - reduction)/20), applied to the group's channels.
// Steps 1, 2 and 4 are separate loops over the block that the compiler vectorises;
// only step 3 is a recursion. The key is the main input, or the `sidechain` port when
// the node is built with one (its channels: one for all, or one per main channel).
//
// Meter `gain_reduction_db`: the reduction (≥ 0 dB) at the end of the latest block,
// the largest of the groups.

#include <cstdint>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"
#include "fxgraph/nodes/dynamics/ballistics.h"
#include "fxgraph/nodes/dynamics/static_curve.h"

namespace fxgraph {

/// Whether a dynamics node listens to its own input or to a second port.
enum class KeyInput : std::uint8_t { own_input, sidechain };

class CurveDynamicsNode : public Node {
 public:
  double cost_per_sample() const override { return 1.9; }
  /// The parameters both nodes declare first, in this order.
  enum Param : std::size_t {
    kThresholdDb,
    kRatio,
    kKneeDb,
    kAttackMs,
    kReleaseMs,
    kDetector,
    kRmsMs,
    kLink,
    kFirstOwnParam
  };
  enum Detector { peak, rms };
  /// Ramp time for makeup gain changes.
  static constexpr double kRampSeconds = 0.010;

  /// The output has the main input's channels (a wider sidechain does not widen it).
  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

 protected:
  /// Which way the curve's target moves when the gain goes down.
  enum class AttackMeans : std::uint8_t { more_reduction, less_reduction };

  /// `defaults` are the curve parameters' defaults; `max_ratio` bounds the ratio.
  CurveDynamicsNode(std::string type, KeyInput key, AttackMeans attack,
                    const dynamics::CurveSettings& defaults, double max_ratio);

  /// Writes the curve's reduction in dB (≥ 0) for each level in dB. Audio thread.
  virtual void reductions(const dynamics::CurveSettings& curve, const float* level_db,
                          float* reduction_db, std::uint32_t frames) const noexcept = 0;
  /// The makeup gain in dB the node wants now (0 unless the subclass adds one).
  virtual double makeup_db() const noexcept { return 0.0; }
  /// Re-reads makeup_db() into the ramp: a subclass calls it when its settings change.
  void update_makeup() noexcept { makeup_.set_target(makeup_db()); }

  dynamics::CurveSettings curve() const noexcept;

  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  void update_times() noexcept;
  /// Steps 1–3 for one group: levels of key channels [first, first + count) into
  /// `level_`, then the smoothed gain in dB (makeup not yet added) into `gain_db_`.
  void group_gain_db(const ConstAudioView& key, std::uint32_t first, std::uint32_t count,
                     std::size_t group, std::uint32_t frames) noexcept;

  AttackMeans attack_means_;
  double sample_rate_ = 48000.0;
  std::size_t meter_ = 0;
  SmoothedValue makeup_;
  std::vector<dynamics::PeakHoldBallistics> ballistics_;  // one per group
  std::vector<double> mean_square_;                       // rms state, one per group
  std::vector<float> level_;                              // scratch, max_block
  std::vector<float> gain_db_;                            // scratch, max_block
  std::vector<float> makeup_ramp_;                        // scratch, max_block
};

}  // namespace fxgraph
