// The compressor's and the expander's steady-state level in → level out is the static
// curve of nodes/dynamics/static_curve.h, within 0.1 dB, across thresholds, ratios,
// knees and both detectors. The expected curve is written out here again, in double,
// from the textbook form (Giannoulis, Massberg & Reiss 2012), not taken from the node.
#include <catch2/catch.hpp>

#include <string>

#include "dynamics/dynamics_helpers.h"

using namespace fxgraph;
using namespace fxgraph::test::dyn;

namespace {

/// Output level for input level `x` of a soft-knee compressor (all dB).
double compressor_curve(double x, double threshold, double ratio, double knee) {
  if (2.0 * (x - threshold) <= -knee) return x;
  if (2.0 * (x - threshold) >= knee) return threshold + (x - threshold) / ratio;
  const double d = x - threshold + knee / 2.0;
  return x + (1.0 / ratio - 1.0) * d * d / (2.0 * knee);
}

/// Output level for input level `x` of a soft-knee downward expander (all dB).
double expander_curve(double x, double threshold, double ratio, double knee, double range) {
  double y;
  if (2.0 * (x - threshold) >= knee)
    y = x;
  else if (2.0 * (x - threshold) <= -knee)
    y = threshold + (x - threshold) * ratio;
  else {
    const double d = x - threshold - knee / 2.0;
    y = x + (1.0 - ratio) * d * d / (2.0 * knee);
  }
  return std::max(y, x - range);
}

constexpr std::uint32_t kFrames = 14400;      // 300 ms
constexpr std::uint32_t kMeasureFrom = 9600;  // the last 100 ms (whole 1 kHz periods)

}  // namespace

TEST_CASE("compressor: steady sine level out equals the soft-knee curve within 0.1 dB",
          "[dynamics][compressor]") {
  const std::string detector = GENERATE("peak", "rms");
  const double threshold = GENERATE(-30.0, -12.0);
  const double ratio = GENERATE(2.0, 4.0, 20.0);
  const double knee = GENERATE(0.0, 6.0, 12.0);
  CAPTURE(detector, threshold, ratio, knee);
  for (double level = -45.0; level <= 0.01; level += 2.5) {
    CAPTURE(level);
    // The peak detector sees the sine's amplitude, the RMS one its RMS (3 dB lower).
    const double amplitude =
        std::pow(10.0, level / 20.0) * (detector == "rms" ? std::sqrt(2.0) : 1.0);
    auto node = make("compressor", {{"threshold_db", threshold},
                                    {"ratio", ratio},
                                    {"knee_db", knee},
                                    {"attack_ms", 1.0},
                                    {"release_ms", 1000.0},
                                    {"detector", detector},
                                    {"rms_ms", 20.0}});
    const AudioBuffer in = sine(2, kFrames, amplitude);
    const AudioBuffer out = run(node, in);
    const double measured = detector == "rms" ? db(rms(out, kMeasureFrom, kFrames))
                                              : db(peak(out, kMeasureFrom, kFrames));
    CHECK(measured == Approx(compressor_curve(level, threshold, ratio, knee)).margin(0.1));
  }
}

TEST_CASE("compressor: makeup and auto makeup add the stated gain", "[dynamics][compressor]") {
  const double level = -6.0;
  const AudioBuffer in = sine(1, kFrames, std::pow(10.0, level / 20.0));
  auto manual = make("compressor", {{"threshold_db", -20.0},
                                    {"ratio", 4.0},
                                    {"knee_db", 0.0},
                                    {"attack_ms", 1.0},
                                    {"release_ms", 1000.0},
                                    {"makeup_db", 5.0}});
  CHECK(db(peak(run(manual, in), kMeasureFrom, kFrames)) ==
        Approx(compressor_curve(level, -20, 4, 0) + 5.0).margin(0.1));
  // Auto: a 0 dBFS level comes out at 0 dBFS, so the makeup is 20 · (1 - 1/4) = 15 dB.
  auto automatic = make("compressor", {{"threshold_db", -20.0},
                                       {"ratio", 4.0},
                                       {"knee_db", 0.0},
                                       {"attack_ms", 1.0},
                                       {"release_ms", 1000.0},
                                       {"auto_makeup", 1.0},
                                       {"makeup_db", 3.0}});
  CHECK(db(peak(run(automatic, in), kMeasureFrom, kFrames)) ==
        Approx(compressor_curve(level, -20, 4, 0) + 15.0).margin(0.1));
  const AudioBuffer full_scale = sine(1, kFrames, 1.0);
  CHECK(db(peak(run(make("compressor", {{"auto_makeup", 1.0},
                                        {"knee_db", 6.0},
                                        {"attack_ms", 1.0},
                                        {"release_ms", 1000.0}}),
                    full_scale),
                kMeasureFrom, kFrames)) == Approx(0.0).margin(0.1));
}

TEST_CASE("expander: steady sine level out equals the soft-knee curve within 0.1 dB",
          "[dynamics][expander]") {
  const double threshold = GENERATE(-40.0, -20.0);
  const double ratio = GENERATE(1.5, 2.0, 4.0);
  const double knee = GENERATE(0.0, 10.0);
  const double range = 40.0;
  CAPTURE(threshold, ratio, knee);
  for (double level = -60.0; level <= 0.01; level += 2.5) {
    CAPTURE(level);
    const double amplitude = std::pow(10.0, level / 20.0) * std::sqrt(2.0);
    // The RMS detector: a sine's mean square is steady, so the gain settles fast.
    auto node = make("expander", {{"threshold_db", threshold},
                                  {"ratio", ratio},
                                  {"knee_db", knee},
                                  {"range_db", range},
                                  {"attack_ms", 1.0},
                                  {"release_ms", 10.0},
                                  {"detector", "rms"},
                                  {"rms_ms", 50.0}});
    const AudioBuffer out = run(node, sine(1, kFrames * 2, amplitude));
    CHECK(db(rms(out, kFrames, kFrames * 2)) ==
          Approx(expander_curve(level, threshold, ratio, knee, range)).margin(0.1));
  }
}
