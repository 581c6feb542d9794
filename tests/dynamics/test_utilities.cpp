// pan, stereo_width, dc_block, polarity, mute: each against its formula, and each
// switch or move ramped rather than stepped.
#include <catch2/catch.hpp>

#include <complex>

#include "dynamics/dynamics_helpers.h"

using namespace fxgraph;
using namespace fxgraph::test::dyn;

TEST_CASE("pan: mono to stereo at constant power; stereo as a balance", "[utility]") {
  const double pan = GENERATE(-1.0, -0.5, 0.0, 0.3, 1.0);
  CAPTURE(pan);
  const double theta = (pan + 1.0) * std::numbers::pi / 4.0;
  const AudioBuffer mono = step(512, 0, 0.5f, 0.5f);
  const AudioBuffer out = run(make("pan", {{"pan", pan}}), mono);
  REQUIRE(out.num_channels() == 2);
  CHECK(out.channel(0)[511] == Approx(0.5 * std::cos(theta)).margin(1e-6));
  CHECK(out.channel(1)[511] == Approx(0.5 * std::sin(theta)).margin(1e-6));
  // Constant power: left² + right² is the input's power wherever it is panned.
  CHECK(out.channel(0)[511] * out.channel(0)[511] + out.channel(1)[511] * out.channel(1)[511] ==
        Approx(0.25).epsilon(1e-5));

  const AudioBuffer stereo = sine(2, 512, 0.5);
  const AudioBuffer balanced = run(make("pan", {{"pan", pan}}), stereo);
  CHECK(balanced.channel(0)[100] ==
        Approx(stereo.channel(0)[100] * std::sqrt(2.0) * std::cos(theta)).margin(1e-6));
  CHECK(balanced.channel(1)[100] ==
        Approx(stereo.channel(1)[100] * std::sqrt(2.0) * std::sin(theta)).margin(1e-6));
}

TEST_CASE("pan: a move is ramped over 20 ms, not stepped", "[utility]") {
  auto node = make("pan");
  Engine engine(Graph::chain({node}),
                {.sample_rate = kRate, .max_block = 2400, .input_channels = 1});
  AudioBuffer in = step(2400, 0, 1.0f, 1.0f), out(2, 2400);
  engine.process(in.view(), out.view());
  engine.set_parameter("0.pan", -1.0);
  engine.process(in.view(), out.view());
  // Right falls from cos(π/4) to 0 over 960 frames, by small steps.
  double largest_step = 0.0;
  for (std::uint32_t i = 1; i < 2400; ++i)
    largest_step =
        std::max(largest_step, double(std::fabs(out.channel(1)[i] - out.channel(1)[i - 1])));
  CHECK(largest_step < 0.002);
  CHECK(out.channel(1)[900] > 0.0f);
  CHECK(out.channel(1)[2399] == Approx(0.0).margin(1e-6));
}

TEST_CASE("stereo_width: scales the side signal, keeps the mid", "[utility]") {
  const double width = GENERATE(0.0, 0.5, 1.0, 2.0);
  CAPTURE(width);
  AudioBuffer in(2, 256);
  for (std::uint32_t i = 0; i < 256; ++i) {
    in.channel(0)[i] = 0.6f * std::sin(0.05f * i);
    in.channel(1)[i] = 0.2f * std::cos(0.03f * i);
  }
  const AudioBuffer out = run(make("stereo_width", {{"width", width}}), in);
  for (std::uint32_t i = 0; i < 256; i += 17) {
    const double mid = 0.5 * (in.channel(0)[i] + in.channel(1)[i]);
    const double side = 0.5 * (in.channel(0)[i] - in.channel(1)[i]);
    CHECK(out.channel(0)[i] == Approx(mid + width * side).margin(1e-6));
    CHECK(out.channel(1)[i] == Approx(mid - width * side).margin(1e-6));
  }
  // A mono input passes unchanged.
  const AudioBuffer mono = sine(1, 256, 0.5);
  const AudioBuffer mono_out = run(make("stereo_width", {{"width", width}}), mono);
  CHECK(mono_out.channel(0)[77] == mono.channel(0)[77]);
}

TEST_CASE("dc_block: removes an offset and has the one-pole high-pass's response", "[utility]") {
  const double cutoff = GENERATE(5.0, 20.0);
  CAPTURE(cutoff);
  // An offset of 0.5 under a 1 kHz tone: after 20 time constants only the tone is left.
  AudioBuffer in = sine(1, 96000, 0.25, 1000.0);
  for (std::uint32_t i = 0; i < 96000; ++i) in.channel(0)[i] += 0.5f;
  const AudioBuffer out = run(make("dc_block", {{"cutoff_hz", cutoff}}), in);
  double mean = 0.0;
  for (std::uint32_t i = 48000; i < 96000; ++i) mean += out.channel(0)[i];
  CHECK(std::fabs(mean / 48000) < 1e-4);
  // Gain at f from H(z) = g (1 - z⁻¹) / (1 - p z⁻¹), evaluated independently here.
  for (const double hz : {cutoff, 100.0, 1000.0}) {
    CAPTURE(hz);
    const double p = std::exp(-2.0 * std::numbers::pi * cutoff / kRate);
    const std::complex<double> z = std::polar(1.0, -2.0 * std::numbers::pi * hz / kRate);
    const double expected = std::abs(0.5 * (1.0 + p) * (1.0 - z) / (1.0 - p * z));
    const AudioBuffer tone = sine(1, 96000, 0.5, hz);
    const AudioBuffer filtered = run(make("dc_block", {{"cutoff_hz", cutoff}}), tone);
    CHECK(rms(filtered, 48000, 96000) / rms(tone, 48000, 96000) == Approx(expected).epsilon(2e-3));
  }
}

TEST_CASE("polarity and mute: their gains, and a toggle fades instead of clicking", "[utility]") {
  const AudioBuffer in = step(480, 0, 0.5f, 0.5f);
  CHECK(run(make("polarity"), in).channel(0)[10] == -0.5f);
  CHECK(run(make("polarity", {{"invert", 0.0}}), in).channel(0)[10] == 0.5f);
  CHECK(run(make("mute"), in).channel(0)[10] == 0.0f);
  CHECK(run(make("mute", {{"muted", 0.0}}), in).channel(0)[10] == 0.5f);

  for (const char* type : {"polarity", "mute"}) {
    CAPTURE(type);
    auto node = make(type);
    Engine engine(Graph::chain({node}),
                  {.sample_rate = kRate, .max_block = 480, .input_channels = 1});
    AudioBuffer out(1, 480);
    AudioBuffer block = step(480, 0, 0.5f, 0.5f);
    engine.process(block.view(), out.view());
    engine.set_parameter(std::string("0.") + node->parameters()[0].name, 0.0);
    engine.process(block.view(), out.view());
    // 10 ms = 480 frames from the old gain to 1: no jump larger than a ramp step.
    for (std::uint32_t i = 1; i < 480; ++i)
      REQUIRE(std::fabs(out.channel(0)[i] - out.channel(0)[i - 1]) < 0.0025f);
    CHECK(out.channel(0)[479] == 0.5f);
  }
}
