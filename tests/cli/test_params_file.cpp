// --params FILE: parameter values from a YAML map of node.param: value, for `run` and
// `process` (`jack` is tested with the other JACK sessions), with --set winning and
// every mistake located in the file.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/cli_harness.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

namespace {

constexpr const char* kGainGraph = R"(nodes:
  in:  { type: file_in, path: in.wav }
  amp: { type: gain, gain: 1 }
  out: { type: file_out, path: out.wav, format: float }
edges:
  - in -> amp -> out
)";

/// The first sample of out.wav (the input is a constant 0.5).
float first_output_sample(const CliDir& dir) {
  return read_audio(dir / "out.wav")[0][0];
}

}  // namespace

TEST_CASE("run --params sets the file's values before rendering; --set wins", "[cli]") {
  CliDir dir;
  write_audio(dir / "in.wav", {std::vector<float>(480, 0.5f)});
  write_text(dir.path() / "g.yaml", kGainGraph);
  write_text(dir.path() / "p.yaml", "# a preset\namp.gain: 0.5\n");

  CliRun result = run_fxgraph(dir, "run g.yaml --params p.yaml --no-tail --quiet");
  INFO(result.err);
  REQUIRE(result.status == 0);
  CHECK(first_output_sample(dir) == 0.25f);

  result = run_fxgraph(dir, "run g.yaml --params p.yaml --set amp.gain=0.25 --no-tail --quiet");
  REQUIRE(result.status == 0);
  CHECK(first_output_sample(dir) == 0.125f);
}

TEST_CASE("process --params addresses a chain's nodes by position", "[cli]") {
  CliDir dir;
  write_audio(dir / "in.wav", {std::vector<float>(480, 0.5f)});
  write_text(dir.path() / "p.yaml", "1.gain_db: -6.020599913279624\n");
  const CliRun result = run_fxgraph(
      dir, "process in.wav out.wav --chain 'gain(1) | gain(1)' --params p.yaml --no-tail --quiet");
  INFO(result.err);
  REQUIRE(result.status == 0);
  CHECK(first_output_sample(dir) == Approx(0.25f).epsilon(1e-6));
}

TEST_CASE("mistakes in a --params file name its line and column and write nothing", "[cli]") {
  CliDir dir;
  write_audio(dir / "in.wav", {std::vector<float>(480, 0.5f)});
  write_text(dir.path() / "g.yaml", kGainGraph);
  struct Case {
    std::string text, expected;
  };
  for (const Case& c : std::vector<Case>{
           {"amp.gain: 0.5\nnosuch.gain: 1\n", "p.yaml:2:1: nosuch.gain: unknown node 'nosuch'"},
           {"amp.gian: 1\n", "p.yaml:1:1: amp.gian: unknown parameter 'gian'"},
           {"amp.gain: loud\n", "p.yaml:1:11: amp.gain: 'loud' is not a number"},
           {"amp.gain_db: 100\n", "p.yaml:1:14: amp.gain_db:"},
           {"amp.gain: [1, 2]\n", "p.yaml:1:11: --params: 'amp.gain' needs a single value"},
           {"- amp.gain\n", "p.yaml:1:1: --params: expected a map"},
           {"amp.gain: 1\n.gain: 1\n", "p.yaml:2:1: --params: parameter path '.gain'"},
       }) {
    INFO(c.text);
    write_text(dir.path() / "p.yaml", c.text);
    const CliRun result = run_fxgraph(dir, "run g.yaml --params p.yaml --quiet");
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Contains("fxgraph: error: " + c.expected));
    CHECK(dir.entries() == std::vector<std::string>{"g.yaml", "in.wav", "p.yaml"});
  }
  const CliRun missing = run_fxgraph(dir, "run g.yaml --params nothing.yaml --quiet");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Contains("--params: cannot read 'nothing.yaml'"));
}
