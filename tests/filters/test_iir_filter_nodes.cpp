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

TEST_CASE("crossover aliases resolve to the filter node types", "[filters]") {
  const NodeRegistry r = filter_registry();
  const std::pair<const char*, const char*> aliases[] = {
      {"LinkwitzRileyLow", "linkwitz_riley_low"}, {"LinkwitzRileyHigh", "linkwitz_riley_high"}};
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
