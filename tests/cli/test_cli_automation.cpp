// --automate on `run` and `process`, and a YAML graph's `automation:` section: the
// output follows the automation and does not depend on the block or chunk size; the
// option wins over the file; mistakes exit 2 naming the option or the file's line.
#include <catch2/catch.hpp>

#include <filesystem>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

namespace {
const std::string kGraph =
    "nodes:\n"
    "  in:  { type: file_in, path: in.wav }\n"
    "  lp:  { type: biquad_lowpass, cutoff: 300 }\n"
    "  out: { type: file_out, path: out.wav }\n"
    "edges:\n"
    "  - in -> lp -> out\n"
    "automation:\n"
    "  lp.cutoff: { curve: exp, points: [[0, 200], [0.5, 8000]] }\n";

/// The largest |sample| of the first channel in frames [from, to).
float peak(const std::vector<std::vector<float>>& audio, std::size_t from, std::size_t to) {
  float p = 0.0f;
  for (std::size_t i = from; i < to; ++i) p = std::max(p, std::abs(audio[0][i]));
  return p;
}
}  // namespace

TEST_CASE("run follows a graph's automation the same at any block size; --automate wins",
          "[cli][automation]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 36000, 0.5));  // 440 Hz
  write_text(dir / "g.yaml", kGraph);
  for (const std::string block : {"64", "4096"}) {
    const CliRun r = run_fxgraph(dir, "run g.yaml -q --no-tail --format float --block " + block +
                                          " --output out" + block + ".wav");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  const std::string bytes = read_text(dir / "out64.wav");
  CHECK(read_text(dir / "out4096.wav") == bytes);
  // The sweep happened: 440 Hz is damped while the cutoff is near 200 Hz, passed at the end.
  const auto swept = read_audio(dir / "out64.wav");
  CHECK(peak(swept, 2000, 4000) < 0.3f);
  CHECK(peak(swept, 30000, 36000) > 0.45f);

  // --automate replaces the file's automation of the same path: held at 100 Hz.
  const CliRun held = run_fxgraph(dir,
                                  "run g.yaml -q --no-tail --format float --output held.wav "
                                  "--automate \"lp.cutoff=0:100,hold\"");
  INFO(held.err);
  REQUIRE(held.status == 0);
  CHECK(peak(read_audio(dir / "held.wav"), 30000, 36000) < 0.1f);
}

TEST_CASE("process --automate gives the same output for any chunk size", "[cli][automation]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(2, 30000, 0.5));
  for (const std::string chunk : {"100", "65536"}) {
    const CliRun r = run_fxgraph(
        dir, "process in.wav out" + chunk +
                 ".wav --chain \"lowpass(200) | gain(0.5)\" -q "
                 "--format float --no-tail --chunk-size " +
                 chunk +
                 " --automate \"0.cutoff=0:200,0.5:8000,exp\" --automate \"1.gain=0.2:0.5,0.4:1\"");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  CHECK(read_text(dir / "out100.wav") == read_text(dir / "out65536.wav"));
  const auto out = read_audio(dir / "out100.wav");
  CHECK(peak(out, 27000, 30000) > 0.45f);  // gain 1 and the cutoff far above 440 Hz
}

TEST_CASE("bad automation exits 2 naming the option or the line, and writes nothing",
          "[cli][automation][errors]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 4800));
  const std::string process = "process in.wav out.wav --chain \"lowpass(200)\" --automate ";
  CliRun r = run_fxgraph(dir, process + "\"0.cutof=0:200\"");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("--automate \"0.cutof=0:200\"") && Contains("unknown parameter") &&
                        Contains("cutoff"));
  r = run_fxgraph(dir, process + "\"0.cutoff=0:200;1:300\"");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("SECONDS:VALUE") && Contains("lp.cutoff=0:200,4:8000,exp"));
  r = run_fxgraph(dir, process + "\"0.cutoff=0:200,1:100,cubic\"");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("unknown automation curve 'cubic'"));
  r = run_fxgraph(dir, process + "\"0.cutoff=1:200,0.5:100\"");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("times must increase"));
  // The filter's own limit, checked when the engine takes the automation.
  r = run_fxgraph(dir, process + "\"0.cutoff=0:200,1:30000,exp\"");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("0.cutoff") && Contains("Nyquist"));
  CHECK(dir.entries() == std::vector<std::string>{"in.wav"});

  write_text(dir / "g.yaml", kGraph + "  lp.q: { curve: exp, points: [[0, 1], [1, -1]] }\n");
  r = run_fxgraph(dir, "run g.yaml -q");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("g.yaml:9:") && Contains("lp.q"));
}

TEST_CASE("run and process --help show --automate with an example", "[cli][automation]") {
  CliDir dir;
  for (const std::string command : {"run", "process"}) {
    const CliRun r = run_fxgraph(dir, command + " --help");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains("--automate") && Contains("lp.cutoff=0:200,4:8000,exp"));
  }
}

TEST_CASE("batch follows the graph file's automation, bit-identical to process",
          "[cli][automation][batch]") {
  CliDir dir;
  std::filesystem::create_directories(dir / "data");
  write_audio(dir / "data/a.wav", sine_audio(1, 30000, 0.5), 48000, "float");
  write_audio(dir / "data/b.wav", sine_audio(2, 20000, 0.4), 48000, "float");
  const std::string chain =
      "nodes:\n"
      "  lp:   { type: biquad_lowpass, cutoff: 300 }\n"
      "  gain: { type: gain, gain: 1 }\n"
      "edges:\n"
      "  - lp -> gain\n"
      "input: lp\n"
      "output: gain\n";
  write_text(dir / "plain.yaml", chain);
  write_text(dir / "swept.yaml",
             chain +
                 "automation:\n"
                 "  lp.cutoff: { curve: exp, points: [[0, 200], [0.5, 8000]] }\n"
                 "  gain.gain: { curve: hold, points: [[0.1, 0.5]] }\n");
  for (const std::string graph : {"plain", "swept"}) {
    const CliRun r =
        run_fxgraph(dir, "batch " + graph + ".yaml data --out-dir " + graph + " -q --no-tail");
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  for (const std::string file : {"a.wav", "b.wav"}) {
    const CliRun r = run_fxgraph(
        dir, "process data/" + file + " process_" + file + " --chain-file swept.yaml -q --no-tail");
    INFO(r.err);
    REQUIRE(r.status == 0);
    INFO(file);
    CHECK(read_text(dir / ("swept/" + file)) == read_text(dir / ("process_" + file)));
    CHECK(read_text(dir / ("swept/" + file)) != read_text(dir / ("plain/" + file)));
  }
  // The sweep was heard: 440 Hz is damped while the cutoff is near 200 Hz, and passes at
  // half gain once the cutoff is far above it.
  const auto swept = read_audio(dir / "swept/a.wav");
  CHECK(peak(swept, 1000, 3000) < 0.3f);
  CHECK(peak(swept, 25000, 30000) == Approx(0.25f).epsilon(0.05));

  // --automate wins over the file for the same path: the gain held at 1 from the start.
  const CliRun r = run_fxgraph(dir,
                               "batch swept.yaml data --out-dir option -q --no-tail "
                               "--automate \"gain.gain=0:1,hold\"");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(peak(read_audio(dir / "option/a.wav"), 25000, 30000) == Approx(0.5f).epsilon(0.05));
}
