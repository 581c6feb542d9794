// `fxgraph plugins`, and plugin nodes from YAML and --chain, through the real command.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include "cli/cli_harness.h"

using namespace fxgraph::test::cli;

namespace {
const std::string kEgAmp = "http://lv2plug.in/plugins/eg-amp";

/// Sets an environment variable for the commands run in one scope.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name.c_str()); }
};
}  // namespace

TEST_CASE("fxgraph plugins lists LV2 and LADSPA plugins with their audio ports and hard-RT",
          "[cli][plugins]") {
  CliDir dir;
  // Two bundles keep the listing quick (LV2_PATH: folders of bundles).
  std::filesystem::create_directory(dir.path() / "lv2");
  for (const char* bundle : {"eg-amp.lv2", "nodelay.lv2"})
    std::filesystem::create_directory_symlink(std::string("/usr/lib/lv2/") + bundle,
                                              dir.path() / "lv2" / bundle);
  ScopedEnv lv2("LV2_PATH", dir / "lv2");
  const CliRun all = run_fxgraph(dir, "plugins Amp");  // a word, not a label: a filter
  REQUIRE(all.status == 0);
  CHECK_THAT(all.out, Catch::Contains("lv2     " + kEgAmp) && Catch::Contains("cmt:amp_mono") &&
                          Catch::Contains("HARD-RT"));
  CHECK_THAT(all.out, !Catch::Contains("nodelay"));  // filtered out
}

TEST_CASE("fxgraph plugins URI shows parameters, meters and latency; LABEL works too",
          "[cli][plugins]") {
  CliDir dir;
  const CliRun amp = run_fxgraph(dir, "plugins " + kEgAmp);
  REQUIRE(amp.status == 0);
  CHECK_THAT(amp.out, Catch::Contains("gain") && Catch::Contains("[-90, 24] dB") &&
                          Catch::Contains("one instance per channel"));
  const CliRun delay = run_fxgraph(dir, "plugins http://gareus.org/oss/lv2/nodelay");
  CHECK_THAT(delay.out, Catch::Contains("meters") && Catch::Contains("the node's latency"));
  const CliRun label = run_fxgraph(dir, "plugins artificialLatency");
  REQUIRE(label.status == 0);
  CHECK_THAT(label.out, Catch::Contains("unique id: 1914") && Catch::Contains("delay_ms"));
}

TEST_CASE("fxgraph plugins suggests close matches for an unknown URI or label", "[cli][plugins]") {
  CliDir dir;
  const CliRun uri = run_fxgraph(dir, "plugins http://lv2plug.in/plugins/eg-amq");
  CHECK(uri.status == 2);
  CHECK_THAT(uri.err, Catch::Contains("did you mean " + kEgAmp));
  const CliRun label = run_fxgraph(dir, "plugins amp_mnoo");
  CHECK(label.status == 2);
  CHECK_THAT(label.err, Catch::Contains("did you mean") && Catch::Contains("amp_mono"));
}

TEST_CASE("an LV2 plugin requiring a feature fxgraph lacks is refused, naming the feature",
          "[cli][plugins]") {
  CliDir dir;
  // A bundle describing eg-amp's own binary, plus a required feature nobody provides.
  std::filesystem::create_directory(dir.path() / "needy.lv2");
  write_text(dir.path() / "needy.lv2" / "manifest.ttl",
             "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
             "<" +
                 kEgAmp +
                 "> a lv2:Plugin ;\n"
                 "  lv2:binary <file:///usr/lib/lv2/eg-amp.lv2/amp.so> ;\n"
                 "  lv2:requiredFeature <http://example.org/ns/teleport> ;\n"
                 "  lv2:port [ a lv2:AudioPort, lv2:InputPort ; lv2:index 0 ; lv2:symbol \"in\" ; "
                 "lv2:name \"In\" ] , [ a lv2:AudioPort, lv2:OutputPort ; lv2:index 1 ; "
                 "lv2:symbol \"out\" ; lv2:name \"Out\" ] .\n");
  ScopedEnv lv2("LV2_PATH", dir.path().string());
  const CliRun run = run_fxgraph(dir, "plugins " + kEgAmp);
  CHECK(run.status == 2);
  CHECK_THAT(run.err, Catch::Contains("requires the feature http://example.org/ns/teleport"));
}

