// torchfx.effect's classes (Gain, Normalize, Reverb, Delay) with the settings and the
// expected values of torchfx's own tests (tests/test_effects.py in torchfx), written down
// here; where torchfx's test only checks a shape, the value follows from its definition.
#include <catch2/catch.hpp>

#include <cmath>

#include "fxgraph/engine/errors.h"
#include "support/thrown.h"
#include "torchfx/torchfx_helpers.h"

using namespace fxgraph;
using test::run_torchfx;
using test::Signal;
using test::torchfx_node;

namespace {
const Signal kThree = {{0.1f, -0.2f, 0.3f}};

void check_equal(const std::vector<float>& got, const std::vector<float>& expected,
                 double margin = 1e-6) {
  REQUIRE(got.size() >= expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == Approx(expected[i]).margin(margin));
  }
}
}  // namespace

TEST_CASE("Gain reads its gain as amplitude, dB or power ratio, as torchfx does", "[torchfx]") {
  check_equal(run_torchfx(torchfx_node("Gain", {{"gain", 2.0}}), kThree)[0], {0.2f, -0.4f, 0.6f});
  const float db6 = float(std::pow(10.0, 6.0 / 20.0));
  check_equal(run_torchfx(torchfx_node("Gain", {{"gain", 6.0}, {"gain_type", std::string("db")}}),
                          kThree)[0],
              {0.1f * db6, -0.2f * db6, 0.3f * db6});
  check_equal(run_torchfx(torchfx_node("Gain", {{"gain", 0.0}, {"gain_type", std::string("db")}}),
                          kThree)[0],
              kThree[0]);
  // power 10: 10 · log10(10) = 10 dB, a factor of √10.
  const float power10 = float(std::sqrt(10.0));
  check_equal(
      run_torchfx(torchfx_node("Gain", {{"gain", 10.0}, {"gain_type", std::string("power")}}),
                  kThree)[0],
      {0.1f * power10, -0.2f * power10, 0.3f * power10});
  check_equal(
      run_torchfx(torchfx_node("Gain", {{"gain", 1.0}, {"clamp", 1.0}}), {{2.0f, -2.0f, 0.5f}})[0],
      {1.0f, -1.0f, 0.5f});
}

TEST_CASE("Gain refuses a negative amplitude or power gain, whatever order the settings come in",
          "[torchfx]") {
  CHECK_THROWS_AS(torchfx_node("Gain", {{"gain", -1.0}}), ParameterError);
  CHECK_THROWS_AS(torchfx_node("Gain", {{"gain", -1.0}, {"gain_type", std::string("power")}}),
                  ParameterError);
  CHECK_THROWS_AS(torchfx_node("Gain", {{"gain", 0.0}, {"gain_type", std::string("power")}}),
                  ParameterError);
  // "gain" sorts before "gain_type": the type still applies to the gain given with it.
  auto node = torchfx_node("Gain", {{"gain", -6.0}, {"gain_type", std::string("db")}});
  check_equal(run_torchfx(node, {{1.0f}})[0], {float(std::pow(10.0, -6.0 / 20.0))});
  // A live switch back to amplitude with the gain still negative is refused.
  Engine engine(Graph::chain({node}), {.max_block = 16, .input_channels = 1});
  CHECK_THROWS_AS(engine.set_parameter("0.gain_type", 0.0), ParameterError);
  CHECK(engine.get_parameter("0.gain_type") == 1.0);
}

TEST_CASE("Normalize scales to torchfx's peak, RMS, percentile and per-channel targets",
          "[torchfx]") {
  check_equal(run_torchfx(torchfx_node("Normalize", {{"peak", 2.0}}), {{0.2f, -0.5f, 0.4f}})[0],
              {0.8f, -2.0f, 1.6f});
  // RMS of {3, 4} is √12.5.
  const float rms = float(std::sqrt(12.5));
  check_equal(
      run_torchfx(torchfx_node("Normalize", {{"peak", 2.0}, {"strategy", std::string("rms")}}),
                  {{3.0f, 4.0f}})[0],
      {3.0f / rms * 2.0f, 4.0f / rms * 2.0f}, 1e-5);
  const Signal per_channel = run_torchfx(
      torchfx_node("Normalize", {{"peak", 1.0}, {"strategy", std::string("per_channel")}}),
      {{1.0f, -2.0f}, {0.5f, -0.5f}});
  check_equal(per_channel[0], {0.5f, -1.0f});
  check_equal(per_channel[1], {1.0f, -1.0f});
  // Silence stays silence (no division by zero).
  check_equal(run_torchfx(torchfx_node("Normalize"), {{0.0f, 0.0f, 0.0f}})[0], {0.0f, 0.0f, 0.0f});
  // torchfx: the 50th percentile of |{1, 2, 3, 4}| is 2.5 (linear interpolation); here a
  // 0.01 dB histogram gives it to ±0.006 dB (README, "Differences from torchfx").
  const Signal percentile = run_torchfx(
      torchfx_node("Normalize",
                   {{"peak", 2.0}, {"strategy", std::string("percentile")}, {"percentile", 50.0}}),
      {{1.0f, 2.0f, 3.0f, 4.0f}});
  CHECK(percentile[0][3] == Approx(4.0 / 2.5 * 2.0).epsilon(0.001));
  CHECK(builtin_registry().find("Normalize")->torchfx_module == "effect");
}

