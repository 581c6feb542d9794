// DSP speed: per-node throughput and torchfx's published workloads rebuilt in memory
// (float32, through the Engine exactly as a user's graph runs).
//
//   BM_Node/<type>/<channels>/<block>   samples per second of one node
//   BM_TorchfxIirChain                  HP Butterworth 1 kHz o2, LP Butterworth 5 kHz o2,
//                                       HP Chebyshev I 1.5 kHz o2 (0.5 dB), LP Chebyshev I
//                                       1.8 kHz o2 on 60 s × 8 channels at 44.1 kHz
//                                       (torchfx: 168 ms C++ CPU, 75.8 ms GPU; target 25 ms)
//   BM_TenMinuteStereo                  LP Butterworth o8, HP Chebyshev I o6, gain over
//                                       10 min stereo 48 kHz (torchfx ~0.6 s CPU; target 0.15 s)
//   BM_RealtimeBlock                    512 stereo frames through a band-pass biquad and a
//                                       delay (torchfx 0.229 ms; target 5 µs)
//   BM_Denormals/<loud>                 a lowpass decaying into silence vs on loud noise
#include <benchmark/benchmark.h>

#include <map>
#include <random>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {
std::shared_ptr<Node> make(const std::string& type, std::map<std::string, OptionValue> settings) {
  return builtin_registry().create(type, NodeOptions(std::move(settings)));
}

AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, float amplitude = 0.5f) {
  AudioBuffer b(channels, frames);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-amplitude, amplitude);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) b.channel(c)[i] = dist(rng);
  return b;
}

/// Runs `total` frames through `engine` in blocks of `block`, reading/writing `io`.
void run_frames(Engine& engine, AudioBuffer& in, AudioBuffer& out, std::uint64_t total,
                std::uint32_t block) {
  for (std::uint64_t done = 0; done < total; done += block) {
    const auto n = std::uint32_t(std::min<std::uint64_t>(block, total - done));
    engine.process(in.view(n), out.view(n));
  }
}

const std::map<std::string, std::map<std::string, OptionValue>> kNodeSettings = {
    {"gain", {{"gain", 0.5}}},
    {"lowpass", {{"cutoff", 1000.0}, {"order", 4.0}}},
    {"highpass_cheby1", {{"cutoff", 1000.0}, {"order", 4.0}}},
    {"peaking", {{"cutoff", 1000.0}, {"gain_db", 3.0}}},
    {"reverb", {{"room_size", 0.5}}},
    {"delay", {{"time_ms", 100.0}}},
    {"echo", {{"delay", 4410.0}}},
};

void BM_Node(benchmark::State& state, const std::string& type) {
  const auto channels = std::uint32_t(state.range(0));
  const auto block = std::uint32_t(state.range(1));
  Engine engine(Graph::chain({make(type, kNodeSettings.at(type))}),
                {.sample_rate = 48000, .max_block = block, .input_channels = channels});
  AudioBuffer in = noise(channels, block), out(channels, block);
  for (auto _ : state) engine.process(in.view(), out.view());
  state.SetItemsProcessed(state.iterations() * block * channels);
}

void BM_Fir512(benchmark::State& state) {
  const auto block = std::uint32_t(state.range(0));
  std::vector<double> taps(512);
  for (std::size_t i = 0; i < taps.size(); ++i) taps[i] = 1.0 / double(i + 1);
  Engine engine(Graph::chain({make("fir", {{"taps", taps}})}),
                {.sample_rate = 48000, .max_block = block, .input_channels = 1});
  AudioBuffer in = noise(1, block), out(1, block);
  for (auto _ : state) engine.process(in.view(), out.view());
  state.SetItemsProcessed(state.iterations() * block);
}

// Blocks of 4096 frames, as StreamProcessor runs the engine: a block's buffers stay
// in the L2 cache from one node to the next.
void BM_TorchfxIirChain(benchmark::State& state) {
  const std::uint32_t block = 4096;
  Engine engine(
      Graph::chain({make("highpass", {{"cutoff", 1000.0}, {"order", 2.0}}),
                    make("lowpass", {{"cutoff", 5000.0}, {"order", 2.0}}),
                    make("highpass_cheby1", {{"cutoff", 1500.0}, {"order", 2.0}, {"ripple", 0.5}}),
                    make("lowpass_cheby1", {{"cutoff", 1800.0}, {"order", 2.0}})}),
      {.sample_rate = 44100, .max_block = block, .input_channels = 8});
  AudioBuffer in = noise(8, block), out(8, block);
  for (auto _ : state) run_frames(engine, in, out, 60ull * 44100, block);
  state.SetItemsProcessed(state.iterations() * 60 * 44100 * 8);
}

void BM_TenMinuteStereo(benchmark::State& state) {
  const std::uint32_t block = 4096;
  Engine engine(Graph::chain({make("lowpass", {{"cutoff", 5000.0}, {"order", 8.0}}),
                              make("highpass_cheby1", {{"cutoff", 100.0}, {"order", 6.0}}),
                              make("gain", {{"gain", 0.8}})}),
                {.sample_rate = 48000, .max_block = block, .input_channels = 2});
  AudioBuffer in = noise(2, block), out(2, block);
  for (auto _ : state) run_frames(engine, in, out, 600ull * 48000, block);
  state.SetItemsProcessed(state.iterations() * 600 * 48000 * 2);
}

void BM_RealtimeBlock(benchmark::State& state) {
  Engine engine(Graph::chain({make("bandpass", {{"cutoff", 1000.0}, {"q", 1.0}}),
                              make("delay", {{"time_ms", 100.0}})}),
                {.sample_rate = 48000, .max_block = 512, .input_channels = 2});
  AudioBuffer in = noise(2, 512), out(2, 512);
  for (auto _ : state) engine.process(in.view(), out.view());
}

void BM_Denormals(benchmark::State& state) {
  // Loud: noise forever. Decaying: one burst, then silence — the filter state decays
  // towards denormal range, which flush-to-zero must keep cheap.
  const bool loud = state.range(0) != 0;
  Engine engine(Graph::chain({make("lowpass", {{"cutoff", 200.0}, {"order", 8.0}})}),
                {.sample_rate = 48000, .max_block = 512, .input_channels = 2});
  AudioBuffer burst = noise(2, 512), silence(2, 512), out(2, 512);
  engine.process(burst.view(), out.view());
  for (int i = 0; i < 2000; ++i) engine.process((loud ? burst : silence).view(), out.view());
  for (auto _ : state) engine.process((loud ? burst : silence).view(), out.view());
  state.SetItemsProcessed(state.iterations() * 512 * 2);
}
}  // namespace

BENCHMARK_CAPTURE(BM_Node, gain, std::string("gain"))->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, lowpass_o4, std::string("lowpass"))
    ->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, highpass_cheby1_o4, std::string("highpass_cheby1"))
    ->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, peaking, std::string("peaking"))->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, reverb, std::string("reverb"))->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, delay, std::string("delay"))->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK_CAPTURE(BM_Node, echo, std::string("echo"))->ArgsProduct({{1, 2, 8}, {64, 4096}});
BENCHMARK(BM_Fir512)->Arg(64)->Arg(4096);
BENCHMARK(BM_TorchfxIirChain)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TenMinuteStereo)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RealtimeBlock)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Denormals)->Arg(0)->Arg(1);
