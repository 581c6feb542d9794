#pragma once
// torchfx's Gain(gain, gain_type="amplitude", clamp=False), faithful to its result.
//
// gain_type says how `gain` is read: "amplitude" multiplies by it, "db" by
// 10^(gain/20), "power" by 10^(10·log10(gain)/20) (the square root of a power ratio).
// The factor is computed in double as torchfx does in Python and applied in float, so
// the output is torchfx's bit for bit. Like torchfx, a negative gain is refused for
// amplitude and power (and 0 for power, whose logarithm torchfx cannot take). `clamp`
// limits the output to [-1, 1] after the gain.
//
// Beyond torchfx: a live change of gain ramps over 10 ms instead of stepping (torchfx
// processes whole tensors and has no live changes); the first value applies at once.
// fxgraph's own `gain` node (linear and dB views of one value) is a separate type.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph::torchfx {

class GainNode : public Node {
 public:
  /// The registry type name: torchfx's class name.
  static constexpr std::string_view kType = "Gain";

  enum Param : std::size_t { kGain, kGainType, kClamp };
  enum GainType { amplitude, db, power };
  static constexpr double kRampSeconds = 0.010;

  GainNode();

  /// The factor torchfx multiplies by for `gain` read as `type`.
  static double factor(double gain, GainType type) noexcept;

  /// Registry factory: applies gain_type first, so `gain: -6` with `gain_type: db` is
  /// checked against the type it is given with, whatever the order of the settings.
  static std::shared_ptr<Node> create(const NodeOptions& options);

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_request(std::size_t index, double value) override;
  void on_reset() noexcept override { gain_.jump_to(gain_.target()); }

 private:
  SmoothedValue gain_;
  std::vector<float> ramp_;  // per-sample factors of a ramping block (sized in prepare)
};

}  // namespace fxgraph::torchfx
