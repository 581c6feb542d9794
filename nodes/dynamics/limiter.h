#pragma once
// limiter: a lookahead peak limiter whose output never exceeds the ceiling.
//
// How it keeps that promise: every frame's required gain is ceiling / peak (1 when
// below). The gain applied to a frame is, first, the smallest requirement within the
// lookahead window W = lookahead + 1 frames (a sliding minimum), then the average of
// that over the last W frames (a boxcar, so the gain glides down over the lookahead
// instead of jumping), then a release that lets it rise back but never above the
// boxcar. release_ms is the τ of that rise in linear gain (63% of the way back in τ;
// unlike the compressor's dB-domain ballistics, a limiter recovers a few dB at most,
// and the linear one-pole needs no log or exp per sample). The audio is delayed by the
// lookahead; every value the boxcar averages for a frame is at most that frame's
// requirement, so the average is too. The boxcar sums integers (gains in 2^-30
// steps, rounded down), so no rounding error builds up over hours; a 1e-6 margin
// (< 0.00001 dB) absorbs the float rounding of the final multiplication.
//
// true_peak (option): the requirement comes from a 4× oversampled detector
// (true_peak_detector.h) instead of the samples, so the output stays below the
// ceiling between samples too; the detector adds its delay to the latency.
//
// Latency: lookahead (+ 16 frames with true_peak), reported by latency(); the tail is
// the same (the delayed input still comes out). Meter `gain_reduction_db`: how far the
// gain is down at the end of the latest block (≥ 0).

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dynamics/true_peak_detector.h"

namespace fxgraph {

/// How the limiter measures peaks.
enum class PeakMode : std::uint8_t { sample, true_peak };

class LimiterNode : public Node {
 public:
  double cost_per_sample() const override { return 1.4; }
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "limiter";
  static constexpr double kDefaultLookaheadMs = 5.0;
  static constexpr double kMaxLookaheadMs = 100.0;

  enum Param : std::size_t { kCeilingDb, kReleaseMs };

  /// `lookahead_ms` in (0, kMaxLookaheadMs]; fixed for the node's life because it sets
  /// the latency. Throws ConfigError outside that range.
  explicit LimiterNode(double lookahead_ms = kDefaultLookaheadMs, PeakMode mode = PeakMode::sample);

  std::uint64_t latency() const override;
  Tail tail() const override { return {.frames = latency()}; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  /// Steps 2–4 of the header for one block: `required` in, the gains out (in place).
  void gains(float* required, std::uint32_t frames) noexcept;
  void update_ceiling() noexcept;

  double lookahead_ms_;
  PeakMode mode_;
  double sample_rate_ = 48000.0;
  std::uint32_t lookahead_ = 1;    // frames
  std::uint32_t window_ = 2;       // lookahead + 1
  std::uint32_t audio_delay_ = 1;  // lookahead (+ detector delay)
  float ceiling_ = 1.0f;           // linear, with the margin
  double release_step_ = 1.0;
  std::size_t meter_ = 0;
  dynamics::TruePeakDetector true_peak_;

  // Sliding minimum: a monotonic queue of (requirement, frame), a ring of 2^k entries.
  std::vector<float> queue_value_;
  std::vector<std::uint64_t> queue_frame_;
  std::uint64_t queue_head_ = 0, queue_tail_ = 0, frame_ = 0;
  std::uint32_t queue_mask_ = 0;
  // Boxcar over the window: gains in 2^-30 steps, and their running sum.
  std::vector<std::uint32_t> boxcar_;
  std::uint64_t boxcar_sum_ = 0;
  std::uint32_t boxcar_pos_ = 0;
  double gain_ = 1.0;  // after the release (double: see ballistics.h on float stalls)

  std::vector<float> history_;  // per channel: audio_delay_ + max_block samples
  std::uint32_t history_stride_ = 0;
  std::vector<float> gain_block_;  // scratch, max_block
};

}  // namespace fxgraph
