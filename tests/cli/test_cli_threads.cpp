// --threads on run, process and batch: every example graph gives the same bytes on 2 and 3
// threads as on one.
#include <catch2/catch.hpp>
#include <filesystem>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;

namespace {
const std::string graphs = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/";
}  // namespace

TEST_CASE("every example graph renders the same bytes on 1 and 2 and 3 threads", "[cli][threads]") {
  CliDir dir;
  write_audio(dir / "input.wav", sine_audio(2, 48000));
  for (const std::string threads : {"1", "2", "3"}) {
    INFO("threads " << threads);
    const std::string t = " --threads " + threads + " -q --format float";
    // demo.yaml makes its own sound (generators): one second of it.
    for (const std::string name : {"demo", "podcast", "crossover", "stereo_delay"}) {
      const std::string source =
          name == "demo" ? std::string(" --duration 1") : std::string(" --input input.wav");
      const CliRun result = run_fxgraph(dir, "run " + graphs + name + ".yaml" + source +
                                                 " --output " + name + threads + ".wav" + t);
      INFO(name << ": " << result.err);
      REQUIRE(result.status == 0);
    }
    const CliRun chain =
        run_fxgraph(dir, "process input.wav chain" + threads + ".wav --chain-file " + graphs +
                             "chain_example.yaml" + t);
    INFO(chain.err);
    REQUIRE(chain.status == 0);
  }
  for (const std::string name : {"demo", "podcast", "crossover", "stereo_delay", "chain"}) {
    INFO(name);
    const std::string one = read_text(dir / (name + "1.wav"));
    CHECK(one.size() > 1000);
    CHECK(read_text(dir / (name + "2.wav")) == one);
    CHECK(read_text(dir / (name + "3.wav")) == one);
  }
}

TEST_CASE("batch --threads gives each file the bytes of one thread", "[cli][threads]") {
  CliDir dir;
  std::filesystem::create_directories(dir / "in");
  write_audio(dir / "in/a.wav", sine_audio(2, 30000));
  write_audio(dir / "in/b.wav", sine_audio(2, 20000, 0.25));
  write_text(dir / "branches.yaml",
             "nodes:\n"
             "  split: { type: gain, gain: 1 }\n"
             "  low:   { type: lowpass, cutoff: 400, order: 4 }\n"
             "  high:  { type: highpass, cutoff: 4000, order: 4 }\n"
             "  room:  { type: reverb }\n"
             "  sum:   { type: mix, inputs: 2 }\n"
             "edges:\n"
             "  - split -> low -> room -> sum:0\n"
             "  - split -> high -> sum:1\n"
             "input: split\n"
             "output: sum\n");
  for (const std::string threads : {"1", "3"}) {
    const CliRun result = run_fxgraph(
        dir, "batch branches.yaml in -o out" + threads + " --jobs 2 -q --threads " + threads);
    INFO(result.err);
    REQUIRE(result.status == 0);
  }
  for (const std::string name : {"a.wav", "b.wav"}) {
    INFO(name);
    const std::string one = read_text(dir / ("out1/" + name));
    CHECK(one.size() > 1000);
    CHECK(read_text(dir / ("out3/" + name)) == one);
  }
  CHECK(run_fxgraph(dir, "batch branches.yaml in -o out0 --threads 0 -q").status == 2);
}
