// Embedding fxgraph: build a chain, process a buffer, change "1.gain".
// This file is quoted in the README and run by a test, so the README cannot drift
// from the API.
#include <cstdio>
#include <memory>

#include <fxgraph/engine/engine.h>
#include <fxgraph/nodes/effects/gain.h>

int main() {
  using namespace fxgraph;

  // A chain is a graph whose nodes are named 0, 1, 2 …
  auto first = std::make_shared<GainNode>();
  auto second = std::make_shared<GainNode>();
  first->configure_parameter("gain", 0.5);
  Engine engine(Graph::chain({first, second}),
                {.sample_rate = 48000, .max_block = 256, .input_channels = 2});

  AudioBuffer in(2, 256), out(2, 256);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 256; ++i) in.channel(c)[i] = 0.25f;

  engine.process(in.view(), out.view());  // 0.25 * 0.5 * 1.0
  std::printf("before: %.4f\n", out.channel(0)[255]);

  engine.set_parameter("1.gain", 2.0);  // any thread; applied at the next block
  for (int block = 0; block < 4; ++block) engine.process(in.view(), out.view());
  std::printf("after:  %.4f (1.gain = %.1f)\n", out.channel(0)[255],
              engine.get_parameter("1.gain"));
  return out.channel(0)[255] == 0.25f ? 0 : 1;
}
