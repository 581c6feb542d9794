// Latency on the command line: `check` lists each node's latency, the compensating
// delays and the total; `run` and `process` trim the leading latency so the output lines
// up with the input sample for sample, and --keep-latency keeps it. The latent node is a
// linear-phase FIR (fir_design with compensate: 1, latency (101 - 1) / 2 = 50 frames).
#include <catch2/catch.hpp>
#include <random>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

namespace {

constexpr std::size_t kFrames = 4800;
constexpr std::size_t kLatency = 50;

std::vector<std::vector<float>> noise_audio(std::size_t frames) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
  std::vector<std::vector<float>> audio(1, std::vector<float>(frames));
  for (auto& v : audio[0]) v = dist(rng);
  return audio;
}

/// A dry branch and a compensated linear-phase low-pass summed: the dry branch must be
/// delayed by the FIR's 50 frames to meet it.
std::string parallel_graph(int compensate) {
  return "name: parallel\n"
         "nodes:\n"
         "  in:  { type: file_in, path: in.wav }\n"
         "  lp:  { type: fir_design, numtaps: 101, cutoff: 2000, compensate: " +
         std::to_string(compensate) +
         " }\n"
         "  sum: { type: mix, inputs: 2 }\n"
         "  out: { type: file_out, path: out.wav, format: float }\n"
         "edges:\n"
         "  - in -> lp -> sum:0\n"
         "  - in -> sum:1\n"
         "  - sum -> out\n";
}

/// The low-pass alone, uncompensated: its output lags the input by 50 frames.
const char* kPlainGraph =
    "name: plain\n"
    "nodes:\n"
    "  in:  { type: file_in, path: in.wav }\n"
    "  lp:  { type: fir_design, numtaps: 101, cutoff: 2000 }\n"
    "  out: { type: file_out, path: plain.wav, format: float }\n"
    "edges:\n"
    "  - in -> lp -> out\n";

}  // namespace

TEST_CASE("check lists each node's latency, the compensating delays and the total",
          "[cli][latency]") {
  CliDir dir;
  write_text(dir.path() / "graph.yaml", parallel_graph(1));
  const CliRun result = run_fxgraph(dir, "check graph.yaml");
  INFO(result.err);
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Contains("latency: lp 50 frames (1.042 ms)"));
  CHECK_THAT(result.out, Contains("compensating delay: in -> sum:1 50 frames"));
  CHECK_THAT(result.out, Contains("total latency: 50 frames"));
}

TEST_CASE("run trims the leading latency so the output lines up with the input", "[cli][latency]") {
  CliDir dir;
  const auto x = noise_audio(kFrames);
  write_audio(dir / "in.wav", x);
  write_text(dir.path() / "graph.yaml", parallel_graph(1));
  write_text(dir.path() / "plain.yaml", kPlainGraph);
  const CliRun plain = run_fxgraph(dir, "run plain.yaml -q");
  REQUIRE(plain.status == 0);
  const CliRun lined_up = run_fxgraph(dir, "run graph.yaml --no-tail -q");
  INFO(lined_up.err);
  REQUIRE(lined_up.status == 0);

  const auto lp = read_audio(dir / "plain.wav")[0];
  const auto out = read_audio(dir / "out.wav")[0];
  REQUIRE(out.size() == kFrames);  // the input's length: the latency went off the start
  REQUIRE(lp.size() >= kFrames + kLatency);
  // Dry and filtered branches meet aligned: out[n] = x[n] + lp[n + 50].
  double worst = 0.0;
  for (std::size_t n = 0; n < kFrames; ++n)
    worst = std::max(worst, double(std::fabs(out[n] - (x[0][n] + lp[n + kLatency]))));
  CHECK(worst < 1e-6);  // float sums in a different order
}

TEST_CASE("process trims the leading latency; --keep-latency keeps it", "[cli][latency]") {
  CliDir dir;
  const auto x = noise_audio(kFrames);
  write_audio(dir / "in.wav", x);
  const std::string chain = "--chain \"fir_design(numtaps=101, cutoff=2000, compensate=1)\"";
  const CliRun trimmed =
      run_fxgraph(dir, "process in.wav trimmed.wav --no-tail --format float -q " + chain);
  INFO(trimmed.err);
  REQUIRE(trimmed.status == 0);
  const CliRun kept = run_fxgraph(
      dir, "process in.wav kept.wav --no-tail --keep-latency --format float -q " + chain);
  REQUIRE(kept.status == 0);

  const auto a = read_audio(dir / "trimmed.wav")[0];
  const auto b = read_audio(dir / "kept.wav")[0];
  REQUIRE(a.size() == kFrames);
  REQUIRE(b.size() == kFrames + kLatency);  // nothing lost: the latency's frames lead
  for (std::size_t n = 0; n < kFrames; ++n) REQUIRE(a[n] == b[n + kLatency]);
  // A linear-phase low-pass lined up with its input: a 100 Hz sine comes through in
  // phase, so a slow input is reproduced almost exactly (no 50-frame lag).
  std::vector<std::vector<float>> slow(1, std::vector<float>(kFrames));
  for (std::size_t n = 0; n < kFrames; ++n)
    slow[0][n] = float(0.5 * std::sin(2 * 3.141592653589793 * 100.0 * double(n) / 48000.0));
  write_audio(dir / "slow.wav", slow);
  REQUIRE(run_fxgraph(dir, "process slow.wav slow_out.wav --no-tail --format float -q " + chain)
              .status == 0);
  const auto y = read_audio(dir / "slow_out.wav")[0];
  double worst = 0.0;
  for (std::size_t n = 200; n < kFrames - 200; ++n)
    worst = std::max(worst, double(std::fabs(y[n] - slow[0][n])));
  CHECK(worst < 2e-3);  // the pass-band ripple of a 101-tap Hamming design
}
