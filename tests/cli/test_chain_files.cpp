// A `chain:` YAML file gets its input and output from the command: `run --input
// --output`, `process --chain-file`, `check --input --output` (and `jack`, which adds
// ports; see test_realtime_processor_jack.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "cli/cli_harness.h"
#include "support/audio_files.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
const std::string kChain = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/chain_example.yaml";
}

TEST_CASE("run and process take a chain file; both give the chain's output", "[cli][chain_file]") {
  CliDir dir;
  fxgraph::test::write_noise_wav(dir.path() / "in.wav", 4800);
  const CliRun run =
      run_fxgraph(dir, "run " + shell_quote(kChain) + " --quiet --input in.wav --output run.wav");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const CliRun process =
      run_fxgraph(dir, "process in.wav process.wav --quiet --chain-file " + shell_quote(kChain));
  INFO(process.err);
  REQUIRE(process.status == 0);

  // chain_example.yaml: ×0.5, -6 dB, ×2 clamped — about half of the input.
  const auto in = fxgraph::test::read_all_samples(dir.path() / "in.wav");
  const auto by_run = fxgraph::test::read_all_samples(dir.path() / "run.wav");
  const auto by_process = fxgraph::test::read_all_samples(dir.path() / "process.wav");
  REQUIRE(by_run.size() == in.size());
  CHECK(by_process == by_run);
  const float expected_gain = 0.5f * 0.501187f * 2.0f;
  for (std::size_t i = 0; i < in.size(); i += 97)
    CHECK(by_run[i] == Approx(std::clamp(in[i] * expected_gain, -1.0f, 1.0f)).margin(1e-4));
}

TEST_CASE("a chain file without --input/--output says which to give", "[cli][chain_file]") {
  CliDir dir;
  fxgraph::test::write_noise_wav(dir.path() / "in.wav", 480);
  const CliRun run = run_fxgraph(dir, "run " + shell_quote(kChain) + " --input in.wav");
  CHECK(run.status == 2);
  CHECK_THAT(run.err, Contains("give --output"));
  CHECK(fs::exists(dir.path() / "in.wav"));

  const CliRun check =
      run_fxgraph(dir, "check " + shell_quote(kChain) + " --input in.wav --output checked.wav");
  INFO(check.err);
  CHECK(check.status == 0);
  CHECK(!fs::exists(dir.path() / "checked.wav"));
}

TEST_CASE("process --chain-file refuses a graph with its own files, and needs one chain",
          "[cli][chain_file]") {
  CliDir dir;
  fxgraph::test::write_noise_wav(dir.path() / "in.wav", 480);
  const std::string podcast = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/podcast.yaml";
  fs::copy_file(podcast, dir.path() / "podcast.yaml");
  fs::copy_file(dir.path() / "in.wav", dir.path() / "input.wav");
  const CliRun graph = run_fxgraph(dir, "process in.wav out.wav --chain-file podcast.yaml");
  CHECK(graph.status == 2);
  CHECK_THAT(graph.err, Contains("podcast.yaml is not a chain"));

  const CliRun both = run_fxgraph(
      dir, "process in.wav out.wav --chain 'gain(1)' --chain-file " + shell_quote(kChain));
  CHECK(both.status == 2);
  const CliRun neither = run_fxgraph(dir, "process in.wav out.wav");
  CHECK(neither.status == 2);
  CHECK_THAT(neither.err, Contains("--chain-file"));
  CHECK(!fs::exists(dir.path() / "out.wav"));
}
