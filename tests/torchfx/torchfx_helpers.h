#pragma once
// Helpers for the torchfx tests: a torchfx-named node built through the catalog and run
// over a short signal, as torchfx's tests call a module on a tensor.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/multipass.h"
#include "fxgraph/graphs/catalog.h"

namespace fxgraph::test {

inline std::shared_ptr<Node> torchfx_node(const std::string& cls,
                                          std::map<std::string, OptionValue> settings = {}) {
  return builtin_registry().create(cls, NodeOptions(std::move(settings)));
}

/// Channels of samples, as torchfx's tests write tensors: {{ch0 …}, {ch1 …}}.
using Signal = std::vector<std::vector<float>>;

/// Runs `node` over `input` (plus `extra` frames of silence, to hear the tail) in one
/// block at `sample_rate`. A multi-pass node (Normalize) measures the whole input first.
inline Signal run_torchfx(std::shared_ptr<Node> node, const Signal& input, std::uint32_t extra = 0,
                          double sample_rate = 44100.0) {
  const auto channels = std::uint32_t(input.size());
  const auto frames = std::uint32_t(input[0].size()) + extra;
  Engine engine(Graph::chain({node}),
                {.sample_rate = sample_rate, .max_block = frames, .input_channels = channels});
  AudioBuffer in(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::size_t i = 0; i < input[c].size(); ++i) in.channel(c)[i] = input[c][i];
  AudioBuffer out(engine.output_channels(), frames);
  if (auto* multipass = dynamic_cast<MultiPassNode*>(node.get())) {
    multipass->set_pass(MultiPassNode::Pass::measure);
    engine.process(in.view(), out.view());
    multipass->finish_measurement();
    multipass->set_pass(MultiPassNode::Pass::apply);
  }
  engine.process(in.view(), out.view());
  Signal result(out.num_channels(), std::vector<float>(frames));
  for (std::uint32_t c = 0; c < out.num_channels(); ++c)
    for (std::uint32_t i = 0; i < frames; ++i) result[c][i] = out.channel(c)[i];
  return result;
}

}  // namespace fxgraph::test