TEST_CASE("plugin nodes in YAML (controls: map) and --chain process audio", "[cli][plugins]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(2, 4800));
  write_text(dir.path() / "amp.yaml",
             "chain:\n"
             "  - {type: lv2, plugin: \"" +
                 kEgAmp +
                 "\", controls: {gain: -6}}\n"
                 "  - {type: ladspa, plugin: \"cmt:amp_mono\", controls: {gain: 2}}\n");
  REQUIRE(run_fxgraph(dir, "process in.wav yaml.wav --chain-file amp.yaml").status == 0);
  REQUIRE(run_fxgraph(dir,
                      "process in.wav chain.wav --chain "
                      "'lv2(plugin=\"" +
                          kEgAmp + "\", gain=-6) | ladspa(plugin=\"cmt:amp_mono\", gain=2)'")
              .status == 0);
  const auto in = read_audio(dir / "in.wav");
  const auto yaml = read_audio(dir / "yaml.wav");
  const auto chain = read_audio(dir / "chain.wav");
  const double factor = 2.0 * std::pow(10.0, -6.0 / 20.0);
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t i = 0; i < in[c].size(); ++i) {
      REQUIRE(yaml[c][i] == Approx(in[c][i] * factor).margin(1e-6));
      REQUIRE(chain[c][i] == yaml[c][i]);
    }
}

TEST_CASE("a misspelt plugin control in YAML is reported at its line and column",
          "[cli][plugins]") {
  CliDir dir;
  write_text(dir.path() / "bad.yaml",
             "chain:\n"
             "  - {type: lv2, plugin: \"" +
                 kEgAmp + "\", controls: {gian: -6}}\n");
  const CliRun run = run_fxgraph(dir, "check bad.yaml");
  CHECK(run.status == 2);
  CHECK_THAT(run.err, Catch::Contains("bad.yaml:2:") && Catch::Contains("no control 'gian'") &&
                          Catch::Contains("gain"));
}

TEST_CASE("fxgraph nodes mentions the plugin hosts", "[cli][plugins]") {
  CliDir dir;
  const CliRun run = run_fxgraph(dir, "nodes");
  CHECK_THAT(run.out, Catch::Contains("lv2") && Catch::Contains("ladspa") &&
                          Catch::Contains("fxgraph plugins"));
  const CliRun lv2 = run_fxgraph(dir, "nodes lv2");
  CHECK_THAT(lv2.out, Catch::Contains("preset") && Catch::Contains("controls"));
}

TEST_CASE("fxgraph check shows a plugin's reported latency", "[cli][plugins]") {
  CliDir dir;
  write_text(dir.path() / "late.yaml",
             "chain:\n"
             "  - {type: lv2, plugin: \"http://gareus.org/oss/lv2/nodelay\", controls: {delay: 96, "
             "report_latency: 2}}\n");
  const CliRun run = run_fxgraph(dir, "check late.yaml");
  REQUIRE(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("latency: 0 96 frames (2.000 ms)"));
}

TEST_CASE("the LV2 example graphs run (podcast) and check (guitar rig)",
          "[cli][plugins][examples]") {
  CliDir dir;
  write_audio(dir / "input.wav", sine_audio(2, 48000, 0.5));
  const std::string graphs = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/";
  const CliRun podcast = run_fxgraph(
      dir, "run " + graphs + "podcast_lv2.yaml --quiet --input input.wav --output out.wav");
  INFO(podcast.err);
  REQUIRE(podcast.status == 0);
  const auto out = read_audio(dir / "out.wav");
  REQUIRE(out.size() == 2);
  float peak = 0.0f;
  for (const auto& channel : out)
    for (float v : channel) peak = std::max(peak, std::abs(v));
  CHECK(peak > 0.05f);
  CHECK(peak <= 0.8913f + 1e-3f);  // the limiter's -1 dBFS
  const CliRun guitar = run_fxgraph(dir, "check " + graphs + "guitar_lv2.yaml");
  INFO(guitar.err);
  CHECK(guitar.status == 0);
}
