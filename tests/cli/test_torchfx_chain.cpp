// torchfx's class names on the command line: positional values in torchfx's order, so
// `Delay(100)` is 100 samples, and both forms of `Reverb`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "cli/cli_harness.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

TEST_CASE("a --chain of torchfx classes takes torchfx's positional values", "[cli][torchfx]") {
  CliDir dir;
  std::vector<std::vector<float>> impulse(1, std::vector<float>(1000, 0.0f));
  impulse[0][0] = 1.0f;
  write_audio(dir / "in.wav", impulse);

  // Delay(100): 100 samples, feedback 0.3, mix 0.2, 3 taps — and the tail played out.
  const CliRun delay = run_fxgraph(dir, "process in.wav out.wav --chain \"Delay(100)\"");
  INFO(delay.err);
  REQUIRE(delay.status == 0);
  const auto out = read_audio(dir / "out.wav");
  REQUIRE(out[0].size() >= 1000);
  CHECK(out[0][0] == Approx(0.8));
  CHECK(out[0][100] == Approx(0.2));
  CHECK(out[0][200] == Approx(0.06));
  CHECK(out[0][300] == Approx(0.018));
  CHECK(out[0][400] == 0.0f);

  // Gain(6, db) | Reverb(50, 0.5, 1): a 6 dB gain, then one echo at mix · decay.
  const CliRun echo = run_fxgraph(
      dir, "process in.wav echo.wav --chain \"Gain(6, gain_type=db) | Reverb(50, 0.5, 1)\"");
  INFO(echo.err);
  REQUIRE(echo.status == 0);
  const auto echoed = read_audio(dir / "echo.wav");
  const double db6 = std::pow(10.0, 6.0 / 20.0);
  CHECK(echoed[0][0] == Approx(db6));
  CHECK(echoed[0][50] == Approx(0.5 * db6));
  CHECK(echoed[0][100] == 0.0f);

  // Reverb(room_size=0.3) is the room: it still rings 10 000 frames later.
  const CliRun room = run_fxgraph(dir, "process in.wav room.wav --chain \"Reverb(room_size=0.3)\"");
  INFO(room.err);
  REQUIRE(room.status == 0);
  const auto ringing = read_audio(dir / "room.wav");
  REQUIRE(ringing[0].size() > 12000);
  float late = 0.0f;
  for (std::size_t i = 10000; i < 12000; ++i) late = std::max(late, std::fabs(ringing[0][i]));
  CHECK(late > 1e-5f);
}

TEST_CASE("fxgraph nodes lists torchfx's classes as types, not as aliases", "[cli][torchfx]") {
  CliDir dir;
  const CliRun list = run_fxgraph(dir, "nodes");
  REQUIRE(list.status == 0);
  CHECK_THAT(list.out, Contains("HiButterworth"));
  CHECK_THAT(list.out, Contains("torchfx's Delay"));
  const CliRun delay = run_fxgraph(dir, "nodes Delay");
  REQUIRE(delay.status == 0);
  CHECK_THAT(delay.out, Contains("delay_samples"));
  CHECK_THAT(delay.out, !Contains("aliases"));
}
