#pragma once
// convolver: convolution with an impulse response read from an audio file (a room, a
// cabinet, a hall), the node behind convolution reverbs.
//
// Layouts (from the IR file's channel count and the input's):
//   mono IR            every input channel through the same IR; output = input channels
//   N-channel IR       per channel: input channel c through IR channel c (input N
//                      channels), or a mono input through each (output N channels)
//   4-channel IR       true stereo, stereo input: channels are L→L, L→R, R→L, R→R, so
//                      out L = in L * h0 + in R * h2, out R = in L * h1 + in R * h3
//
// The work is dsp::FirConvolver's: uniformly partitioned FFT convolution (FFTW) with a
// direct-form head, so the output starts with the input — zero added latency at any
// block size — and is bit-identical for any block sizes. An IR at another rate than the
// graph's is resampled when the node is prepared (dsp/impulse_response.h).
//
// Settings: `path` (required), `delay` (ms of pre-delay), `max_length` (s; longer IRs
// are cut), `normalize_ir` (scale so the output channel with the most energy has unit
// energy gain: white noise keeps its level) and the live `gain` parameter (ramped).

#include <memory>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/engine/smoothed_value.h"
#include "fxgraph/nodes/dsp/fir_convolver.h"
#include "fxgraph/nodes/dsp/impulse_response.h"

namespace fxgraph {

struct ConvolverOptions {
  dsp::ImpulseShaping shaping;
  bool normalize_ir = false;
};

class ConvolverNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "convolver";

  enum Param : std::size_t { kGain };

  ConvolverNode(dsp::ImpulseResponse ir, ConvolverOptions options);

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;
  Tail tail() const override;
  /// The IR as prepared (resampled, delayed, cut, normalised): what the node convolves with.
  const dsp::ImpulseResponse& prepared_ir() const noexcept { return shaped_; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  /// One input channel through one IR channel, added to one output channel.
  struct Route {
    std::uint32_t input;
    std::uint32_t output;
    dsp::FirConvolver convolver;
  };

  dsp::ImpulseResponse ir_;  // as read, at the file's rate
  ConvolverOptions options_;
  dsp::ImpulseResponse shaped_;
  std::vector<Route> routes_;
  std::vector<float> scratch_;  // one route's block
  std::vector<float> ramp_;     // the gain per frame while it ramps
  SmoothedValue gain_;
};

/// Builds `convolver` from its settings (path, delay, max_length, normalize_ir). Throws
/// ConfigError naming the setting.
std::shared_ptr<Node> make_convolver_node(const NodeOptions& options);

}  // namespace fxgraph
