// Convolution, resampling and loudness speed, with SoX measured in the same run.
//
//   BM_ConvolverLive        a 2 s stereo IR (96000 taps per channel, 48 kHz) at 64-frame
//                           blocks: counter dsp_load = processing time / block duration
//                           (issue 14's target: mean < 15 % of one core)
//   BM_ConvolverThroughput  the same IR over 20 s of stereo noise in 4096-frame blocks
//   BM_SoxFir               `sox -D in.wav out.wav fir ir.txt` with the same IR and input
//                           (SoX reads and writes a float WAV; ours stays in memory)
//   BM_Resample             20 s stereo 44.1 -> 48 kHz through StreamResampler (libsoxr VHQ)
//   BM_SoxRate              `sox -D in.wav out.wav rate -v 48000` on the same input
//   BM_LoudnessMeter        20 s stereo through dsp::LoudnessMeter (libebur128, true peak)
// The SoX rows need `sox` on the PATH (they report an error otherwise). Their CPU column
// is the benchmark's own (near 0); counter sox_cpu_ms is the sox process's CPU time per
// run (user + system, from RUSAGE_CHILDREN), the figure to set against our CPU time on a
// loaded machine.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_resampler.h"
#include "fxgraph/nodes/dsp/loudness_meter.h"

using namespace fxgraph;
namespace fs = std::filesystem;

namespace {

constexpr double kRate = 48000.0;
constexpr std::uint32_t kIrFrames = 96000;          // 2 s at 48 kHz
constexpr std::uint32_t kInputFrames = 20 * 48000;  // 20 s

AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, float amplitude, unsigned seed) {
  AudioBuffer b(channels, frames);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-amplitude, amplitude);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) b.channel(c)[i] = dist(rng);
  return b;
}

/// A folder with the IR (WAV for the convolver, text for SoX's fir) and the input WAV.
struct Files {
  fs::path folder = fs::temp_directory_path() / "fxgraph-bench-signal";
  fs::path ir_wav = folder / "ir.wav";
  fs::path ir_txt = folder / "ir.txt";
  fs::path input = folder / "in.wav";
  fs::path input_44k1 = folder / "in44k1.wav";
  fs::path output = folder / "out.wav";

  Files() {
    fs::create_directories(folder);
    AudioBuffer ir = noise(2, kIrFrames, 0.05f, 7);
    for (std::uint32_t c = 0; c < 2; ++c)  // a decaying room
      for (std::uint32_t i = 0; i < kIrFrames; ++i)
        ir.channel(c)[i] *= float(std::exp(-6.9 * i / kIrFrames));
    write(ir_wav, ir, 48000);
    std::ofstream text(ir_txt);
    text.precision(9);
    for (std::uint32_t i = 0; i < kIrFrames; ++i) text << ir.channel(0)[i] << "\n";
    write(input, noise(2, kInputFrames, 0.5f, 1), 48000);
    write(input_44k1, noise(2, 20 * 44100, 0.5f, 2), 44100);
  }
  static void write(const fs::path& path, AudioBuffer buffer, std::uint32_t rate) {
    SndfileWriter writer(path.string(), rate, buffer.num_channels(),
                         make_file_format(path.string(), "float"));
    writer.write(buffer.view());
    writer.commit();
  }
};

const Files& files() {
  static const Files f;
  return f;
}

std::unique_ptr<Engine> convolver_engine(std::uint32_t block) {
  NodeOptions options;
  options.set("path", files().ir_wav.string());
  auto node = builtin_registry().create("convolver", options);
  return std::make_unique<Engine>(
      Graph::chain({node}),
      EngineConfig{.sample_rate = kRate, .max_block = block, .input_channels = 2});
}

void BM_ConvolverLive(benchmark::State& state) {
  constexpr std::uint32_t kBlock = 64;
  auto engine = convolver_engine(kBlock);
  AudioBuffer in = noise(2, kBlock, 0.5f, 3), out(2, kBlock);
  for (auto _ : state) engine->process(in.view(), out.view());
  state.SetItemsProcessed(state.iterations() * kBlock * 2);
  // Mean time per block over the block's duration (1.333 ms): the share of one core.
  state.counters["dsp_load"] =
      benchmark::Counter(double(state.iterations()) * kBlock / kRate,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ConvolverLive)->Unit(benchmark::kMicrosecond);

void BM_ConvolverThroughput(benchmark::State& state) {
  constexpr std::uint32_t kBlock = 4096;
  auto engine = convolver_engine(kBlock);
  AudioBuffer in = noise(2, kBlock, 0.5f, 3), out(2, kBlock);
  for (auto _ : state)
    for (std::uint32_t done = 0; done < kInputFrames; done += kBlock)
      engine->process(in.view(), out.view());
  state.SetItemsProcessed(state.iterations() * std::int64_t(kInputFrames) * 2);
}
BENCHMARK(BM_ConvolverThroughput)->Unit(benchmark::kMillisecond)->UseRealTime();

double children_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) * 1e-3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

void run_sox(benchmark::State& state, const fs::path& input, const std::string& effect,
             std::int64_t samples) {
  const std::string command = "sox -D '" + input.string() + "' '" + files().output.string() + "' " +
                              effect + " 2>/dev/null";
  const double before = children_cpu_ms();
  for (auto _ : state)
    if (std::system(command.c_str()) != 0) state.SkipWithError("sox failed (is it installed?)");
  state.counters["sox_cpu_ms"] = (children_cpu_ms() - before) / double(state.iterations());
  state.SetItemsProcessed(state.iterations() * samples);
}

void BM_SoxFir(benchmark::State& state) {
  run_sox(state, files().input, "fir '" + files().ir_txt.string() + "'",
          std::int64_t(kInputFrames) * 2);
}
BENCHMARK(BM_SoxFir)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_Resample(benchmark::State& state) {
  AudioBuffer in = noise(2, 20 * 44100, 0.5f, 2), out(2, 8192);
  for (auto _ : state) {
    StreamResampler resampler(44100, 48000, 2);
    for (std::uint32_t done = 0; done < in.capacity_frames(); done += 8192) {
      const std::uint32_t n = std::min(8192u, in.capacity_frames() - done);
      const float* channels[2] = {in.channel(0) + done, in.channel(1) + done};
      resampler.push(ConstAudioView{channels, 2, n});
      while (resampler.pull(out.view()) > 0) {
      }
    }
    resampler.finish();
    while (resampler.pull(out.view()) > 0) {
    }
  }
  state.SetItemsProcessed(state.iterations() * 20 * 44100 * 2);
}
BENCHMARK(BM_Resample)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SoxRate(benchmark::State& state) {
  run_sox(state, files().input_44k1, "rate -v 48000", 20 * 44100 * 2);
}
BENCHMARK(BM_SoxRate)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_LoudnessMeter(benchmark::State& state) {
  AudioBuffer in = noise(2, 4096, 0.5f, 5);
  for (auto _ : state) {
    dsp::LoudnessMeter meter;
    meter.prepare(2, kRate, 4096);
    for (std::uint32_t done = 0; done < kInputFrames; done += 4096) meter.add(in.view(), 4096);
    benchmark::DoNotOptimize(meter.integrated());
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(kInputFrames) * 2);
}
BENCHMARK(BM_LoudnessMeter)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