TEST_CASE("Reverb is torchfx's single feed-forward echo: x + mix·decay·x[n - delay]", "[torchfx]") {
  auto reverb = [](double mix) {
    return torchfx_node("Reverb", {{"delay", 2.0}, {"decay", 0.5}, {"mix", mix}});
  };
  check_equal(run_torchfx(reverb(1.0), {{1, 2, 3, 4, 5}})[0], {1, 2, 3.5f, 5, 6.5f});
  check_equal(run_torchfx(reverb(0.0), {{0.3f, -0.7f, 0.1f, 0.9f}})[0], {0.3f, -0.7f, 0.1f, 0.9f});
  const Signal stereo = run_torchfx(reverb(1.0), {{1, 2, 3, 4}, {0.5f, 1.5f, 2.5f, 3.5f}});
  check_equal(stereo[0], {1, 2, 3.5f, 5});
  check_equal(stereo[1], {0.5f, 1.5f, 2.75f, 4.25f});
  // One echo, not a recursion: an impulse gives 1, mix·decay, then nothing.
  const Signal impulse =
      run_torchfx(torchfx_node("Reverb", {{"delay", 3.0}, {"decay", 0.5}, {"mix", 1.0}}), {{1}}, 9);
  check_equal(impulse[0], {1, 0, 0, 0.5f, 0, 0, 0, 0, 0, 0});
  // Defaults are torchfx's: delay 4410, decay 0.5, mix 0.5.
  const Signal defaults = run_torchfx(torchfx_node("Reverb"), {{1}}, 4410);
  CHECK(defaults[0][4410] == Approx(0.25));
  CHECK(torchfx_node("Reverb")->tail().frames == 4410);
}

TEST_CASE("Reverb refuses torchfx's invalid settings", "[torchfx]") {
  for (double decay : {0.0, 1.0, -0.1, 1.5}) {
    CAPTURE(decay);
    CHECK_THROWS_AS(torchfx_node("Reverb", {{"decay", decay}}), ParameterError);
  }
  for (double delay : {0.0, -1.0})
    CHECK_THROWS_AS(torchfx_node("Reverb", {{"delay", delay}}), ParameterError);
  for (double mix : {-0.1, 1.1})
    CHECK_THROWS_AS(torchfx_node("Reverb", {{"mix", mix}}), ParameterError);
}

TEST_CASE("Reverb with room_size is the room reverb; mixing the two forms is refused",
          "[torchfx]") {
  auto room = torchfx_node("Reverb", {{"room_size", 0.3}});
  CHECK(room->type() == "reverb");
  CHECK(room->requested_value(std::size_t(room->find_parameter("room_size"))) == 0.3);
  // It rings on (a room), unlike the single echo.
  const Signal tail = run_torchfx(room, {{1}}, 20000, 48000.0);
  double late = 0.0;
  for (std::size_t i = 10000; i < tail[0].size(); ++i)
    late = std::max(late, double(std::fabs(tail[0][i])));
  CHECK(late > 1e-4);
  const ConfigError mixed = test::thrown_by<ConfigError>([] {
    torchfx_node("Reverb", {{"room_size", 0.3}, {"delay", 100.0}});
  });
  CHECK_THAT(mixed.what(), Catch::Contains("room_size") && Catch::Contains("delay"));
  CHECK(mixed.context().key == "delay");
}

