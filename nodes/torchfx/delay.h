#pragma once
// torchfx's Delay(delay_samples, bpm, delay_time="1/8", fs, feedback=0.3, mix=0.2,
// taps=3, strategy=MonoDelayStrategy()), faithful to its result.
//
// torchfx's model is a finite set of taps, not a feedback loop: tap k (1 … taps) is the
// input delayed by k · delay_samples at level feedback^(k-1), so taps 3, feedback 0.3
// give an impulse's echoes 1, 0.3, 0.09 and then nothing. The taps are summed in order
// into the delayed signal d, and the output is torch.lerp(x, d, mix):
//
//   d[n] = Σ_{k=1..taps} float(feedback^(k-1)) · x[n - k·delay_samples]
//   y[n] = mix < 0.5 ? x + mix·(d - x) : d - (d - x)·(1 - mix)      (in float)
//
// strategy ping_pong on a stereo input sends odd taps of the left channel to the right
// and even taps of the right channel to the left (the first echo on the right); on any
// other width it is mono, as torchfx falls back.
//
// Tempo sync: `bpm` with `delay_time` ("1/8", "1/8d" dotted, "1/8t" triplet) sets
// delay_samples when the node is prepared for a rate, truncated as torchfx does:
// int(fraction · 4 · 60 / bpm · fs) (140 BPM 1/8 at 48 kHz: 10285). A triplet is 2/3 of
// the note, as torchfx's documentation says (its code uses 1/3; README, "Differences
// from torchfx"). `bpm` and `delay_samples` are one value seen twice: give one.
//
// Streaming: torchfx returns a signal longer than its input by taps · delay_samples;
// here that is the node's tail, which offline renders play out. Memory: the line holds
// taps · delay_samples or 2 seconds, whichever is longer; a live change that needs more
// is refused with a ParameterError.

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::torchfx {

/// A tempo-synced delay: `bpm` and torchfx's `delay_time` as a length in bars.
struct TempoSync {
  double bpm = 0.0;   ///< 0: not synced
  double bars = 0.0;  ///< the note's length in bars (1/8 → 0.125; dotted ×1.5, triplet ×2/3)
};

class DelayNode : public Node {
 public:
  /// The registry type name: torchfx's class name.
  static constexpr std::string_view kType = "Delay";

  enum Param : std::size_t { kDelaySamples, kFeedback, kMix, kTaps, kStrategy };
  enum Strategy { mono, ping_pong };
  static constexpr std::uint32_t kMaxDelay = 480000;
  static constexpr std::uint32_t kMaxTaps = 64;
  /// Most frames the line may span (taps · delay_samples): 40 s at 48 kHz.
  static constexpr std::uint64_t kMaxSpan = 1920000;
  static constexpr double kMinLineSeconds = 2.0;

  explicit DelayNode(TempoSync sync = {});

  /// torchfx's delay in samples for a note of `bars` at `bpm` and `sample_rate`.
  static std::int64_t synced_samples(double bars, double bpm, double sample_rate) noexcept;
  /// Registry factory: reads bpm and delay_time.
  static std::shared_ptr<Node> create(const NodeOptions& options);

  Tail tail() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_request(std::size_t index, double value) override;
  void on_reset() noexcept override;

 private:
  void update_tap_gains() noexcept;

  TempoSync sync_;
  std::uint32_t channels_ = 0;
  std::uint32_t capacity_ = 0;  // per channel: a power of two above the longest span
  std::uint64_t longest_ = 0;   // the longest span (taps · delay) the line holds
  std::uint32_t mask_ = 0;
  std::uint32_t write_ = 0;
  std::vector<float> lines_;    // channels × capacity of past input
  std::vector<float> delayed_;  // one block of d (sized in prepare)
  std::vector<float> tap_gains_ = std::vector<float>(kMaxTaps);  // float(feedback^(k-1))
};

}  // namespace fxgraph::torchfx
