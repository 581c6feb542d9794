#pragma once
// normalize: scales the signal so its peak (or RMS, or a percentile of |x|) reaches a
// target — exactly, over the whole signal. It is a MultiPassNode: offline drivers
// measure in a first pass and apply in the second (see engine/multipass.h); a live
// graph refuses it. Strategies (torchfx's):
//   peak        one gain for all channels: target / max |x|
//   rms         one gain: target / RMS over all channels
//   percentile  one gain: target / the `percentile`-th percentile of |x| (a 0.01 dB
//               log-spaced histogram: exact to ±0.006 dB, flat memory)
//   per_channel each channel scaled to its own peak
// A silent signal is left as it is (no division by zero).

#include <array>
#include <string_view>
#include <vector>

#include "fxgraph/engine/multipass.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

class NormalizeNode : public Node, public MultiPassNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "normalize";

  enum Param : std::size_t { kPeak, kStrategy, kPercentile };
  enum Strategy { peak, rms, percentile, per_channel };

  /// `type` is the registry name it is built under: normalize, or torchfx's Normalize
  /// (the same node: its strategies and defaults are torchfx's).
  explicit NormalizeNode(std::string type = std::string(kType));

  void set_pass(Pass pass) override;
  void finish_measurement() override;
  /// The gain applied to channel `c` (after finish_measurement).
  double gain(std::size_t c) const { return gains_.empty() ? 1.0 : gains_[c % gains_.size()]; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  static constexpr int kBinsPerDb = 100;
  static constexpr int kMinDb = -200;
  static constexpr int kBins = -kMinDb * kBinsPerDb + 1;

  Pass pass_ = Pass::pass_through;
  std::vector<double> channel_peak_;
  double sum_squares_ = 0.0;
  double count_ = 0.0;
  std::vector<std::uint64_t> histogram_;  // |x| in 0.01 dB bins from -200 dBFS to 0 and above
  std::vector<double> gains_;
};

}  // namespace fxgraph
