// IIR filter nodes (Butterworth, Chebyshev, elliptic, Linkwitz-Riley) built through the
// registry and run in an Engine: they match scipy, stream exactly, sweep without
// clicks or allocations, and reject cutoffs at or above Nyquist.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

#include "filter_test_helpers.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/sos_filter.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using fxgraph::test::dsp::FixtureCase;
using fxgraph::test::filters::check_matches_fixture;
using fxgraph::test::filters::filter_registry;
using fxgraph::test::filters::run_engine;

namespace {

// Node type and options for an IIR fixture case of tests/dsp/fixtures/manifest.txt.
std::pair<std::string, NodeOptions> iir_node_for(const FixtureCase& c) {
  const std::string design = c.text("design");
  const bool low = c.text("kind") == "lowpass";
  NodeOptions o;
  o.set("cutoff", c.number("cutoff"));
  o.set("order", c.number("order"));
  if (design == "butter") return {low ? "lowpass" : "highpass", o};
  if (design == "cheby1") {
    o.set("ripple", c.number("ripple"));
    return {low ? "lowpass_cheby1" : "highpass_cheby1", o};
  }
  if (design == "cheby2") {
    o.set("attenuation", c.number("atten"));
    return {low ? "lowpass_cheby2" : "highpass_cheby2", o};
  }
  if (design == "ellip") {
    o.set("ripple", c.number("ripple"));
    o.set("attenuation", c.number("atten"));
    return {low ? "lowpass_elliptic" : "highpass_elliptic", o};
  }
  return {low ? "linkwitz_riley_low" : "linkwitz_riley_high", o};
}

AudioBuffer sine(double freq, double fs, std::uint32_t frames, std::uint32_t channels = 1) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t n = 0; n < frames; ++n)
      b.channel(c)[n] = float(std::sin(2.0 * std::numbers::pi * freq * n / fs));
  return b;
}

AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, 0.25f);
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t n = 0; n < frames; ++n) b.channel(c)[n] = dist(gen);
  return b;
}

}  // namespace

TEST_CASE("IIR filter nodes in an engine match the scipy fixtures to 1e-5 relative RMS",
          "[filters]") {
  const NodeRegistry r = filter_registry();
  for (const char* design : {"butter", "cheby1", "cheby2", "ellip", "linkwitz_riley"}) {
    for (const FixtureCase& c : test::dsp::cases_of(design)) {
      auto [type, options] = iir_node_for(c);
      INFO(c.name << " as node type " << type);
      check_matches_fixture(r.create(type, options), c, 4096);
    }
  }
}

TEST_CASE("a filter node's output does not depend on the engine's block sizes", "[filters]") {
  const NodeRegistry r = filter_registry();
  const AudioBuffer input = noise(3, 48000, 7);
  for (const char* type : {"lowpass", "highpass_elliptic", "linkwitz_riley_low"}) {
    INFO(type);
    NodeOptions o{{{"cutoff", 2500.0}}};
    const AudioBuffer whole = run_engine(r.create(type, o), 48000.0, input, 48000);

    Engine engine(Graph::chain({r.create(type, o)}),
                  {.sample_rate = 48000.0, .max_block = 4096, .input_channels = 3});
    AudioBuffer chunked(3, 48000);
    AudioBuffer in_copy = input;
    test::dsp::SubView in_view, out_view;
    std::mt19937 gen(42);
    std::uniform_int_distribution<std::uint32_t> size(1, 4096);
    for (std::uint32_t start = 0; start < 48000;) {
      const std::uint32_t n = std::min(size(gen), 48000 - start);
      engine.process(in_view.view(in_copy, start, n), out_view.view(chunked, start, n));
      start += n;
    }
    CHECK(test::dsp::identical(whole, chunked));
  }
}

TEST_CASE("a cutoff sweep through set_parameter keeps the state: no clicks, no reset",
          "[filters]") {
  // A 1 kHz sine through an order-4 Butterworth lowpass whose cutoff sweeps 1 -> 5 kHz
  // over one second, a new cutoff every 32-frame block. The sine's steepest step is
  // 2 pi 1000 / 48000 = 0.131 per sample: the output must never step by more than
  // 0.15. And it must equal a SosFilter run with the same coefficient schedule and
  // no reset, sample for sample.
  const double fs = 48000.0;
  const std::uint32_t frames = 48000, hop = 32;
  const NodeRegistry r = filter_registry();
  Engine engine(Graph::chain({r.create("lowpass", NodeOptions{{{"cutoff", 1000.0}}})}),
                {.sample_rate = fs, .max_block = hop, .input_channels = 1});
  AudioBuffer input = sine(1000.0, fs, frames);
  AudioBuffer output(1, frames);
  AudioBuffer expected = input;
  dsp::SosFilter reference;
  reference.prepare(1, 2);
  test::dsp::SubView a, b, c;
  for (std::uint32_t start = 0; start < frames; start += hop) {
    const double cutoff = 1000.0 + 4000.0 * start / frames;
    engine.set_parameter("0.cutoff", cutoff);
    engine.process(a.view(input, start, hop), b.view(output, start, hop));
    const auto sections = dsp::butterworth(dsp::FilterKind::lowpass, 4, cutoff, fs);
    reference.set_sections(sections.data(), 2);
    reference.process(c.view(expected, start, hop), c.view(expected, start, hop));
  }
  double largest_step = 0.0;
  for (std::uint32_t n = 480; n < frames; ++n)
    largest_step =
        std::max(largest_step, double(std::abs(output.channel(0)[n] - output.channel(0)[n - 1])));
  INFO("largest sample-to-sample step: " << largest_step);
  CHECK(largest_step < 0.15);
  CHECK(test::dsp::identical(output, expected));
  CHECK(engine.get_parameter("0.cutoff") == Approx(1000.0 + 4000.0 * (frames - hop) / frames));
}

