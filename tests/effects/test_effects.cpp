// Effect nodes (reverb, delay, echo): sample-exact impulse responses, streaming
// invariance, tempo-synced times, realtime safety and stability.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "effects/effects_helpers.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/note_value.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using namespace fxgraph::test;

namespace {
constexpr std::uint32_t kRate = 48000;

void require_streaming_invariance(const std::string& type,
                                  std::map<std::string, OptionValue> options) {
  const AudioBuffer in = noise(2, 3 * kRate, 11, 0.5f);
  const AudioBuffer whole = render_whole(make_effect(type, options), in);
  const AudioBuffer pieces = render(make_effect(type, options), in, random_blocks(5));
  REQUIRE(identical(whole, pieces));
  // A few one-frame blocks as well (the tightest cut).
  int count = 0;
  const AudioBuffer tiny =
      render(make_effect(type, options), in, [&count] { return ++count % 50 == 0 ? 1u : 37u; });
  REQUIRE(identical(whole, tiny));
}
}  // namespace

// ---- streaming invariance ----

TEST_CASE("reverb output does not depend on block sizes", "[effects]") {
  require_streaming_invariance("reverb", {{"room_size", 0.8}, {"pre_delay", 7.0}, {"width", 0.6}});
}

TEST_CASE("delay output does not depend on block sizes", "[effects]") {
  require_streaming_invariance("delay", {{"time_samples", 500.0}, {"feedback", 0.5}});
  require_streaming_invariance("delay", {{"time_ms", 30.0}, {"taps", 3.0}, {"feedback", 0.6}});
  require_streaming_invariance("delay",
                               {{"time_samples", 777.0}, {"strategy", std::string("ping_pong")}});
}

TEST_CASE("echo output does not depend on block sizes", "[effects]") {
  require_streaming_invariance("echo", {{"delay", 1000.0}, {"decay", 0.7}});
}

// ---- delay ----

TEST_CASE("a 10 ms delay with feedback 0.5 repeats an impulse at 480, 960, 1440 samples",
          "[effects]") {
  auto node = make_effect("delay", {{"time_ms", 10.0}, {"mix", 1.0}, {"feedback", 0.5}});
  const AudioBuffer out = render(node, impulse(2, 2000), [] { return 256u; });
  for (std::uint32_t c = 0; c < 2; ++c) {
    const float* y = out.channel(c);
    CHECK(y[0] == Approx(0.0).margin(1e-6));
    CHECK(y[479] == Approx(0.0).margin(1e-6));
    CHECK(y[480] == Approx(1.0).margin(1e-6));
    CHECK(y[481] == Approx(0.0).margin(1e-6));
    CHECK(y[960] == Approx(0.5).margin(1e-6));
    CHECK(y[1440] == Approx(0.25).margin(1e-6));
  }
}

TEST_CASE("taps repeat at multiples of the delay time with decaying levels", "[effects]") {
  auto node = make_effect(
      "delay", {{"time_samples", 100.0}, {"mix", 1.0}, {"feedback", 0.0}, {"taps", 3.0}});
  const AudioBuffer out = render_whole(node, impulse(2, 1000));
  const float* y = out.channel(0);
  CHECK(y[100] == Approx(1.0).margin(1e-6));
  CHECK(y[200] == Approx(0.7).margin(1e-6));
  CHECK(y[300] == Approx(0.49).margin(1e-6));
  CHECK(y[400] == Approx(0.0).margin(1e-6));
}

TEST_CASE("ping-pong echoes alternate left and right", "[effects]") {
  auto node = make_effect("delay", {{"time_samples", 100.0},
                                    {"mix", 1.0},
                                    {"feedback", 0.5},
                                    {"strategy", std::string("ping_pong")}});
  const AudioBuffer out = render_whole(node, impulse(2, 1000));
  REQUIRE(out.num_channels() == 2);
  const float* l = out.channel(0);
  const float* r = out.channel(1);
  CHECK(l[100] == Approx(1.0).margin(1e-6));
  CHECK(r[100] == Approx(0.0).margin(1e-6));
  CHECK(l[200] == Approx(0.0).margin(1e-6));
  CHECK(r[200] == Approx(0.5).margin(1e-6));
  CHECK(l[300] == Approx(0.25).margin(1e-6));
  CHECK(r[300] == Approx(0.0).margin(1e-6));
}

