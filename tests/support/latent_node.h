#pragma once
// LatentNode: a test node of known latency. Its output is its input delayed by
// `frames` frames (a parameter, 0 … kMaxFrames), and latency() reports exactly that, as
// a lookahead limiter or a linear-phase filter would report its delay.

#include <algorithm>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph::test {

class LatentNode : public Node {
 public:
  static constexpr std::uint32_t kMaxFrames = 4096;

  explicit LatentNode(std::uint32_t frames) : Node("latent") {
    add_input("in");
    add_output("out");
    add_parameter({.name = "frames",
                   .min = 0,
                   .max = kMaxFrames,
                   .default_value = 0,
                   .kind = ParameterKind::integer,
                   .description = "latency in frames"});
    configure_parameter("frames", frames);
  }

  // The requested value: what the control thread sees as soon as it is set.
  std::uint64_t latency() const override { return std::uint64_t(requested_value(0)); }

 protected:
  void on_prepare(const PrepareInfo& info) override {
    ring_.assign(info.input_channels[0], std::vector<float>(kMaxFrames + 1, 0.0f));
  }
  void do_process(const ProcessContext& ctx) noexcept override {
    const auto delay = std::uint32_t(value(0));
    const std::uint32_t size = kMaxFrames + 1;
    for (std::uint32_t c = 0; c < ctx.outputs[0].num_channels; ++c) {
      std::vector<float>& ring = ring_[c];
      std::uint32_t w = write_;
      for (std::uint32_t i = 0; i < ctx.frames; ++i) {
        ring[w] = ctx.inputs[0].channels[c][i];
        ctx.outputs[0].channels[c][i] = ring[(w + size - delay) % size];
        w = (w + 1) % size;
      }
    }
    write_ = (write_ + ctx.frames) % size;
  }
  void on_reset() noexcept override {
    for (auto& ring : ring_) std::fill(ring.begin(), ring.end(), 0.0f);
    write_ = 0;
  }

 private:
  std::vector<std::vector<float>> ring_;
  std::uint32_t write_ = 0;
};

}  // namespace fxgraph::test
