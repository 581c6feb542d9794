// Two settings that are views of one value (gain and gain_db; a delay's time_ms and
// time_samples) are refused together, naming both, in YAML and in --chain — rather than
// one silently winning.
#include <catch2/catch.hpp>

#include <string>

#include "cli/cli_harness.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/graphs/catalog.h"
#include "support/audio_files.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

TEST_CASE("a chain spec with gain and gain_db is refused, naming both, at the second",
          "[cli][conflict]") {
  CliDir dir;
  fxgraph::test::write_noise_wav(dir.path() / "in.wav", 480);
  const CliRun gain =
      run_fxgraph(dir, "process in.wav out.wav --chain 'gain(gain=0.5, gain_db=-6)'");
  CHECK(gain.status == 2);
  CHECK_THAT(gain.err, Contains("settings 'gain' and 'gain_db' of gain are views of one value") &&
                           Contains("at column 16"));
  const CliRun delay =
      run_fxgraph(dir, "process in.wav out.wav --chain 'delay(time_ms=10, time_samples=100)'");
  CHECK(delay.status == 2);
  CHECK_THAT(delay.err, Contains("'time_ms' and 'time_samples'"));
}

TEST_CASE("YAML refuses gain with gain_db at the second setting", "[cli][conflict]") {
  CliDir dir;
  write_text(dir.path() / "c.yaml",
             "nodes:\n"
             "  tone: { type: sine }\n"
             "  g:    { type: gain, gain: 0.5, gain_db: -20 }\n"
             "  out:  { type: file_out, path: o.wav }\n"
             "edges:\n"
             "  - tone -> g -> out\n");
  const CliRun check = run_fxgraph(dir, "check c.yaml");
  CHECK(check.status == 2);
  CHECK_THAT(check.err,
             Contains("c.yaml:3:34: node 'g' (gain): settings 'gain' and 'gain_db' of gain"));
}

TEST_CASE("every node type refuses a parameter together with its _db view", "[conflict]") {
  const fxgraph::NodeRegistry& registry = fxgraph::builtin_registry();
  int pairs = 0;
  for (const std::string& name : registry.names()) {
    const fxgraph::NodeType& type = *registry.find(name);
    std::vector<fxgraph::ParameterSpec> parameters;
    try {
      parameters = registry.parameters_of(name);
    } catch (const fxgraph::Error&) {
      continue;  // needs settings to be built at all (file_in)
    }
    for (const auto& linear : parameters)
      for (const auto& db : parameters) {
        if (db.name != linear.name + "_db") continue;
        INFO(name << ": " << linear.name << " and " << db.name);
        std::map<std::string, fxgraph::OptionValue> values = type.example;
        values[linear.name] = linear.default_value;
        values[db.name] = db.default_value;
        CHECK_THROWS_AS(registry.create(name, fxgraph::NodeOptions(values)), fxgraph::ConfigError);
        ++pairs;
      }
  }
  CHECK(pairs >= 1);
}
