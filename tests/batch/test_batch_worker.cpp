// process_one_file / BatchWorker: the output equals StreamProcessor's (what `fxgraph
// process` runs), the row describes it, a bad file is a failed row and leaves nothing,
// a stop request throws Stopped and leaves nothing, and a reused worker starts each
// file fresh.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <sys/resource.h>

#include "fxgraph/batch/batch_worker.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "support/audio_files.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::read_all_samples;
using fxgraph::test::thrown_by;
using fxgraph::test::unique_temp_dir;
using fxgraph::test::write_noise_wav;
namespace fs = std::filesystem;

namespace {

const char* const kChain =
    "chain:\n"
    "  - { type: highpass, cutoff: 80 }\n"
    "  - { type: lowpass, cutoff: 8000 }\n"
    "  - { type: gain, gain: 1.5 }\n";

std::string bytes_of(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), {}};
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("a batch worker's output is StreamProcessor's, byte for byte, and its row describes it",
          "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  write_noise_wav(dir / "in.wav", 30000);
  const GraphRecipe recipe = GraphRecipe::from_yaml_text(kChain, "chain.yaml");

  StreamProcessor reference(load_graph_string(kChain).graph);
  reference.set_tail({.enabled = true});
  reference.process_file((dir / "in.wav").string(), (dir / "ref.wav").string());

  // Into a folder that does not exist yet: the worker creates it.
  const std::string output = (dir / "sub" / "out.wav").string();
  const ManifestRow row = process_one_file(recipe, (dir / "in.wav").string(), output);
  REQUIRE(row.status == FileStatus::done);
  CHECK(row.error.empty());
  CHECK(bytes_of(output) == bytes_of(dir / "ref.wav"));

  const std::vector<float> samples = read_all_samples(output);  // float WAV: exact
  double peak = 0.0, sum = 0.0;
  for (float x : samples) {
    peak = std::max(peak, double(std::fabs(x)));
    sum += double(x) * double(x);
  }
  SndfileReader written(output);
  CHECK(row.frames == written.frames());
  CHECK(written.frames() > 30000);  // the filters' tail was played out, as `process` does
  CHECK(row.sample_rate == 48000u);
  CHECK(row.channels == 2u);
  CHECK(row.peak == peak);
  CHECK(*row.rms == Approx(std::sqrt(sum / double(samples.size()))).epsilon(1e-12));
  CHECK(row.seconds > 0.0);
  fs::remove_all(dir);
}

TEST_CASE("a file that fails is a failed row with the reason, and leaves no file",
          "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  std::ofstream(dir / "bad.wav") << "RIFF this is not audio";
  write_noise_wav(dir / "good.wav", 1000);
  BatchWorker worker(GraphRecipe::from_yaml_text(kChain), {});
  const ManifestRow bad =
      worker.process((dir / "bad.wav").string(), (dir / "bad-out.wav").string());
  CHECK(bad.status == FileStatus::failed);
  CHECK_THAT(bad.error, Contains("bad.wav"));
  CHECK_FALSE(bad.frames);
  // The same worker goes on with the next file.
  CHECK(worker.process((dir / "good.wav").string(), (dir / "good-out.wav").string()).status ==
        FileStatus::done);
  CHECK(names_in(dir) == std::vector<std::string>{"bad.wav", "good-out.wav", "good.wav"});
  fs::remove_all(dir);
}

TEST_CASE("a truncated input is refused as `process` refuses it", "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  write_noise_wav(dir / "whole.wav", 48000);
  fs::copy_file(dir / "whole.wav", dir / "cut.wav");
  fs::resize_file(dir / "cut.wav", fs::file_size(dir / "whole.wav") / 2);
  const ManifestRow row = process_one_file(GraphRecipe::from_yaml_text(kChain),
                                           (dir / "cut.wav").string(), (dir / "o.wav").string());
  CHECK(row.status == FileStatus::failed);
  CHECK_THAT(row.error, Contains("truncated"));
  CHECK_FALSE(fs::exists(dir / "o.wav"));
  fs::remove_all(dir);
}

