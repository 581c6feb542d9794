#pragma once
// Small helpers for engine tests: constant sources, planar buffers, node shortcuts.

#include <algorithm>
#include <cstdint>
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

/// Runs mono `x` through `engine` in blocks of `block` frames; the mono output.
inline std::vector<float> run_mono(Engine& engine, const std::vector<float>& x,
                                   std::uint32_t block) {
  std::vector<float> y(x.size());
  for (std::size_t done = 0; done < x.size();) {
    const auto n = std::uint32_t(std::min<std::size_t>(block, x.size() - done));
    const float* in_ch[] = {x.data() + done};
    float* out_ch[] = {y.data() + done};
    engine.process(ConstAudioView{in_ch, 1, n}, AudioView{out_ch, 1, n});
    done += n;
  }
  return y;
}

}  // namespace fxgraph::test
