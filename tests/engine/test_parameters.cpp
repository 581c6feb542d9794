// Parameter paths on chains and graphs: set, get, validation, smoothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::filled;
using fxgraph::test::make_gain;

TEST_CASE("chain paths set and get by position", "[engine][parameters]") {
  Engine engine(Graph::chain({make_gain(1.0), make_gain(1.0), make_gain(1.0)}),
                {.max_block = 64, .input_channels = 1});
  engine.set_parameter("2.gain", 2.0);
  CHECK(engine.get_parameter("2.gain") == 2.0);
  CHECK(engine.get_parameter("1.gain") == 1.0);
  // gain and gain_db are two views of one value.
  CHECK(engine.get_parameter("2.gain_db") == Approx(20.0 * std::log10(2.0)));
  engine.set_parameter("1.gain_db", -6.0);
  CHECK(engine.get_parameter("1.gain") == Approx(std::pow(10.0, -6.0 / 20.0)));
}

TEST_CASE("graph paths set and get by node id", "[engine][parameters]") {
  Graph g;
  g.add("drive", make_gain(1.5));
  g.set_input({"drive", ""});
  g.set_output({"drive", ""});
  Engine engine(g, {.max_block = 32, .input_channels = 1});
  CHECK(engine.get_parameter("drive.gain") == 1.5);
  engine.set_parameter("drive.gain", 2.0);
  CHECK(engine.get_parameter("drive.gain") == 2.0);

  // The value reaches the audio at the next block (after the ramp).
  AudioBuffer in = filled(1, 32, 1.0f), out(1, 32);
  for (int i = 0; i < 40; ++i) engine.process(in.view(), out.view());
  CHECK(out.channel(0)[31] == Approx(2.0f));
}

TEST_CASE("bad paths and values throw helpful ParameterErrors", "[engine][parameters]") {
  Engine engine(Graph::chain({make_gain(1.0), make_gain(1.0)}), {.input_channels = 1});
  REQUIRE_THROWS_AS(engine.set_parameter("7.gain", 1.0), ParameterError);
  REQUIRE_THROWS_WITH(engine.set_parameter("7.gain", 1.0),
                      Contains("unknown node '7'") && Contains("nodes are 0, 1"));
  REQUIRE_THROWS_WITH(engine.set_parameter("1.gian", 1.0),
                      Contains("unknown parameter 'gian'") && Contains("gain, gain_db, clamp"));
  REQUIRE_THROWS_WITH(engine.set_parameter("gain", 1.0), Contains("must be 'node.parameter'"));
  REQUIRE_THROWS_WITH(engine.set_parameter("1.gain", 5000.0),
                      Contains("out of range") && Contains("[-1000, 1000]"));
  REQUIRE_THROWS_WITH(engine.set_parameter("1.gain", std::nan("")),
                      Contains("not a finite number"));
  REQUIRE_THROWS_WITH(engine.set_parameter("1.gain", std::numeric_limits<double>::infinity()),
                      Contains("not a finite number"));
  REQUIRE_THROWS_WITH(engine.set_parameter("1.clamp", 0.5), Contains("0 or 1"));
  REQUIRE_THROWS_WITH(engine.get_parameter("9.gain"), Contains("unknown node '9'"));
  // A refused value changes nothing.
  CHECK(engine.get_parameter("1.gain") == 1.0);
}

TEST_CASE("a gain step ramps without jumps larger than the ramp allows", "[engine][smoothing]") {
  auto gain = make_gain(0.0);
  Engine engine(Graph::chain({gain}), {.sample_rate = 48000, .max_block = 64, .input_channels = 1});
  AudioBuffer in = filled(1, 64, 1.0f), out(1, 64);
  engine.process(in.view(), out.view());
  CHECK(out.channel(0)[63] == 0.0f);

  engine.set_parameter("0.gain", 1.0);
  const double ramp_samples = GainNode::kRampSeconds * 48000;
  const double allowed = 1.0 / ramp_samples + 1e-6;
  float previous = 0.0f;
  double largest = 0.0;
  for (int block = 0; block < 20; ++block) {
    engine.process(in.view(), out.view());
    for (std::uint32_t i = 0; i < 64; ++i) {
      largest = std::max(largest, double(std::abs(out.channel(0)[i] - previous)));
      previous = out.channel(0)[i];
    }
  }
  CHECK(largest <= allowed);
  CHECK(largest > 0.5 * allowed);  // it did move, at the ramp's pace
  CHECK(previous == 1.0f);         // and arrived
}
