// `fxgraph check` and `fxgraph dot` look at a graph's shape: they work without its
// audio files, and `check` refuses whatever `run` would refuse from the files that are
// there, with the same message.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/cli_harness.h"
#include "support/audio_files.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
const fs::path kGraphs = fs::path(FXGRAPH_SOURCE_DIR) / "graphs";

/// The graphs/ folder as a fresh clone has it: the YAML files and nothing else.
void copy_graphs(const CliDir& dir) {
  fs::create_directories(dir.path() / "graphs");
  for (const auto& entry : fs::directory_iterator(kGraphs))
    if (entry.path().extension() == ".yaml")
      fs::copy_file(entry.path(), dir.path() / "graphs" / entry.path().filename());
}

/// The text after "fxgraph: error: ", so two commands' messages can be compared.
std::string error_message(const std::string& err) {
  const std::string prefix = "fxgraph: error: ";
  const auto at = err.find(prefix);
  return at == std::string::npos ? "" : err.substr(at + prefix.size());
}
}  // namespace

TEST_CASE("every graph in graphs/ passes check and dot without its audio files",
          "[cli][check][dot]") {
  CliDir dir;
  copy_graphs(dir);
  int walked = 0;
  for (const auto& entry : fs::directory_iterator(dir.path() / "graphs")) {
    const std::string graph = "graphs/" + entry.path().filename().string();
    INFO(graph);
    const CliRun check = run_fxgraph(dir, "check " + graph);
    INFO(check.err);
    CHECK(check.status == 0);
    CHECK_THAT(check.out, Contains("ok\n"));
    const CliRun dot = run_fxgraph(dir, "dot " + graph);
    INFO(dot.err);
    CHECK(dot.status == 0);
    CHECK_THAT(dot.out, Contains("digraph"));
    ++walked;
  }
  CHECK(walked >= 7);
}

TEST_CASE("check names the input files that are missing in a note", "[cli][check]") {
  CliDir dir;
  copy_graphs(dir);
  const CliRun check = run_fxgraph(dir, "check graphs/crossover.yaml");
  REQUIRE(check.status == 0);
  CHECK_THAT(check.err, Contains("graphs/input.wav' does not exist"));
  CHECK_THAT(check.err, Contains("fxgraph: note: input file '"));
}

TEST_CASE("check takes --input and --output like run and checks those files", "[cli][check]") {
  CliDir dir;
  copy_graphs(dir);
  fxgraph::test::write_noise_wav(dir.path() / "song.wav", 4800);
  const CliRun good =
      run_fxgraph(dir, "check graphs/crossover.yaml --input song.wav --output tilted.wav");
  INFO(good.err);
  CHECK(good.status == 0);
  CHECK(good.err.find("does not exist") == std::string::npos);

  const CliRun absent = run_fxgraph(dir, "check graphs/crossover.yaml --input nosuch.wav");
  CHECK(absent.status == 2);
  CHECK_THAT(absent.err, Contains("input file 'nosuch.wav' does not exist"));

  const CliRun same =
      run_fxgraph(dir, "check graphs/crossover.yaml --input song.wav --output song.wav");
  CHECK(same.status == 2);
}

TEST_CASE("check refuses what run refuses from the graph's files, with the same message",
          "[cli][check]") {
  CliDir dir;
  // Two inputs at different sample rates: run refuses them (neither is to be converted).
  fxgraph::test::write_noise_wav(dir.path() / "a.wav", 4410);
  {
    fxgraph::AudioBuffer block(1, 960);
    fxgraph::SndfileWriter writer(dir / "b.wav", 96000, 1,
                                  fxgraph::make_file_format(dir / "b.wav", "float"));
    writer.write(block.view());
    writer.commit();
  }
  write_text(dir.path() / "two.yaml",
             "nodes:\n"
             "  a: { type: file_in, path: a.wav }\n"
             "  b: { type: file_in, path: b.wav }\n"
             "  m: { type: mix, inputs: 2 }\n"
             "  out: { type: file_out, path: out.wav }\n"
             "edges:\n"
             "  - a -> m:0\n"
             "  - b -> m:1\n"
             "  - m -> out\n");
  const CliRun run = run_fxgraph(dir, "run two.yaml --quiet");
  const CliRun check = run_fxgraph(dir, "check two.yaml");
  CHECK(run.status == 2);
  CHECK(check.status == 2);
  CHECK_THAT(check.err, Contains("different sample rates"));
  CHECK(error_message(check.err) == error_message(run.err));
  CHECK(!fs::exists(dir.path() / "out.wav"));
}