TEST_CASE("Delay is torchfx's finite taps at feedback^(k-1), mixed with lerp", "[torchfx]") {
  auto delay = [](double feedback, double mix, double taps) {
    return torchfx_node(
        "Delay", {{"delay_samples", 2.0}, {"feedback", feedback}, {"mix", mix}, {"taps", taps}});
  };
  check_equal(run_torchfx(delay(0.0, 1.0, 1), {{1, 0, 0, 0, 0}}, 2)[0], {0, 0, 1, 0, 0, 0, 0});
  check_equal(run_torchfx(delay(0.0, 1.0, 2), {{1, 0, 0, 0, 0, 0}})[0], {0, 0, 1, 0, 0, 0});
  check_equal(run_torchfx(delay(0.5, 1.0, 3), {{1, 0, 0, 0, 0, 0, 0, 0}})[0],
              {0, 0, 1, 0, 0.5f, 0, 0.25f, 0});
  check_equal(run_torchfx(delay(0.0, 0.5, 1), {{1, 0, 0, 0, 0}})[0], {0.5f, 0, 0.5f, 0, 0});
  const Signal stereo = run_torchfx(delay(0.0, 1.0, 1), {{1, 0, 0, 0}, {0.5f, 0, 0, 0}});
  CHECK(stereo[0][2] == Approx(1.0));
  CHECK(stereo[1][2] == Approx(0.5));
  // Defaults (feedback 0.3, mix 0.2, taps 3): an impulse gives 0.8 dry, then
  // 0.2 · (1, 0.3, 0.09) and nothing after the third tap.
  const Signal defaults =
      run_torchfx(torchfx_node("Delay", {{"delay_samples", 100.0}}), {{1}}, 400);
  CHECK(defaults[0][0] == Approx(0.8));
  CHECK(defaults[0][100] == Approx(0.2));
  CHECK(defaults[0][200] == Approx(0.06));
  CHECK(defaults[0][300] == Approx(0.018));
  CHECK(defaults[0][400] == 0.0f);
  CHECK(torchfx_node("Delay", {{"delay_samples", 100.0}})->tail().frames == 300);
}

TEST_CASE("Delay ping-pong sends the first echo to the right, then alternates", "[torchfx]") {
  const Signal out = run_torchfx(torchfx_node("Delay", {{"delay_samples", 2.0},
                                                        {"feedback", 0.5},
                                                        {"mix", 1.0},
                                                        {"taps", 3.0},
                                                        {"strategy", std::string("ping_pong")}}),
                                 {{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
  CHECK(out[1][2] == Approx(1.0));   // tap 1: left → right
  CHECK(out[0][4] == 0.0f);          // tap 2: right → left, and the right input is silent
  CHECK(out[1][6] == Approx(0.25));  // tap 3: left → right at feedback²
  // A right-channel impulse comes back on the left at tap 2 only.
  const Signal right = run_torchfx(torchfx_node("Delay", {{"delay_samples", 2.0},
                                                          {"feedback", 0.5},
                                                          {"mix", 1.0},
                                                          {"taps", 3.0},
                                                          {"strategy", std::string("ping_pong")}}),
                                   {{0, 0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0}});
  check_equal(right[0], {0, 0, 0, 0, 0.5f, 0, 0, 0});
  check_equal(right[1], {0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("Delay synced to a tempo truncates its length as torchfx does", "[torchfx]") {
  auto synced = [](double bpm, const char* time, double fs) {
    auto node = torchfx_node("Delay", {{"bpm", bpm}, {"delay_time", std::string(time)}});
    Engine engine(Graph::chain({node}), {.sample_rate = fs, .max_block = 64, .input_channels = 1});
    return engine.get_parameter("0.delay_samples");
  };
  CHECK(synced(120, "1/4", 44100) == 22050);
  CHECK(synced(120, "1/8", 44100) == 11025);
  CHECK(synced(120, "1/16", 44100) == 5512);  // 5512.5, truncated
  CHECK(synced(140, "1/8", 48000) == 10285);  // 10285.71…, truncated
  CHECK(synced(120, "1/8d", 44100) == 16537);
  // A triplet is 2/3 of the note (torchfx's documentation; its code takes 1/3).
  CHECK(synced(120, "1/8t", 44100) == 7350);
  // delay_time defaults to torchfx's 1/8.
  CHECK(synced(120, "1/8", 44100) == [] {
    auto node = torchfx_node("Delay", {{"bpm", 120.0}});
    Engine engine(Graph::chain({node}),
                  {.sample_rate = 44100, .max_block = 64, .input_channels = 1});
    return engine.get_parameter("0.delay_samples");
  }());
}

TEST_CASE("Delay refuses torchfx's invalid settings and a tempo with a length", "[torchfx]") {
  for (double feedback : {-0.1, 0.96})
    CHECK_THROWS_AS(torchfx_node("Delay", {{"feedback", feedback}}), ParameterError);
  for (double mix : {-0.1, 1.1})
    CHECK_THROWS_AS(torchfx_node("Delay", {{"mix", mix}}), ParameterError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"taps", 0.0}}), ParameterError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"delay_samples", 0.0}}), ParameterError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"bpm", 0.0}}), ConfigError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"bpm", 120.0}, {"delay_time", std::string("1/x")}}),
                  ConfigError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"bpm", 120.0}, {"delay_samples", 100.0}}), ConfigError);
  CHECK_THROWS_AS(torchfx_node("Delay", {{"delay_time", std::string("1/4")}}), ConfigError);
}
