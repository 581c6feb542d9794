// Behaviour beyond the curves and times: linking, the sidechain port, meters, the
// gate's range, and the fast dB conversions the gain paths rely on.
#include <catch2/catch.hpp>

#include "dynamics/dynamics_helpers.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dynamics/fast_decibels.h"

using namespace fxgraph;
using namespace fxgraph::test::dyn;

TEST_CASE("fast dB conversions are within 1e-4 dB of the library's", "[dynamics]") {
  double worst_level = 0.0, worst_gain = 0.0;
  for (double d = -230.0; d <= 60.0; d += 0.0137) {
    const float x = float(std::pow(10.0, d / 20.0));
    worst_level = std::max(worst_level, std::fabs(dynamics::amplitude_to_db(x) - db(x)));
    const double g = dynamics::db_to_amplitude(float(d));
    worst_gain = std::max(worst_gain, std::fabs(db(g) - double(float(d))));
  }
  CHECK(worst_level < 1e-4);
  CHECK(worst_gain < 1e-4);
  CHECK(dynamics::amplitude_to_db(0.0f) == Approx(-240.0).margin(1e-3));  // floored
}

TEST_CASE("compressor: linked channels share one gain, unlinked ones do not",
          "[dynamics][compressor]") {
  AudioBuffer in(2, 9600);
  for (std::uint32_t i = 0; i < 9600; ++i) {
    in.channel(0)[i] = 1.0f;   // 0 dB: 15 dB over a -20 dB threshold
    in.channel(1)[i] = 0.05f;  // -26 dB: below it
  }
  const auto settings = std::map<std::string, OptionValue>{
      {"threshold_db", -20.0}, {"ratio", 4.0}, {"knee_db", 0.0}, {"attack_ms", 1.0}};
  const AudioBuffer linked = run(make("compressor", settings), in);
  CHECK(db(linked.channel(0)[9599]) == Approx(-15.0).margin(0.01));
  CHECK(db(linked.channel(1)[9599] / 0.05) == Approx(-15.0).margin(0.01));
  auto unlinked_settings = settings;
  unlinked_settings["link"] = 0.0;
  const AudioBuffer unlinked = run(make("compressor", unlinked_settings), in);
  CHECK(db(unlinked.channel(0)[9599]) == Approx(-15.0).margin(0.01));
  CHECK(unlinked.channel(1)[9599] == Approx(0.05f).epsilon(1e-4));
}

TEST_CASE("compressor: the sidechain port drives the gain (ducking) and the meter shows it",
          "[dynamics][compressor]") {
  Graph g;
  g.add("music", make("gain"));  // the graph input, unchanged
  g.add("voice", make("sine", {{"frequency", 200.0}, {"amplitude", 1.0}}));
  g.add("duck", make("compressor", {{"sidechain", 1.0},
                                    {"threshold_db", -30.0},
                                    {"ratio", 10.0},
                                    {"knee_db", 0.0},
                                    {"attack_ms", 1.0},
                                    {"release_ms", 2000.0}}));
  g.connect("music", "duck");
  g.connect("voice", "duck:sidechain");
  g.set_input({"music", ""});
  g.set_output({"duck", ""});
  Engine engine(g, {.sample_rate = kRate, .max_block = 256, .input_channels = 1});
  CHECK(engine.get_parameter("duck.gain_reduction_db") == 0.0);
  AudioBuffer quiet(1, 256), out(1, 256);
  for (std::uint32_t i = 0; i < 256; ++i)
    quiet.channel(0)[i] = 0.01f;  // -40 dB: no reduction of its own
  for (int b = 0; b < 40; ++b) engine.process(quiet.view(), out.view());
  // The 0 dB key is 30 dB over: 27 dB of reduction applied to the quiet input.
  CHECK(engine.get_parameter("duck.gain_reduction_db") == Approx(27.0).margin(0.1));
  CHECK(db(out.channel(0)[255] / 0.01) == Approx(-27.0).margin(0.1));
  // Without a sidechain option there is no such port.
  CHECK(make("compressor")->find_input("sidechain") < 0);
}

TEST_CASE("gate: closed it attenuates by range_db; the meter reads the reduction",
          "[dynamics][gate]") {
  const double range = GENERATE(20.0, 80.0);
  auto node = make("gate", {{"threshold_db", -30.0}, {"range_db", range}});
  Engine engine(Graph::chain({node}),
                {.sample_rate = kRate, .max_block = 128, .input_channels = 1});
  AudioBuffer hiss(1, 128), out(1, 128);
  for (std::uint32_t i = 0; i < 128; ++i) hiss.channel(0)[i] = i % 2 ? 0.003f : -0.003f;
  for (int b = 0; b < 10; ++b) engine.process(hiss.view(), out.view());
  CHECK(db(std::fabs(out.channel(0)[127]) / 0.003) == Approx(-range).margin(0.01));
  CHECK(engine.get_parameter("0.gain_reduction_db") == Approx(range).margin(0.01));
}

TEST_CASE("dynamics parameters out of range are refused with the allowed range", "[dynamics]") {
  CHECK_THROWS_AS(make("compressor", {{"ratio", 0.5}}), ParameterError);
  CHECK_THROWS_WITH(make("compressor", {{"attack_ms", -1.0}}), Catch::Contains("attack_ms"));
  CHECK_THROWS_AS(make("gate", {{"hysteresis_db", 50.0}}), ParameterError);
  CHECK_THROWS_AS(make("limiter", {{"ceiling_db", 3.0}}), ParameterError);
  CHECK_THROWS_AS(make("compressor", {{"detector", "loudest"}}), ParameterError);
}