TEST_CASE("ping-pong turns a mono input into a stereo output", "[effects]") {
  auto node = make_effect("delay", {{"strategy", std::string("ping_pong")}});
  const std::uint32_t mono[] = {1};
  REQUIRE(node->output_channels(mono) == std::vector<std::uint32_t>{2});
  REQUIRE_THROWS_AS(make_effect("delay", {{"strategy", std::string("bounce")}}), ConfigError);
}

TEST_CASE("BPM-synced note values give musical delay times", "[effects]") {
  CHECK(note_milliseconds("1/4", 120) == Approx(500.0));
  CHECK(note_milliseconds("1/8d", 120) == Approx(375.0));
  CHECK(note_milliseconds("1/8t", 120) == Approx(166.6667).epsilon(1e-5));
  CHECK(note_milliseconds("1/16", 120) == Approx(125.0));

  auto node = make_effect("delay", {{"bpm", 120.0}, {"note", std::string("1/8d")}});
  CHECK(node->requested_value(std::size_t(node->find_parameter("time_ms"))) == Approx(375.0));
  // Longer than 5 s: the line grows to fit.
  auto slow = make_effect("delay", {{"bpm", 30.0}, {"note", std::string("1/1")}});
  CHECK(slow->requested_value(std::size_t(slow->find_parameter("time_ms"))) == Approx(8000.0));
}

TEST_CASE("a bad note value is an error naming it and the valid forms", "[effects]") {
  try {
    make_effect("delay", {{"bpm", 120.0}, {"note", std::string("1/7x")}});
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    CHECK(message.find("1/7x") != std::string::npos);
    CHECK(message.find("1/8t") != std::string::npos);
  }
  REQUIRE_THROWS_AS(note_milliseconds("1/7", 120), ConfigError);
  REQUIRE_THROWS_AS(note_milliseconds("quarter", 120), ConfigError);
  REQUIRE_THROWS_AS(make_effect("delay", {{"bpm", 120.0}}), ConfigError);
}

TEST_CASE("changing the delay time mid-stream stays bounded", "[effects]") {
  auto node = make_effect("delay", {{"time_ms", 5000.0}, {"feedback", 0.9}});
  const AudioBuffer out =
      render(node, noise(2, 4 * kRate, 3), random_blocks(9), [](Engine& engine, int block) {
        engine.set_parameter("0.time_ms", (block * 137) % 5001);
        engine.set_parameter("0.time_samples", block % 3 == 0 ? 0 : (block * 7919) % 960001);
      });
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < out.capacity_frames(); ++i)
      REQUIRE((std::isfinite(out.channel(c)[i]) && std::abs(out.channel(c)[i]) < 100.0f));
}

// ---- echo ----

TEST_CASE("echo repeats an impulse at multiples of the delay, each decay times the last",
          "[effects]") {
  auto node = make_effect("FeedbackEcho", {{"delay", 480.0}, {"mix", 1.0}, {"decay", 0.5}});
  const AudioBuffer out = render(node, impulse(2, 2000), [] { return 100u; });
  for (std::uint32_t c = 0; c < 2; ++c) {
    const float* y = out.channel(c);
    CHECK(y[0] == Approx(1.0).margin(1e-6));
    CHECK(y[1] == Approx(0.0).margin(1e-6));
    CHECK(y[480] == Approx(0.5).margin(1e-6));
    CHECK(y[960] == Approx(0.25).margin(1e-6));
    CHECK(y[1440] == Approx(0.125).margin(1e-6));
  }
}