TEST_CASE("a cutoff at or above Nyquist is rejected with a message naming Nyquist", "[filters]") {
  const NodeRegistry r = filter_registry();
  SECTION("at prepare: the engine reports the node") {
    for (double cutoff : {24000.0, 30000.0}) {
      auto node = r.create("lowpass", NodeOptions{{{"cutoff", cutoff}}});
      REQUIRE_THROWS_WITH(
          Engine(Graph::chain({node}), {.sample_rate = 48000.0, .input_channels = 1}),
          Catch::Contains("Nyquist") && Catch::Contains("24000"));
    }
  }
  SECTION("while running: set_parameter throws and the old value stays") {
    Engine engine(Graph::chain({r.create("highpass", NodeOptions{{{"cutoff", 100.0}}})}),
                  {.sample_rate = 44100.0, .input_channels = 1});
    REQUIRE_THROWS_AS(engine.set_parameter("0.cutoff", 22050.0), ParameterError);
    REQUIRE_THROWS_WITH(engine.set_parameter("0.cutoff", 40000.0), Catch::Contains("Nyquist"));
    CHECK(engine.get_parameter("0.cutoff") == 100.0);
    engine.set_parameter("0.cutoff", 22000.0);
    CHECK(engine.get_parameter("0.cutoff") == 22000.0);
  }
}

TEST_CASE("changing cutoff and order every block does not allocate in Engine::process",
          "[filters][realtime]") {
  const NodeRegistry r = filter_registry();
  for (const char* type : {"lowpass", "highpass_cheby1", "lowpass_cheby2", "highpass_elliptic",
                           "linkwitz_riley_high"}) {
    INFO(type);
    Engine engine(Graph::chain({r.create(type, NodeOptions{{{"cutoff", 500.0}}})}),
                  {.sample_rate = 48000.0, .max_block = 256, .input_channels = 2});
    AudioBuffer in = noise(2, 256, 3), out(2, 256);
    std::size_t allocations = 0;
    for (int block = 0; block < 200; ++block) {
      engine.set_parameter("0.cutoff", 500.0 + 40.0 * block);
      if (std::string(type) != "linkwitz_riley_high")
        engine.set_parameter("0.order", double(1 + block % 16));
      test::AllocationCounter counter;
      engine.process(in.view(256), out.view(256));
      allocations += counter.count();
    }
    CHECK(allocations == 0);
    for (std::uint32_t n = 0; n < 256; ++n) CHECK(std::isfinite(out.channel(1)[n]));
  }
}

TEST_CASE("an order change mid-stream stays bounded (sections keep or start their state)",
          "[filters]") {
  const NodeRegistry r = filter_registry();
  Engine engine(Graph::chain({r.create("lowpass", NodeOptions{{{"cutoff", 2000.0}}})}),
                {.sample_rate = 48000.0, .max_block = 64, .input_channels = 1});
  AudioBuffer in = sine(200.0, 48000.0, 64), out(1, 64);
  float largest = 0.0f;
  for (int block = 0; block < 100; ++block) {
    if (block == 50) engine.set_parameter("0.order", 9.0);
    engine.process(in.view(64), out.view(64));
    for (std::uint32_t n = 0; n < 64; ++n) largest = std::max(largest, std::abs(out.channel(0)[n]));
  }
  CHECK(largest < 2.0f);
}

TEST_CASE("Linkwitz-Riley order must be 2, 4 or 8", "[filters]") {
  const NodeRegistry r = filter_registry();
  CHECK_THROWS_WITH(r.create("linkwitz_riley_low", NodeOptions{{{"order", 3.0}}}),
                    Catch::Contains("2, 4 or 8"));
  CHECK_NOTHROW(r.create("linkwitz_riley_low", NodeOptions{{{"order", 8.0}}}));
}

TEST_CASE("torchfx class names resolve to the filter node types", "[filters]") {
  const NodeRegistry r = filter_registry();
  const std::pair<const char*, const char*> aliases[] = {
      {"LoButterworth", "lowpass"},
      {"HiButterworth", "highpass"},
      {"LoChebyshev1", "lowpass_cheby1"},
      {"HiChebyshev1", "highpass_cheby1"},
      {"LoChebyshev2", "lowpass_cheby2"},
      {"HiChebyshev2", "highpass_cheby2"},
      {"LoElliptic", "lowpass_elliptic"},
      {"HiElliptic", "highpass_elliptic"},
      {"LinkwitzRileyLow", "linkwitz_riley_low"},
      {"LinkwitzRileyHigh", "linkwitz_riley_high"}};
  for (const auto& [alias, name] : aliases) {
    INFO(alias);
    REQUIRE(r.find(alias) != nullptr);
    CHECK(r.find(alias)->name == name);
    CHECK(r.create(alias, NodeOptions{})->type() == name);
  }
  const auto params = r.parameters_of("lowpass");
  REQUIRE(params.size() == 2);
  CHECK(params[1].name == "order");
  CHECK(params[1].default_value == 4.0);
  CHECK(params[1].description.find("default 4") != std::string::npos);
}
