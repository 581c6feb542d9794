#pragma once
// torchfx's Reverb(delay=4410, decay=0.5, mix=0.5): despite its name, one feed-forward
// echo. torchfx computes (1 - mix)·x + mix·(x + decay·x[n - delay]), that is
//
//   y[n] = x[n] + k · x[n - delay]        k = mix · decay (rounded to float, as torchfx)
//
// so an impulse gives 1, k at `delay`, and nothing after. Ranges are torchfx's:
// delay >= 1 sample, 0 < decay < 1, 0 <= mix <= 1.
//
// Differences from torchfx, both from streaming: the line carries over between blocks
// (torchfx treats each tensor on its own and returns a tensor no longer than `delay`
// unchanged), and a live change of mix or decay ramps k over 20 ms.
//
// The registry's `Reverb` builds this node unless a setting names one of the room
// reverb's own parameters (room_size, damping, width, pre_delay): `Reverb(room_size=0.3)`,
// the form torchfx's realtime examples use, is fxgraph's Freeverb (nodes/effects/reverb.h).
//
// Memory, as echo's: the line holds the configured delay or 2 seconds, whichever is
// longer; a live change to a longer delay is refused with a ParameterError.

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph::torchfx {

class ReverbNode : public Node {
 public:
  /// The registry type name: torchfx's class name.
  static constexpr std::string_view kType = "Reverb";

  enum Param : std::size_t { kDelay, kDecay, kMix };
  static constexpr std::uint32_t kMaxDelay = 480000;
  static constexpr double kRampSeconds = 0.020;
  static constexpr double kMinLineSeconds = 2.0;

  ReverbNode();

  /// Registry factory: the room reverb when a setting names one of its parameters, this
  /// echo otherwise; a mix of both forms' settings is refused, naming one of each.
  static std::shared_ptr<Node> create(const NodeOptions& options);
  /// The settings that select the room reverb.
  static const std::vector<std::string>& room_settings();

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
  std::vector<float> lines_;  // channels × capacity of past input (sized in prepare)
  std::vector<float> ramp_;   // per-sample k of a ramping block
  SmoothedValue k_;
};

}  // namespace fxgraph::torchfx
