// Attack and release times, measured: after a level step the gain covers 1 - 1/e of
// its change in τ (the definition in nodes/dynamics/ballistics.h), within 5% of the
// setting. DC steps keep the detectors' own ripple out of the measurement.
#include <catch2/catch.hpp>

#include <functional>

#include "dynamics/dynamics_helpers.h"

using namespace fxgraph;
using namespace fxgraph::test::dyn;

namespace {

/// Gain in dB at each frame: output over input (both non-zero DC here).
std::vector<double> gain_db(const AudioBuffer& in, const AudioBuffer& out) {
  std::vector<double> g(in.capacity_frames());
  for (std::uint32_t i = 0; i < g.size(); ++i)
    g[i] = db(std::fabs(double(out.channel(0)[i]) / double(in.channel(0)[i])));
  return g;
}

/// Milliseconds from frame `from` (the first frame that moves) until the gain has
/// covered 1 - 1/e of the way from its value just before `from` to its value at the
/// end; linear interpolation between frames gives a fraction of a frame.
double time_constant_ms(const std::vector<double>& g, std::uint32_t from) {
  const double start = g[from - 1], end = g.back();
  const double mark = start + (end - start) * (1.0 - std::exp(-1.0));
  for (std::uint32_t i = from; i < g.size(); ++i)
    if ((end - mark) * (g[i] - mark) >= 0.0) {
      const double fraction = (mark - g[i - 1]) / (g[i] - g[i - 1]);
      return (double(i - from) + fraction) * 1000.0 / kRate;
    }
  return -1.0;
}

/// Where the level steps: after 12 of the longer time constant, so the gain has
/// settled (to 6e-6 of its change) before it.
std::uint32_t settled(double attack_ms, double release_ms) {
  return std::uint32_t(12.0 * std::max(attack_ms, release_ms) * kRate / 1000.0);
}

}  // namespace

TEST_CASE("compressor: measured attack and release time constants are within 5%",
          "[dynamics][compressor]") {
  const double attack = GENERATE(2.0, 20.0, 80.0);
  const double release = GENERATE(30.0, 250.0);
  CAPTURE(attack, release);
  auto settings = std::map<std::string, OptionValue>{{"threshold_db", -30.0},
                                                     {"ratio", 4.0},
                                                     {"knee_db", 0.0},
                                                     {"attack_ms", attack},
                                                     {"release_ms", release}};
  const std::uint32_t at = settled(attack, release), frames = 2 * at;
  // -20 dB → 0 dB: the reduction grows from 7.5 to 22.5 dB.
  const AudioBuffer up = step(frames, at, 0.1f, 1.0f);
  CHECK(time_constant_ms(gain_db(up, run(make("compressor", settings), up)), at) ==
        Approx(attack).epsilon(0.05));
  // 0 dB → -20 dB: it shrinks back.
  const AudioBuffer down = step(frames, at, 1.0f, 0.1f);
  CHECK(time_constant_ms(gain_db(down, run(make("compressor", settings), down)), at) ==
        Approx(release).epsilon(0.05));
}

TEST_CASE("expander: attack (opening) and release (closing) time constants are within 5%",
          "[dynamics][expander]") {
  const double attack = GENERATE(1.0, 15.0);
  const double release = GENERATE(40.0, 400.0);
  CAPTURE(attack, release);
  auto settings = std::map<std::string, OptionValue>{{"threshold_db", -20.0},
                                                     {"ratio", 2.0},
                                                     {"range_db", 60.0},
                                                     {"attack_ms", attack},
                                                     {"release_ms", release}};
  const std::uint32_t at = settled(attack, release), frames = 2 * at;
  // -40 dB (20 dB down) → -10 dB (open), and back.
  const AudioBuffer opening = step(frames, at, 0.01f, 0.316f);
  CHECK(time_constant_ms(gain_db(opening, run(make("expander", settings), opening)), at) ==
        Approx(attack).epsilon(0.05));
  const AudioBuffer closing = step(frames, at, 0.316f, 0.01f);
  CHECK(time_constant_ms(gain_db(closing, run(make("expander", settings), closing)), at) ==
        Approx(release).epsilon(0.05));
}

TEST_CASE("gate: opens with the attack τ, holds, then closes with the release τ",
          "[dynamics][gate]") {
  const double attack = GENERATE(0.5, 10.0);
  const double release = GENERATE(20.0, 200.0);
  const double hold = 50.0;
  CAPTURE(attack, release);
  auto settings = std::map<std::string, OptionValue>{
      {"threshold_db", -40.0}, {"hysteresis_db", 6.0},  {"range_db", 60.0},
      {"attack_ms", attack},   {"release_ms", release}, {"hold_ms", hold}};
  const std::uint32_t at = settled(attack, hold + release), frames = 2 * at;
  const AudioBuffer opening = step(frames, at, 0.001f, 0.1f);  // -60 dB → -20 dB
  const auto g_open = gain_db(opening, run(make("gate", settings), opening));
  CHECK(g_open[at - 1] == Approx(-60.0).margin(0.01));  // closed before the sound
  CHECK(time_constant_ms(g_open, at) == Approx(attack).epsilon(0.05));

  // Down to -45 dB: below the threshold but within the hysteresis, so it stays open.
  const AudioBuffer within = step(frames, at, 0.1f, 0.0056f);
  const auto g_within = gain_db(within, run(make("gate", settings), within));
  CHECK(g_within.back() == Approx(0.0).margin(0.01));

  // Down to -60 dB: unchanged for the hold time, then closing with the release τ.
  const AudioBuffer closing = step(frames, at, 0.1f, 0.001f);
  const auto g_close = gain_db(closing, run(make("gate", settings), closing));
  const auto hold_frames = std::uint32_t(hold * kRate / 1000.0);
  CHECK(g_close[at + hold_frames - 1] == Approx(0.0).margin(0.01));
  CHECK(g_close[at + hold_frames + 10] < -0.01);
  CHECK(time_constant_ms(g_close, at + hold_frames) == Approx(release).epsilon(0.05));
}
