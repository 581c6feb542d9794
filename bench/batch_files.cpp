// The per-file cost of a batch: BatchWorker::process (what each `fxgraph batch` thread
// runs per file) on files in /dev/shm, with the chain HP80 + LP8000 + gain.
//
//   BM_BatchFileOverhead: a 64-frame stereo file, so the figure is the fixed cost per
//                         file — the damage check, opening the input, compiling the
//                         engine, starting the reader and writer threads, creating,
//                         fsyncing and renaming the temporary, reading the header back.
//   BM_BatchOneMinute:    a one-minute stereo 48 kHz float file, for scale (the work a
//                         file of the benchmark costs one thread).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "fxgraph/batch/batch_worker.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_writer.h"

using namespace fxgraph;
namespace fs = std::filesystem;

namespace {

const char* const kChain =
    "chain:\n"
    "  - { type: highpass, cutoff: 80, order: 2 }\n"
    "  - { type: lowpass, cutoff: 8000, order: 2 }\n"
    "  - { type: gain, gain: 1.5 }\n";

/// A folder in /dev/shm (the disk is not what is measured), removed at the end.
struct ScratchFolder {
  fs::path path = fs::path("/dev/shm") / ("fxgraph-bench-batch-" + std::to_string(getpid()));
  ScratchFolder() { fs::create_directories(path); }
  ~ScratchFolder() { fs::remove_all(path); }
};

/// Writes `frames` frames of a quiet stereo ramp as a 48 kHz float WAV.
void write_input(const std::string& path, std::uint32_t frames) {
  AudioBuffer buffer(2, 65536);
  SndfileWriter writer(path, 48000, 2, make_file_format(path, "float"));
  for (std::uint32_t done = 0; done < frames;) {
    const std::uint32_t n = std::min(65536u, frames - done);
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < n; ++i)
        buffer.channel(c)[i] = 0.25f * float((done + i) % 97) / 97.0f;
    writer.write(buffer.view(n));
    done += n;
  }
  writer.commit();
}

void run_worker(benchmark::State& state, std::uint32_t frames) {
  const ScratchFolder folder;
  const std::string input = (folder.path / "in.wav").string();
  const std::string output = (folder.path / "out.wav").string();
  write_input(input, frames);
  BatchWorker worker(GraphRecipe::from_yaml_text(kChain), {});
  for (auto _ : state) {
    const ManifestRow row = worker.process(input, output);
    if (row.status != FileStatus::done) state.SkipWithError(row.error.c_str());
  }
  state.SetItemsProcessed(state.iterations());  // files
}

void BM_BatchFileOverhead(benchmark::State& state) {
  run_worker(state, 64);
}
BENCHMARK(BM_BatchFileOverhead)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BatchOneMinute(benchmark::State& state) {
  run_worker(state, 60 * 48000);
}
BENCHMARK(BM_BatchOneMinute)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