TEST_CASE("a reused worker gives each file the output a fresh one gives", "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  write_noise_wav(dir / "in.wav", 5000);
  const GraphRecipe recipe = GraphRecipe::from_yaml_text(kChain);
  BatchWorker worker(recipe, {});
  worker.process((dir / "in.wav").string(), (dir / "first.wav").string());
  worker.process((dir / "in.wav").string(), (dir / "second.wav").string());
  CHECK(bytes_of(dir / "first.wav") == bytes_of(dir / "second.wav"));
  fs::remove_all(dir);
}

TEST_CASE("a stop request throws Stopped and leaves no file behind", "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  write_noise_wav(dir / "in.wav", 20000);
  int polls = 0;
  BatchWorker worker(GraphRecipe::from_yaml_text(kChain),
                     {.chunk_size = 1000, .stop = [&polls] { return ++polls > 5; }});
  CHECK_THROWS_AS(worker.process((dir / "in.wav").string(), (dir / "out.wav").string()), Stopped);
  CHECK(names_in(dir) == std::vector<std::string>{"in.wav"});
  fs::remove_all(dir);
}

TEST_CASE("a batch graph must take its audio from the batch", "[batch][worker]") {
  const fs::path dir = unique_temp_dir("fxgraph-worker");
  write_noise_wav(dir / "x.wav", 100);
  const auto file_graph = thrown_by<GraphError>([&] {
    GraphRecipe::from_yaml_text(
        "nodes:\n  src: { type: file_in, path: " + (dir / "x.wav").string() +
        " }\n  g: { type: gain }\nedges:\n  - src -> g\noutput: g\n");
  });
  CHECK_THAT(file_graph.what(), Contains("file_in"));
  fs::remove_all(dir);
  const auto no_ends = thrown_by<GraphError>(
      [] { GraphRecipe::from_yaml_text("nodes:\n  g: { type: gain, unconnected: ok }\n"); });
  CHECK_THAT(no_ends.what(), Contains("no external input and output"));
}

TEST_CASE("a batch worker reuses its memory file after file instead of faulting it in again",
          "[batch][worker]") {
  // Each file allocates its chunk buffers afresh (megabytes); given back to the kernel
  // at the end of a file, every page of them faults in again for the next one — a third
  // of a batch's CPU time on one-minute files (batch/freed_memory_reuse.h).
  const fs::path dir = unique_temp_dir("fxgraph-worker-faults");
  write_noise_wav(dir / "in.wav", 300000);  // several full chunks
  BatchWorker worker(GraphRecipe::from_yaml_text(kChain, "chain.yaml"), {});
  for (int i = 0; i < 2; ++i)  // warm up: the pages are mapped once
    REQUIRE(worker.process((dir / "in.wav").string(), (dir / "out.wav").string()).status ==
            FileStatus::done);
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  constexpr int kFiles = 4;
  for (int i = 0; i < kFiles; ++i)
    REQUIRE(worker.process((dir / "in.wav").string(), (dir / "out.wav").string()).status ==
            FileStatus::done);
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  const long faults_per_file = (after.ru_minflt - before.ru_minflt) / kFiles;
  // Faulting the buffers in again costs over a thousand faults a file (4 KiB pages);
  // what remains with reuse is the files' own mappings and the threads' stacks.
  INFO("minor page faults per file: " << faults_per_file);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer's allocator replaces glibc's: the thresholds do not apply to it.
  WARN("not checked under a sanitizer: " << faults_per_file << " faults per file");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  WARN("not checked under a sanitizer: " << faults_per_file << " faults per file");
#else
  CHECK(faults_per_file < 400);
#endif
#else
  CHECK(faults_per_file < 400);
#endif
  fs::remove_all(dir);
}
