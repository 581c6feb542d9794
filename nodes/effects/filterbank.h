#pragma once
// filterbank: `bands` band-pass filters with centres spaced evenly on a log scale from
// `min_hz` to `max_hz`. Each band is an RBJ constant-peak band-pass (0 dB at its
// centre) whose Q makes neighbouring bands cross at their geometric midpoint, unless a
// Q is given (torchfx's LogFilterBank, registered from nodes/torchfx, gives its `q`). The output
// carries one channel group per band, band-major: for a stereo input and 3 bands the channels are
// [b0 L, b0 R, b1 L, b1 R, b2 L, b2 R], so channel_select can pick a band out. The layout is fixed
// at construction (it sets the channel count), so the band settings are options, not live
// parameters.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dsp/sos_filter.h"

namespace fxgraph {

struct FilterbankOptions {
  std::uint32_t bands = 8;
  double min_hz = 60.0;
  double max_hz = 12000.0;
  double q = 0.0;  ///< every band's Q; 0: neighbouring bands cross at their midpoint
  std::string type = "filterbank";  ///< the registry name it is built under
};

class FilterbankNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "filterbank";

  explicit FilterbankNode(FilterbankOptions options = {});

  /// Centre frequency of band `b`, in Hz.
  double centre(std::uint32_t band) const noexcept;
  /// The Q every band uses (depends only on the spacing).
  double q() const noexcept;

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

  Tail tail() const override;

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_reset() noexcept override;

 private:
  FilterbankOptions options_;
  std::vector<dsp::SosFilter> bands_;
  std::vector<float*> band_pointers_;  // per band: views into the output's channel group
};

}  // namespace fxgraph
