// Effects' tails are played out after the input ends (process and run), until they fall
// below -120 dBFS or reach --tail; --no-tail keeps the input's length.
#include <catch2/catch.hpp>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;

namespace {

constexpr std::uint32_t kInputFrames = 48000;  // 1 s at 48 kHz

float peak_of(const std::vector<std::vector<float>>& audio, std::size_t from, std::size_t to) {
  float peak = 0.0f;
  for (const auto& channel : audio)
    for (std::size_t i = from; i < std::min(to, channel.size()); ++i)
      peak = std::max(peak, std::fabs(channel[i]));
  return peak;
}

}  // namespace

TEST_CASE("process plays a reverb's tail out until it falls below -120 dBFS", "[cli][tail]") {
  CliDir dir;
  write_audio(dir / "speech.wav", sine_audio(2, kInputFrames));

  SECTION("by default the tail is rendered and dies away at the end") {
    const CliRun result =
        run_fxgraph(dir, "process speech.wav wet.wav --chain reverb --format float -q");
    INFO(result.err);
    REQUIRE(result.status == 0);
    const auto wet = read_audio(dir / "wet.wav");
    const std::size_t frames = wet.front().size();
    CHECK(frames > kInputFrames + 4800);
    CHECK(peak_of(wet, kInputFrames, kInputFrames + 4800) > 1e-3f);  // a tail, not silence
    // It ends after 0.1 s below the threshold.
    CHECK(peak_of(wet, frames - 4800, frames) < 1e-6f);
  }
  SECTION("--no-tail keeps the input's length") {
    const CliRun result =
        run_fxgraph(dir, "process speech.wav wet.wav --chain reverb --format float -q --no-tail");
    REQUIRE(result.status == 0);
    CHECK(read_audio(dir / "wet.wav").front().size() == kInputFrames);
  }
  SECTION("--tail caps the tail") {
    const CliRun result =
        run_fxgraph(dir, "process speech.wav wet.wav --chain reverb --format float -q --tail 0.25");
    REQUIRE(result.status == 0);
    CHECK(read_audio(dir / "wet.wav").front().size() == kInputFrames + 12000);
  }
  SECTION("the tail does not depend on the chunk size, and goes through normalize") {
    for (const std::string chain : {"reverb | echo(delay=7000)", "reverb | normalize"}) {
      CAPTURE(chain);
      REQUIRE(run_fxgraph(dir, "process speech.wav a.wav -q --format float --chain '" + chain + "'")
                  .status == 0);
      REQUIRE(run_fxgraph(dir,
                          "process speech.wav b.wav -q --format float --chunk-size 777 "
                          "--chain '" +
                              chain + "'")
                  .status == 0);
      const auto a = read_audio(dir / "a.wav");
      CHECK(a.front().size() > kInputFrames);
      CHECK(a == read_audio(dir / "b.wav"));
    }
  }
  SECTION("a bad --tail is refused") {
    const CliRun result = run_fxgraph(dir, "process speech.wav wet.wav --chain reverb --tail -1");
    CHECK(result.status == 2);
    CHECK(dir.entries() == std::vector<std::string>{"speech.wav"});
  }
}

TEST_CASE("run plays the graph's tail out after its file inputs end", "[cli][tail]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, kInputFrames));
  std::ofstream(dir / "g.yaml") << "nodes:\n"
                                   "  in:   { type: file_in, path: in.wav }\n"
                                   "  echo: { type: delay, time_ms: 300, feedback: 0.5 }\n"
                                   "  out:  { type: file_out, path: out.wav, format: float }\n"
                                   "edges:\n"
                                   "  - in -> echo -> out\n";
  const CliRun with_tail = run_fxgraph(dir, "run g.yaml -q");
  INFO(with_tail.err);
  REQUIRE(with_tail.status == 0);
  const auto out = read_audio(dir / "out.wav");
  CHECK(out.front().size() > kInputFrames + 48000);  // several 300 ms echoes
  CHECK(peak_of(out, out.front().size() - 14400, out.front().size()) < 1e-6f);
  // The echoes are there: the first one a delay time after the input ended.
  CHECK(peak_of(out, kInputFrames, kInputFrames + 14400) > 0.01f);

  REQUIRE(run_fxgraph(dir, "run g.yaml -q --no-tail").status == 0);
  CHECK(read_audio(dir / "out.wav").front().size() == kInputFrames);
}
