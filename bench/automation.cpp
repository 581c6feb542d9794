// Automation cost: a stereo low-pass whose cutoff sweeps (Engine::automate, an
// exponential curve: the filter runs in 32-frame sub-blocks and redesigns its
// coefficients for each) against the same filter with a static cutoff, at blocks of
// 64 and 512 frames.
//
//   BM_Cutoff/<type>/<frames>/<automated>: type 0 the RBJ biquad_lowpass (one section),
//   1 the 8th-order Butterworth lowpass (four sections); automated 0 static, 1 swept.
#include <benchmark/benchmark.h>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {

void BM_Cutoff(benchmark::State& state) {
  const bool butterworth = state.range(0) != 0;
  const auto frames = std::uint32_t(state.range(1));
  const bool automated = state.range(2) != 0;
  NodeOptions options;
  if (butterworth) options.set("order", 8.0);
  Graph graph = Graph::chain(
      {builtin_registry().create(butterworth ? "lowpass" : "biquad_lowpass", options)});
  Engine engine(graph, {.sample_rate = 48000, .max_block = frames, .input_channels = 2});
  // A sweep long enough that every measured block is inside it.
  if (automated) engine.automate("0.cutoff", {{0, 200}, {1e5, 8000}}, AutomationCurve::exponential);
  AudioBuffer in(2, frames), out(2, frames);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) in.channel(c)[i] = float((i * 7 + c) % 13) / 13.0f;
  for (auto _ : state) engine.process(in.view(), out.view());
  state.SetItemsProcessed(std::int64_t(state.iterations()) * frames);
}

}  // namespace

BENCHMARK(BM_Cutoff)->ArgsProduct({{0, 1}, {64, 512}, {0, 1}});
