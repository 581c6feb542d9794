// What one step of each kind costs per sample: the figures behind Node::cost_per_sample,
// which the compiler weighs steps by when it spreads them over threads.
//
//   BM_Step/<kind>: a graph whose plan is that one step (a node, or a fused chain of IIR
//   filters), 256 stereo frames a block, one thread. ns_per_sample = time per block /
//   (frames × channels). The ratios to lowpass4 are the nodes' costs.
//
// IIR filters are bound by their recursion's latency, not by their arithmetic: one
// section or four cost about the same, and a fused chain pays that latency once
// (bench/README.md, "Parallel branches").
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {

using Options = std::map<std::string, OptionValue>;

void BM_Step(benchmark::State& state, std::vector<std::pair<std::string, Options>> chain) {
  constexpr std::uint32_t kFrames = 256, kChannels = 2;
  std::vector<std::shared_ptr<Node>> nodes;
  for (auto& [type, options] : chain)
    nodes.push_back(builtin_registry().create(type, NodeOptions(options)));
  Engine engine(Graph::chain(std::move(nodes)),
                {.max_block = kFrames, .input_channels = kChannels});
  AudioBuffer in(kChannels, kFrames), out(kChannels, kFrames);
  for (std::uint32_t c = 0; c < kChannels; ++c)
    for (std::uint32_t i = 0; i < kFrames; ++i)
      in.channel(c)[i] = float((i * 7 + c) % 13) / 13.0f - 0.5f;
  for (auto _ : state) {
    engine.process(in.view(), out.view());
    benchmark::DoNotOptimize(out.channel(0)[0]);
  }
  state.counters["ns_per_sample"] =
      benchmark::Counter(double(state.iterations()) * kFrames * kChannels,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

Options lowpass(double order) {
  return {{"cutoff", 1000.0}, {"order", order}};
}

}  // namespace

BENCHMARK_CAPTURE(BM_Step, gain, {{"gain", {}}});
BENCHMARK_CAPTURE(BM_Step, lowpass2, {{"lowpass", lowpass(2)}});
BENCHMARK_CAPTURE(BM_Step, lowpass4, {{"lowpass", lowpass(4)}});
BENCHMARK_CAPTURE(BM_Step, lowpass8, {{"lowpass", lowpass(8)}});
BENCHMARK_CAPTURE(BM_Step, lowpass16, {{"lowpass", lowpass(16)}});
BENCHMARK_CAPTURE(BM_Step, linkwitz_riley4, {{"linkwitz_riley_low", lowpass(4)}});
BENCHMARK_CAPTURE(BM_Step, fused_2x_lowpass4, {{"lowpass", lowpass(4)}, {"lowpass", lowpass(4)}});
BENCHMARK_CAPTURE(BM_Step, fused_4x_lowpass4,
                  {{"lowpass", lowpass(4)},
                   {"lowpass", lowpass(4)},
                   {"lowpass", lowpass(4)},
                   {"lowpass", lowpass(4)}});
BENCHMARK_CAPTURE(BM_Step, reverb, {{"reverb", {}}});
BENCHMARK_CAPTURE(BM_Step, compressor, {{"compressor", {}}});
BENCHMARK_CAPTURE(BM_Step, gate, {{"gate", {}}});
BENCHMARK_CAPTURE(BM_Step, limiter, {{"limiter", {}}});
