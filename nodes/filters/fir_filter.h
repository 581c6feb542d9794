#pragma once
// FIR filter nodes: `fir` runs given taps (option `taps`: a list, or `path`: a text
// file with one tap per line), `fir_design` designs windowed-sinc taps with
// dsp::firwin (options numtaps, cutoff — one edge or two —, pass, window, beta).
// Both run dsp::FirConvolver (zero latency, exact streaming) on any number of channels.
// fir_design's taps are symmetric (linear phase): with `compensate: 1` it reports their
// group delay, (numtaps - 1) / 2 frames, as its latency, so parallel branches line up
// with it and renders trim it (the output then lines up with the input).
//
// The taps are fixed once the node is prepared: a new FIR design means new FFT plans
// and buffers, which is control-thread work. So fir_design's settings are construction
// options, not live parameters; change them by replacing the node (Engine::replace_graph).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/nodes/dsp/fir_convolver.h"

namespace fxgraph::filters {

class FirFilterNode : public Node {
 public:
  /// Gives the taps for a sample rate (called in prepare; may throw ParameterError).
  using TapSource = std::function<std::vector<double>(double sample_rate)>;

  /// `latency`: frames the node reports as its latency (Node::latency): a linear-phase
  /// design's group delay when the graph is to compensate it, else 0.
  FirFilterNode(std::string type, TapSource taps, std::uint64_t latency = 0);

  Tail tail() const override;
  std::uint64_t latency() const override { return latency_; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_reset() noexcept override { convolver_.reset(); }

 private:
  TapSource taps_;
  std::uint64_t latency_;
  dsp::FirConvolver convolver_;
};

/// Builds `fir` from its options (`taps` list or `path` file). Throws ConfigError.
std::shared_ptr<Node> make_fir_node(const NodeOptions& options);
/// Builds `fir_design` from its options. Throws ConfigError or ParameterError.
std::shared_ptr<Node> make_fir_design_node(const NodeOptions& options);

}  // namespace fxgraph::filters
