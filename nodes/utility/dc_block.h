#pragma once
// dc_block: removes DC offset with a one-pole, one-zero high-pass,
//   y[n] = g·(x[n] - x[n-1]) + p·y[n-1],  p = exp(-2π·cutoff/fs),  g = (1 + p)/2,
// a zero at DC and unity gain at Nyquist (-3 dB near `cutoff_hz` for cutoffs far
// below fs). Each channel has its own state, kept in double so a 1 Hz pole at 192 kHz
// is still exact.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

class DcBlockNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "dc_block";

  enum Param : std::size_t { kCutoffHz };

  DcBlockNode();

  /// The recursion rings on: until the state has decayed below Tail::kThreshold.
  Tail tail() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  void update() noexcept;

  double sample_rate_ = 48000.0;
  double pole_ = 0.0;
  double gain_ = 1.0;
  std::vector<double> last_in_, last_out_;  // per channel
};

}  // namespace fxgraph
