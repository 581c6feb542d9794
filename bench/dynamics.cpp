// Dynamics speed: samples per second (channels × frames) of one node through the
// Engine, stereo, blocks of 256 frames, one core. Targets (issue 14): compressor
// ≥ 200 M samples/s, limiter ≥ 100 M samples/s.
//
//   BM_Dynamics/<type>_<variant>   the node on seeded noise loud enough to be acted on
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {

constexpr std::uint32_t kChannels = 2;
constexpr std::uint32_t kBlock = 256;

void BM_Dynamics(benchmark::State& state, const std::string& type,
                 std::map<std::string, OptionValue> settings) {
  Engine engine(Graph::chain({builtin_registry().create(type, NodeOptions(std::move(settings)))}),
                {.sample_rate = 48000, .max_block = kBlock, .input_channels = kChannels});
  // Long enough that the level moves through the curve (not one block repeated).
  constexpr std::uint32_t kBlocks = 64;
  AudioBuffer in(kChannels, kBlock * kBlocks), out(kChannels, kBlock);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::uint32_t c = 0; c < kChannels; ++c)
    for (std::uint32_t i = 0; i < kBlock * kBlocks; ++i)
      in.channel(c)[i] = dist(rng) * (1.0f + 0.9f * float((i / 4800) % 3 == 0 ? 1 : -1));
  float* pointers[kChannels];
  std::uint32_t block = 0;
  for (auto _ : state) {
    for (std::uint32_t c = 0; c < kChannels; ++c) pointers[c] = in.channel(c) + block * kBlock;
    engine.process(ConstAudioView{pointers, kChannels, kBlock}, out.view());
    block = (block + 1) % kBlocks;
  }
  state.SetItemsProcessed(state.iterations() * kBlock * kChannels);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Dynamics, compressor_peak, "compressor", {});
BENCHMARK_CAPTURE(BM_Dynamics, compressor_rms, "compressor", {{"detector", "rms"}});
BENCHMARK_CAPTURE(BM_Dynamics, compressor_unlinked, "compressor", {{"link", 0.0}});
BENCHMARK_CAPTURE(BM_Dynamics, expander_peak, "expander", {});
BENCHMARK_CAPTURE(BM_Dynamics, gate_peak, "gate", {});
BENCHMARK_CAPTURE(BM_Dynamics, limiter_sample_peak, "limiter", {});
BENCHMARK_CAPTURE(BM_Dynamics, limiter_true_peak, "limiter", {{"true_peak", 1.0}});