namespace {
/// The feedback line both delay and echo are: w[n] = x[n] + 0.6 w[n - d], output
/// 0.3 x[n] + 0.7 wet[n], where wet is w[n - d] (delay: the echoes only) or w[n] (echo:
/// torchfx's Reverb, direct sound included). Computed here sample by sample in double
/// and compared with `type` run in random blocks, for delays shorter and longer than a
/// block (runs that wrap around the line). `time` names the node's delay parameter.
void require_feedback_line(const std::string& type, const std::string& time,
                           const std::string& feedback, bool wet_is_delayed) {
  const AudioBuffer in = noise(2, kRate, 6, 0.5f);
  for (double d : {1.0, 37.0, 1000.0, 70000.0}) {
    INFO(type << ", delay " << d);
    const auto delay = std::size_t(d);
    const AudioBuffer out =
        render(make_effect(type, {{time, d}, {feedback, 0.6}, {"mix", 0.7}}), in, random_blocks(3));
    for (std::uint32_t c = 0; c < 2; ++c) {
      std::vector<double> w(in.capacity_frames(), 0.0);
      double worst = 0.0;
      for (std::size_t n = 0; n < w.size(); ++n) {
        const double x = in.channel(c)[n];
        const double delayed = n >= delay ? w[n - delay] : 0.0;
        w[n] = x + 0.6 * delayed;
        const double wet = wet_is_delayed ? delayed : w[n];
        worst = std::max(worst, std::abs(0.3 * x + 0.7 * wet - out.channel(c)[n]));
      }
      CHECK(worst < 1e-5);
    }
  }
}
}  // namespace

TEST_CASE("delay follows its difference equation, with delays shorter and longer than a block",
          "[effects]") {
  // The plain case (one tap, no crossfade) runs in vectorised runs.
  require_feedback_line("delay", "time_samples", "feedback", true);
}

TEST_CASE("echo follows its difference equation, with delays shorter and longer than a block",
          "[effects]") {
  require_feedback_line("echo", "delay", "decay", false);
}

TEST_CASE("echo's line holds 2 s or the configured delay; a longer live delay is refused",
          "[effects]") {
  Engine engine(Graph::chain({make_effect("echo", {{"delay", 4800.0}})}),
                {.sample_rate = kRate, .max_block = 256, .input_channels = 2});
  engine.set_parameter("0.delay", 2.0 * kRate);  // within the 2-second line
  CHECK(engine.get_parameter("0.delay") == 2.0 * kRate);
  try {
    engine.set_parameter("0.delay", 2.0 * kRate + 1);
    FAIL("a delay longer than the line was accepted");
  } catch (const ParameterError& e) {
    CHECK_THAT(e.what(), Catch::Contains("96000") && Catch::Contains("room for"));
  }
  CHECK(engine.get_parameter("0.delay") == 2.0 * kRate);  // the refused value is not kept

  // Configured before the start, a long delay gets its line: an impulse comes back.
  auto long_echo = make_effect("echo", {{"delay", 300000.0}, {"mix", 1.0}, {"decay", 0.5}});
  const AudioBuffer out = render(long_echo, impulse(2, 300100), [] { return 4096u; });
  CHECK(out.channel(0)[300000] == Approx(0.5).margin(1e-6));
}

// ---- reverb ----

TEST_CASE("a reverb turns an impulse into a decaying tail", "[effects]") {
  auto node = make_effect("reverb", {{"mix", 1.0}});
  const AudioBuffer out = render_whole(node, impulse(2, 2 * kRate));
  const double early = energy(out, 0, kRate / 2);
  const double late = energy(out, kRate / 2, kRate);
  CHECK(early > 0.0);
  CHECK(late < early);
  CHECK(energy(out, kRate / 2, kRate / 2 + 2400) > 0.0);
  CHECK(std::abs(out.channel(0)[kRate / 2]) > 0.0f);
  // The two channels' tanks differ (stereo spread): the tail is decorrelated.
  bool differ = false;
  for (std::uint32_t i = 0; i < kRate && !differ; ++i)
    differ = out.channel(0)[i] != out.channel(1)[i];
  CHECK(differ);
}

TEST_CASE("a larger room gives a longer reverb tail", "[effects]") {
  const AudioBuffer in = impulse(2, 2 * kRate);
  const AudioBuffer small =
      render_whole(make_effect("reverb", {{"mix", 1.0}, {"room_size", 0.2}}), in);
  const AudioBuffer large =
      render_whole(make_effect("reverb", {{"mix", 1.0}, {"room_size", 0.9}}), in);
  CHECK(energy(large, kRate, 2 * kRate) > 10.0 * energy(small, kRate, 2 * kRate));
}

