// A node off the signal path is a forgotten edge: `check`, `run` and `jack` refuse it,
// naming the node at its line and column, unless it is marked `unconnected: ok`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/cli_harness.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("nodes without edges are refused by check and run, naming the first node",
          "[cli][unconnected]") {
  CliDir dir;
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  tone: { type: sine }\n"
             "  out:  { type: file_out, path: out.wav }\n");
  for (const std::string command : {"check g.yaml", "run g.yaml --quiet"}) {
    INFO(command);
    const CliRun result = run_fxgraph(dir, command);
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Contains("g.yaml:2:3: node 'tone' (sine) reaches no output"));
  }
  CHECK(!fs::exists(dir.path() / "out.wav"));
}

TEST_CASE("a node that nothing reaches is refused at its definition", "[cli][unconnected]") {
  CliDir dir;
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  tone: { type: sine }\n"
             "  lost: { type: gain }\n"
             "  mix:  { type: mix, inputs: 2 }\n"
             "  out:  { type: file_out, path: out.wav }\n"
             "edges:\n"
             "  - tone -> mix:0\n"
             "  - lost -> mix:1\n"
             "  - mix -> out\n");
  const CliRun result = run_fxgraph(dir, "check g.yaml");
  CHECK(result.status == 2);
  CHECK_THAT(result.err, Contains("g.yaml:3:3: node 'lost' (gain) has nothing reaching its input"));
}

TEST_CASE("an output that nothing reaches is refused", "[cli][unconnected]") {
  CliDir dir;
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  tone:  { type: sine }\n"
             "  out:   { type: file_out, path: out.wav }\n"
             "  spare: { type: file_out, path: spare.wav }\n"
             "edges:\n"
             "  - tone -> out\n");
  const CliRun result = run_fxgraph(dir, "run g.yaml --quiet --duration 0.1");
  CHECK(result.status == 2);
  CHECK_THAT(result.err, Contains("g.yaml:4:3: node 'spare' (file_out) is reached by nothing"));
  CHECK(!fs::exists(dir.path() / "out.wav"));
}

TEST_CASE("a node marked `unconnected: ok` is accepted, and the marker takes only ok",
          "[cli][unconnected]") {
  CliDir dir;
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  tone:  { type: sine }\n"
             "  later: { type: lowpass, cutoff: 2000, unconnected: ok }\n"
             "  out:   { type: file_out, path: out.wav }\n"
             "edges:\n"
             "  - tone -> out\n");
  const CliRun ok = run_fxgraph(dir, "run g.yaml --quiet --duration 0.1");
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(fs::exists(dir.path() / "out.wav"));

  write_text(dir.path() / "bad.yaml",
             "nodes:\n"
             "  tone: { type: sine, unconnected: maybe }\n"
             "  out:  { type: file_out, path: out.wav }\n"
             "edges:\n"
             "  - tone -> out\n");
  const CliRun bad = run_fxgraph(dir, "check bad.yaml");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Contains("bad.yaml:2:36: node 'tone': `unconnected:` takes `ok`"));
}
