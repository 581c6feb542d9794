// Samples beyond full scale are reported, SoX style, and do not change the exit status.
#include <catch2/catch.hpp>

#include <cstdio>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

namespace {

/// How many samples of `audio` times `gain` exceed full scale, as the gain node computes.
std::uint64_t count_over(const std::vector<std::vector<float>>& audio, float gain) {
  std::uint64_t over = 0;
  for (const auto& channel : audio)
    for (float x : channel) over += std::fabs(x * gain) > 1.0f ? 1 : 0;
  return over;
}

/// "peak 1.99 (+6.0 dBFS)" for the largest |x · gain| of `audio`.
std::string peak_text(const std::vector<std::vector<float>>& audio, float gain) {
  float peak = 0.0f;
  for (const auto& channel : audio)
    for (float x : channel) peak = std::max(peak, std::fabs(x * gain));
  char text[64];
  std::snprintf(text, sizeof text, "peak %.3g (%+.1f dBFS)", double(peak),
                20.0 * std::log10(double(peak)));
  return text;
}

std::string percent_text(std::uint64_t part, std::uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "(%.1f%%)", 100.0 * double(part) / double(whole));
  return text;
}

}  // namespace

TEST_CASE("process warns with the count and peak of clipped samples and exits 0",
          "[cli][clipping]") {
  CliDir dir;
  const auto audio = sine_audio(2, 48000, 0.5);
  write_audio(dir / "music16.wav", audio, 48000, "pcm16");
  const auto input = read_audio(dir / "music16.wav");  // what pcm16 kept
  const std::uint64_t over = count_over(input, 4.0f);
  REQUIRE(over > 0);
  const std::uint64_t samples = 2 * 48000;

  SECTION("an integer output counts the clipped samples") {
    const CliRun result = run_fxgraph(dir, "process music16.wav hot.wav --chain 'gain(4)' -q");
    INFO(result.err);
    CHECK(result.status == 0);
    CHECK_THAT(result.err,
               Contains("fxgraph: warning: clipped " + std::to_string(over) + " samples " +
                        percent_text(over, samples) + ", " + peak_text(input, 4.0f)));
  }
  SECTION("a float output reports the samples above full scale") {
    const CliRun result =
        run_fxgraph(dir, "process music16.wav hot.wav --chain 'gain(4)' --format float -q");
    CHECK(result.status == 0);
    CHECK_THAT(result.err, Contains("fxgraph: warning: " + std::to_string(over) + " samples " +
                                    percent_text(over, samples) + " above full scale"));
  }
  SECTION("run warns too") {
    std::ofstream(dir / "hot.yaml") << "nodes:\n"
                                       "  in:  { type: file_in, path: music16.wav }\n"
                                       "  amp: { type: gain, gain: 4 }\n"
                                       "  out: { type: file_out, path: hot.wav }\n"
                                       "edges:\n"
                                       "  - in -> amp -> out\n";
    const CliRun result = run_fxgraph(dir, "run hot.yaml -q");
    INFO(result.err);
    CHECK(result.status == 0);
    CHECK_THAT(result.err, Contains("clipped " + std::to_string(over) + " samples"));
  }
  SECTION("nothing is said when nothing clips") {
    const CliRun result = run_fxgraph(dir, "process music16.wav soft.wav --chain 'gain(1.5)' -q");
    CHECK(result.status == 0);
    CHECK(result.err.empty());
  }
}
