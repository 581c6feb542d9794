// A program that uses fxgraph the way an outside project does: angle-bracket includes,
// and nothing but what the package gives it. tests/packaging/ builds it three ways
// (add_subdirectory, find_package after an install, pkg-config) and runs it.
//
// It builds a chain of two gains (0.5, 1), processes a block, sets "0.gain" to 2 by
// path and processes again; then loads the same chain from YAML (the graphs layer, and
// with it every library fxgraph links) and checks that it sounds the same.
// Exit status 0 when every sample is what it should be, 1 otherwise.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>

#include <fxgraph/engine/engine.h>
#include <fxgraph/graphs/yaml_loader.h>
#include <fxgraph/nodes/effects/gain.h>

namespace {

constexpr std::uint32_t kChannels = 2;
constexpr std::uint32_t kBlock = 256;
constexpr float kInput = 0.25f;
// Enough blocks for the 10 ms gain ramp at 48 kHz (480 frames) to end.
constexpr int kBlocksToSettle = 4;

/// True when every sample of `out` is within float precision of `expected`.
bool all_equal(const fxgraph::AudioBuffer& out, float expected, const char* what) {
  for (std::uint32_t c = 0; c < kChannels; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      if (std::fabs(out.channel(c)[i] - expected) > 1e-6f) {
        std::fprintf(stderr, "consumer: %s: channel %u frame %u is %.7f, expected %.7f\n", what, c,
                     i, double(out.channel(c)[i]), double(expected));
        return false;
      }
  return true;
}

/// Processes a block at gain 0.5 · 1, sets "0.gain" = 2, and settles: 0.125, then 0.5.
bool check_chain(fxgraph::Engine& engine, const char* what) {
  fxgraph::AudioBuffer in(kChannels, kBlock), out(kChannels, kBlock);
  for (std::uint32_t c = 0; c < kChannels; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i) in.channel(c)[i] = kInput;

  engine.process(in.view(), out.view());
  if (!all_equal(out, kInput * 0.5f, what)) return false;

  engine.set_parameter("0.gain", 2.0);
  for (int block = 0; block < kBlocksToSettle; ++block) engine.process(in.view(), out.view());
  if (engine.get_parameter("0.gain") != 2.0) {
    std::fprintf(stderr, "consumer: %s: 0.gain reads %g, expected 2\n", what,
                 engine.get_parameter("0.gain"));
    return false;
  }
  return all_equal(out, kInput * 2.0f, what);
}

}  // namespace

int main() {
  using namespace fxgraph;
  const EngineConfig config{.sample_rate = 48000, .max_block = kBlock, .input_channels = kChannels};

  auto first = std::make_shared<GainNode>();
  auto second = std::make_shared<GainNode>();
  first->configure_parameter("gain", 0.5);
  Engine built(Graph::chain({first, second}), config);
  if (!check_chain(built, "Graph::chain")) return 1;

  GraphDocument loaded =
      load_graph_string("chain:\n  - { type: gain, gain: 0.5 }\n  - { type: gain }\n");
  Engine from_yaml(loaded.graph, config);
  if (!check_chain(from_yaml, "YAML chain")) return 1;

  std::printf("consumer: ok (0.125 before, 0.5 after 0.gain = 2; the YAML chain agrees)\n");
  return 0;
}
