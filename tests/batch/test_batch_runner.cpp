// run_batch: every file reported once, skip-existing, stale temporaries of a killed run
// removed (only this batch's), and an on_row failure stopping the batch.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "fxgraph/batch/batch_runner.h"
#include "fxgraph/engine/errors.h"
#include "support/audio_files.h"

using namespace fxgraph;
using fxgraph::test::unique_temp_dir;
using fxgraph::test::write_noise_wav;
namespace fs = std::filesystem;

namespace {

const char* const kGain = "chain:\n  - { type: gain, gain: 0.5 }\n";

std::vector<BatchFile> noise_files(const fs::path& dir, int count) {
  std::vector<BatchInput> inputs;
  fs::create_directories(dir / "in");
  for (int i = 0; i < count; ++i) {
    const std::string name = "f" + std::to_string(i) + ".wav";
    write_noise_wav(dir / "in" / name, 2000);
    inputs.push_back({(dir / "in" / name).string(), name});
  }
  return plan_outputs(inputs, {.out_dir = (dir / "out").string()});
}

}  // namespace

TEST_CASE("run_batch reports every file once and skips complete outputs when asked",
          "[batch][runner]") {
  const fs::path dir = unique_temp_dir("fxgraph-runner");
  const std::vector<BatchFile> files = noise_files(dir, 7);
  const GraphRecipe recipe = GraphRecipe::from_yaml_text(kGain);
  std::multiset<std::string> reported;
  const BatchSummary first = run_batch(recipe, files, {.jobs = 3},
                                       [&](const ManifestRow& row) { reported.insert(row.input); });
  CHECK(first.done == 7);
  CHECK_FALSE(first.stopped);
  CHECK(reported.size() == 7);
  CHECK(std::set<std::string>(reported.begin(), reported.end()).size() == 7);

  // A damaged output is not taken as complete: it is made again.
  fs::resize_file(files[2].output, 100);
  const BatchSummary second =
      run_batch(recipe, files, {.jobs = 2, .skip_existing = true}, [](const ManifestRow&) {});
  CHECK(second.skipped == 6);
  CHECK(second.done == 1);
  fs::remove_all(dir);
}

TEST_CASE("temporaries left by a killed run are removed, only for this batch's outputs",
          "[batch][runner]") {
  const fs::path dir = unique_temp_dir("fxgraph-runner");
  const std::vector<BatchFile> files = noise_files(dir, 2);
  fs::create_directories(dir / "out");
  const std::string ours =
      "." + fs::path(files[0].output).filename().string() + ".fxgraph-tmp-a1B2c3";
  for (const std::string& name : {ours, std::string(".other.wav.fxgraph-tmp-a1B2c3"),
                                  std::string(".f0.wav.fxgraph-tmp-short")})
    std::ofstream(dir / "out" / name) << "partial";
  CHECK(remove_stale_temporaries(files) == 1);
  CHECK_FALSE(fs::exists(dir / "out" / ours));
  CHECK(fs::exists(dir / "out" / ".other.wav.fxgraph-tmp-a1B2c3"));
  CHECK(fs::exists(dir / "out" / ".f0.wav.fxgraph-tmp-short"));
  fs::remove_all(dir);
}

TEST_CASE("an error from the row callback stops the batch and is rethrown", "[batch][runner]") {
  const fs::path dir = unique_temp_dir("fxgraph-runner");
  const std::vector<BatchFile> files = noise_files(dir, 6);
  int rows = 0;
  CHECK_THROWS_AS(run_batch(GraphRecipe::from_yaml_text(kGain), files, {.jobs = 1},
                            [&](const ManifestRow&) {
                              ++rows;
                              throw IoError("cannot write manifest: disk full");
                            }),
                  IoError);
  CHECK(rows == 1);
  fs::remove_all(dir);
}
