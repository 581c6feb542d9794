#pragma once
// Small helpers for engine tests: constant sources, planar buffers, node shortcuts.

#include <memory>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/effects/gain.h"

namespace fxgraph::test {

/// A source that outputs a constant per channel: channel c carries values[c].
class ConstantNode : public Node {
 public:
  explicit ConstantNode(std::vector<float> values) : Node("constant"), values_(std::move(values)) {
    add_output("out", std::uint32_t(values_.size()));
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    for (std::uint32_t c = 0; c < ctx.outputs[0].num_channels; ++c)
      for (std::uint32_t i = 0; i < ctx.frames; ++i) ctx.outputs[0].channels[c][i] = values_[c];
  }

 private:
  std::vector<float> values_;
};

inline std::shared_ptr<GainNode> make_gain(double gain) {
  auto node = std::make_shared<GainNode>();
  node->configure_parameter("gain", gain);
  return node;
}

/// An owning planar buffer filled with `value`.
inline AudioBuffer filled(std::uint32_t channels, std::uint32_t frames, float value) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) b.channel(c)[i] = value;
  return b;
}

}  // namespace fxgraph::test
