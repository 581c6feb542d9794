#pragma once
// delay: a feedback delay with up to 8 taps, mono (per channel) or ping-pong.
//
// Time
//   `time_samples` when it is not 0, else `time_ms`. A tempo-synced delay (options
//   `bpm` and `note`, e.g. 120 and "1/8d") sets the initial `time_ms` from the note,
//   and the line is sized for the longer of 5 s and the note. Times are whole samples
//   (a 10 ms delay at 48 kHz is exactly 480 samples), so the echoes land sample-exact.
//   When the time changes, the old and new read positions are crossfaded over 10 ms
//   instead of jumping (a jump clicks; a moving read head would bend the pitch).
//
// Taps
//   Tap k (1 … taps) reads k × the delay time with level 0.7^(k-1); feedback comes from
//   tap 1. Taps longer than the line (e.g. 8 taps of a 1 s delay in a 5 s line) are
//   silent rather than reading stale memory.
//
// Strategies (a construction option, since it decides the output channel count)
//   mono      — each channel has its own line fed by itself.
//   ping_pong — stereo output: the input's mono sum enters the left line, and each
//               line feeds back into the other, so echoes alternate left, right, left.
//               Mono or stereo input; a mono input gives a stereo output.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

enum class DelayStrategy : std::uint8_t { mono, ping_pong };

class DelayNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "delay";

  enum Param : std::size_t { kTimeMs, kTimeSamples, kFeedback, kMix, kTaps };
  static constexpr double kMaxTimeMs = 5000.0;
  static constexpr std::uint32_t kMaxTaps = 8;
  static constexpr double kTapDecay = 0.7;
  static constexpr double kCrossfadeSeconds = 0.010;
  static constexpr double kRampSeconds = 0.020;

  /// `max_time_ms` (>= 5000) sizes the line and bounds `time_ms`; `time_ms` is the
  /// initial delay time (250 ms, or a synced note's length).
  explicit DelayNode(DelayStrategy strategy = DelayStrategy::mono, double max_time_ms = kMaxTimeMs,
                     double time_ms = 250.0);

  /// Parses "mono" / "ping_pong"; throws ConfigError listing the valid names.
  static DelayStrategy parse_strategy(const std::string& name);

  DelayStrategy strategy() const noexcept { return strategy_; }

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

  Tail tail() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  std::uint32_t target_delay() const noexcept;
  float read(std::uint32_t channel, std::uint32_t delay) const noexcept {
    return lines_[std::size_t(channel) * capacity_ + ((write_ - delay) & mask_)];
  }
  /// The common case (no crossfade, mono strategy, one tap) in vectorised runs.
  void process_plain(const ConstAudioView& in, const AudioView& out, std::uint32_t channels,
                     std::uint32_t n, float fb, bool ramping, float steady_mix) noexcept;
  float taps_sum(std::uint32_t channel, std::uint32_t delay, std::uint32_t taps) const noexcept;

  DelayStrategy strategy_;
  double max_time_ms_;
  double sample_rate_ = 48000.0;
  std::uint32_t channels_ = 0;
  std::uint32_t capacity_ = 0;  // a power of two, per channel
  std::uint32_t mask_ = 0;
  std::uint32_t max_delay_ = 1;  // samples
  std::uint32_t write_ = 0;
  std::uint32_t delay_ = 1;       // current delay (samples)
  std::uint32_t next_delay_ = 1;  // crossfade target
  std::uint32_t fade_position_ = 0;
  std::uint32_t fade_length_ = 1;
  bool fading_ = false;
  std::vector<float> lines_;     // channels × capacity (sized in prepare)
  std::vector<float> feedback_;  // per-channel tap-1 reads of the current frame
  std::vector<float> ramp_;      // per-sample mix of a ramping block
  std::array<float, kMaxTaps> tap_level_{};
  SmoothedValue mix_;
};

}  // namespace fxgraph
