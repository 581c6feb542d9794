// RBJ biquad nodes built through the registry and run in an Engine match the scipy
// fixtures (the cookbook formulas evaluated in numpy), and redesign live without
// allocating.

#include <catch2/catch.hpp>

#include "filter_test_helpers.h"
#include "fxgraph/engine/errors.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using fxgraph::test::dsp::FixtureCase;
using fxgraph::test::filters::check_matches_fixture;
using fxgraph::test::filters::filter_registry;
using fxgraph::test::filters::run_engine;

namespace {

std::pair<std::string, NodeOptions> rbj_node_for(const FixtureCase& c) {
  const std::string kind = c.text("kind");
  NodeOptions o;
  o.set("cutoff", c.number("cutoff"));
  if (c.has("q")) o.set("q", c.number("q"));
  if (c.has("gain")) o.set("gain_db", c.number("gain"));
  if (c.has("slope")) o.set("slope", c.number("slope"));
  if (kind == "lowpass" || kind == "highpass") return {"biquad_" + kind, o};
  if (kind == "bandpass_skirt" || kind == "bandpass_peak") {
    o.set("mode", kind == "bandpass_skirt" ? std::string("skirt") : std::string("peak"));
    return {"bandpass", o};
  }
  return {kind, o};
}

}  // namespace

TEST_CASE("RBJ biquad nodes in an engine match the scipy fixtures to 1e-5 relative RMS",
          "[filters]") {
  const NodeRegistry r = filter_registry();
  const auto cases = test::dsp::cases_of("rbj");
  REQUIRE(cases.size() >= 15);
  for (const FixtureCase& c : cases) {
    auto [type, options] = rbj_node_for(c);
    INFO(c.name << " as node type " << type);
    check_matches_fixture(r.create(type, options), c, 1000);
  }
}

TEST_CASE("RBJ nodes redesign every block without allocating", "[filters][realtime]") {
  const NodeRegistry r = filter_registry();
  for (const char* type : {"biquad_lowpass", "bandpass", "peaking", "low_shelf", "high_shelf"}) {
    INFO(type);
    Engine engine(Graph::chain({r.create(type, NodeOptions{})}),
                  {.sample_rate = 48000.0, .max_block = 128, .input_channels = 2});
    AudioBuffer in(2, 128), out(2, 128);
    in.channel(0)[0] = 1.0f;
    std::size_t allocations = 0;
    for (int block = 0; block < 100; ++block) {
      engine.set_parameter("0.cutoff", 200.0 + 100.0 * block);
      engine.set_parameter("0.q", 0.5 + 0.01 * block);
      test::AllocationCounter counter;
      engine.process(in.view(128), out.view(128));
      allocations += counter.count();
    }
    CHECK(allocations == 0);
  }
}

TEST_CASE("RBJ nodes reject a cutoff at Nyquist and a too steep shelf slope", "[filters]") {
  const NodeRegistry r = filter_registry();
  REQUIRE_THROWS_WITH(Engine(Graph::chain({r.create("notch", NodeOptions{{{"cutoff", 22050.0}}})}),
                             {.sample_rate = 44100.0, .input_channels = 1}),
                      Catch::Contains("Nyquist"));
  CHECK_THROWS_AS(r.create("low_shelf", NodeOptions{{{"gain_db", 24.0}, {"slope", 5.0}}}),
                  ParameterError);
  CHECK(r.find("PeakingEQ")->name == "peaking");
}
