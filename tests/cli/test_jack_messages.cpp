// `fxgraph jack`'s error messages (issue 10, defect 9): the hint for a missing server
// names the command's own --server option, libjack's own chatter stays off stderr unless
// --verbose, and graph errors point into the file (file:line:col) as in run/process.
// No server is started: every case fails before audio would flow.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <string>

#include "cli/cli_harness.h"
#include "fxgraph/graphs/catalog.h"
#include "support/jack_server.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
constexpr const char* kChainFile = "chain:\n  - { type: gain, gain: 0.5 }\n";

std::string missing_server() {
  return "fxgraph-test-nosuch-" + std::to_string(::getpid());
}
}  // namespace

TEST_CASE("jack with a server that does not run names --server and keeps libjack quiet",
          "[cli][jack][messages]") {
  fxgraph::test::JackTestLock lock;  // a JACK client is opened (and fails)
  CliDir dir;
  write_text(dir.path() / "c.yaml", kChainFile);
  const CliRun quiet = run_fxgraph(dir, "jack c.yaml --server " + missing_server());
  CHECK(quiet.status == 2);
  INFO(quiet.err);
  CHECK_THAT(quiet.err, StartsWith("fxgraph: error: no JACK server named '" + missing_server()));
  CHECK_THAT(quiet.err, Contains("--server ('" + missing_server() + "')"));
  CHECK_THAT(quiet.err, !Contains("JackOptions"));
  // The message and the usual one line: nothing from libjack itself.
  CHECK(std::count(quiet.err.begin(), quiet.err.end(), '\n') == 1);

  // --verbose lets libjack speak (so the quiet run above was silenced, not silent).
  const CliRun verbose = run_fxgraph(dir, "jack c.yaml --verbose --server " + missing_server());
  CHECK(verbose.status == 2);
  CHECK(std::count(verbose.err.begin(), verbose.err.end(), '\n') > 1);
}

TEST_CASE("normalize under jack is refused at its line, naming a node type that exists",
          "[cli][jack][messages]") {
  CliDir dir;
  write_text(dir.path() / "n.yaml",
             "nodes:\n"
             "  mic: { type: jack_in, channels: 1 }\n"
             "  norm: { type: normalize }\n"
             "  spk: { type: jack_out, channels: 1 }\n"
             "edges:\n"
             "  - mic -> norm -> spk\n");
  const CliRun result = run_fxgraph(dir, "jack n.yaml --server " + missing_server());
  CHECK(result.status == 2);
  INFO(result.err);
  CHECK_THAT(result.err, StartsWith("fxgraph: error: n.yaml:3:3: node 'norm' (normalize) needs "
                                    "the whole signal"));
  // Every node type the hint names in `backticks` is one the registry has.
  const std::regex named("`([a-z_]+)` node");
  int hints = 0;
  for (std::sregex_iterator it(result.err.begin(), result.err.end(), named), end; it != end;
       ++it, ++hints)
    CHECK(fxgraph::builtin_registry().find((*it)[1]) != nullptr);
  CHECK(hints >= 1);
  CHECK_THAT(result.err, !Contains("limiter"));
}

TEST_CASE("jack errors about the graph's ports point into the file", "[cli][jack][messages]") {
  CliDir dir;
  write_text(dir.path() / "two.yaml",
             "nodes:\n"
             "  a: { type: jack_in, channels: 1 }\n"
             "  b: { type: jack_in, channels: 1 }\n"
             "  mix: { type: mix, inputs: 2 }\n"
             "  spk: { type: jack_out, channels: 1 }\n"
             "edges:\n"
             "  - a -> mix:0\n"
             "  - b -> mix:1\n"
             "  - mix -> spk\n");
  const CliRun result = run_fxgraph(dir, "jack two.yaml --server " + missing_server());
  CHECK(result.status == 2);
  INFO(result.err);
  CHECK_THAT(result.err, StartsWith("fxgraph: error: two.yaml:3:3: the graph has two jack_in "
                                    "nodes ('a' and 'b')"));
}