TEST_CASE("reverb with mix 0 passes the dry signal exactly", "[effects]") {
  const AudioBuffer in = noise(2, kRate, 4);
  const AudioBuffer out =
      render(make_effect("reverb", {{"mix", 0.0}, {"room_size", 0.9}}), in, random_blocks(2));
  REQUIRE(identical(in, out));
}

TEST_CASE("pre-delay holds back the reverb onset", "[effects]") {
  const AudioBuffer in = impulse(2, kRate / 4);
  const AudioBuffer out =
      render_whole(make_effect("reverb", {{"mix", 1.0}, {"pre_delay", 100.0}}), in);
  // The shortest comb (1116 samples at 44.1 kHz) plus 100 ms: silent until then.
  CHECK(energy(out, 0, 4800 + 1000) == 0.0);
  CHECK(energy(out, 4800 + 1000, kRate / 4) > 0.0);
}

TEST_CASE("reverb stays finite and bounded for 10 s of full-scale noise at room_size 1",
          "[effects]") {
  const AudioBuffer in = noise(2, 10 * kRate, 8);
  const AudioBuffer out =
      render_whole(make_effect("reverb", {{"mix", 1.0}, {"room_size", 1.0}, {"damping", 0.0}}), in);
  float peak = 0.0f;
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < out.capacity_frames(); ++i) {
      REQUIRE(std::isfinite(out.channel(c)[i]));
      peak = std::max(peak, std::abs(out.channel(c)[i]));
    }
  CHECK(peak < 20.0f);
  CHECK(peak > 0.01f);
}

TEST_CASE("reverb works on mono and on six channels", "[effects]") {
  for (std::uint32_t channels : {1u, 6u}) {
    const AudioBuffer out =
        render_whole(make_effect("reverb", {{"mix", 1.0}}), impulse(channels, kRate));
    REQUIRE(out.num_channels() == channels);
    for (std::uint32_t c = 0; c < channels; ++c) {
      double e = 0.0;
      for (std::uint32_t i = 0; i < kRate; ++i) e += double(out.channel(c)[i]) * out.channel(c)[i];
      CHECK(e > 0.0);
    }
  }
}

// ---- realtime safety ----

TEST_CASE("effects allocate nothing while processing, with parameter changes every block",
          "[effects]") {
  const AudioBuffer in = noise(2, kMaxBlock, 6);
  struct Case {
    std::string type;
    std::map<std::string, OptionValue> options;
    std::vector<std::pair<std::string, double>> changes;  // parameter, base value
  };
  const std::vector<Case> cases = {
      {"reverb",
       {},
       {{"room_size", 0.1}, {"damping", 0.2}, {"mix", 0.1}, {"width", 0.3}, {"pre_delay", 10}}},
      {"delay", {{"taps", 4.0}}, {{"time_ms", 20}, {"feedback", 0.2}, {"mix", 0.1}, {"taps", 1}}},
      {"delay", {{"strategy", std::string("ping_pong")}}, {{"time_samples", 100}, {"mix", 0.3}}},
      {"echo", {}, {{"delay", 100}, {"decay", 0.1}, {"mix", 0.2}}},
  };
  for (const auto& test : cases) {
    Engine engine(Graph::chain({make_effect(test.type, test.options)}),
                  {.sample_rate = 48000, .max_block = kMaxBlock, .input_channels = 2});
    AudioBuffer out(engine.output_channels(), kMaxBlock);
    AudioBuffer input = in;
    std::size_t allocations = 0;
    for (int block = 0; block < 200; ++block) {
      for (const auto& [name, base] : test.changes) {
        const bool whole = name == "taps" || name == "time_samples" || name == "delay";
        const double value = name == "taps" ? 1 + block % 8
                             : whole        ? base * (1 + block % 5)
                                            : base + base * (block % 5) * 0.1;
        engine.set_parameter("0." + name, value);
      }
      const std::uint32_t n = 1 + std::uint32_t(block * 997) % kMaxBlock;
      AllocationCounter counter;
      engine.process(input.view(n), out.view(n));
      allocations += counter.count();
    }
    INFO(test.type);
    CHECK(allocations == 0);
  }
}
