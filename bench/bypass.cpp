// Bypass (engine/bypass.h): what the engine's bypass costs per node per block, for a
// chain of 16 stereo gain nodes at 64 and 512 frames:
//
//   playing:   no node bypassed (the cost every graph pays: one test per node)
//   bypassed:  every node bypassed, fade over (its output replaced by its input)
//   fading:    every node switched every block, so every block crossfades
//   latent:    16 lookahead limiters (5 ms) playing: their dry delay lines are fed
//              every block so that bypassing them is aligned at once
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/nodes/dynamics/limiter.h"
#include "fxgraph/nodes/effects/gain.h"

using namespace fxgraph;

namespace {

constexpr int kNodes = 16;

enum Mode { playing, bypassed, fading, latent };

void BM_Bypass(benchmark::State& state) {
  const auto mode = Mode(state.range(0));
  const auto frames = std::uint32_t(state.range(1));
  std::vector<std::shared_ptr<Node>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    if (mode == latent)
      nodes.push_back(std::make_shared<LimiterNode>(5.0));
    else
      nodes.push_back(std::make_shared<GainNode>());
  }
  Engine engine(Graph::chain(std::move(nodes)), {.max_block = frames, .input_channels = 2});
  std::vector<std::string> paths;
  for (int i = 0; i < kNodes; ++i) paths.push_back(std::to_string(i) + ".bypass");
  if (mode == bypassed)
    for (const auto& path : paths) engine.set_parameter(path, 1.0);
  AudioBuffer in(2, frames), out(2, frames);
  bool on = false;
  for (auto _ : state) {
    if (mode == fading) {
      state.PauseTiming();  // the control side is not what is measured
      on = !on;
      for (const auto& path : paths) engine.set_parameter(path, on ? 1.0 : 0.0);
      state.ResumeTiming();
    }
    engine.process(in.view(), out.view());
  }
  state.counters["per_node_block"] =
      benchmark::Counter(double(state.iterations()) * kNodes,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_Bypass)
    ->ArgNames({"mode", "frames"})
    ->ArgsProduct({{playing, bypassed, fading, latent}, {64, 512}});

BENCHMARK_MAIN();
