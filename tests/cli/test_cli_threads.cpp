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

TEST_CASE("check --threads lists the steps of each thread", "[cli][threads]") {
  CliDir dir;
  // Four reverbs side by side: worth two threads at the default block size.
  std::string graph = "nodes:\n  split: { type: gain }\n  sum: { type: gain }\n";
  std::string edges = "edges:\n";
  for (const std::string b : {"0", "1", "2", "3"}) {
    graph += "  room" + b + ": { type: reverb }\n";
    edges += "  - split -> room" + b + " -> sum\n";
  }
  write_text(dir / "rooms.yaml", graph + edges + "input: split\noutput: sum\n");
  const CliRun two = run_fxgraph(dir, "check rooms.yaml --threads 2");
  INFO(two.out << two.err);
  REQUIRE(two.status == 0);
  const auto thread_line = [&](const std::string& prefix) {
    const auto at = two.out.find(prefix);
    return at == std::string::npos ? std::string()
                                   : two.out.substr(at, two.out.find('\n', at) - at);
  };
  const std::string first = thread_line("thread 0: "), second = thread_line("thread 1: ");
  REQUIRE_FALSE(first.empty());
  REQUIRE_FALSE(second.empty());
  for (const std::string b : {"0", "1", "2", "3"})  // each reverb on exactly one thread
    CHECK((first.find("room" + b) != std::string::npos) !=
          (second.find("room" + b) != std::string::npos));
  CHECK(first.find("room") != std::string::npos);  // both threads get reverbs
  CHECK(second.find("room") != std::string::npos);

  const CliRun one = run_fxgraph(dir, "check rooms.yaml");
  REQUIRE(one.status == 0);
  CHECK(one.out.find("thread 0") == std::string::npos);
  const CliRun zero = run_fxgraph(dir, "check rooms.yaml --threads 0");
  CHECK(zero.status == 2);
  CHECK(zero.err.find("--threads") != std::string::npos);
}
