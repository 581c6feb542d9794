#pragma once
// echo: a feedback echo (a recursive comb filter). Not torchfx's `Reverb`, which is one
// feed-forward echo (impulse 1, decay, 0 …); this one repeats (1, decay, decay², …).
//
//   w[n] = x[n] + decay · w[n - delay]        y[n] = (1 - mix) · x[n] + mix · w[n]
//
// The wet signal holds the direct sound and its echoes, as torchfx's wet signal does
// (x + decay · x[n - delay] there), so mix 1 is not "echoes only": the direct sound
// passes at full level and an impulse gives 1, decay, decay², … at multiples of
// `delay`. We keep torchfx's convention, which its users' mix values assume, and say
// so in the parameter's description. Unlike torchfx, which
// filters each tensor on its own, the line carries over from block to block: output
// does not depend on how the stream is cut. A `delay` change jumps (whole samples).
//
// Memory: prepare() sizes the line for the configured delay or 2 seconds, whichever is
// longer (not for the 10-second maximum: 4 MiB of stereo line that a file run would
// allocate and clear for nothing). Once prepared, a live change to a longer delay than
// the line holds is refused with a ParameterError naming the limit; configure the
// longer delay before the node starts instead.

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class EchoNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "echo";

  enum Param : std::size_t { kDelay, kDecay, kMix };
  static constexpr std::uint32_t kMaxDelay = 480000;
  static constexpr double kRampSeconds = 0.020;
  /// Delay (seconds) the line always has room for, whatever the configured delay.
  static constexpr double kMinLineSeconds = 2.0;

  EchoNode();

  Tail tail() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_request(std::size_t index, double value) override;
  void on_reset() noexcept override;

 private:
  std::uint32_t channels_ = 0;
  std::uint32_t capacity_ = 0;  // per channel: a power of two above the longest delay
  std::uint32_t longest_ = 0;   // the longest delay the line holds
  std::uint32_t mask_ = 0;
  std::uint32_t write_ = 0;
  std::vector<float> lines_;  // channels × capacity (sized in prepare)
  std::vector<float> ramp_;   // per-sample mix of a ramping block
  SmoothedValue mix_;
};

}  // namespace fxgraph
