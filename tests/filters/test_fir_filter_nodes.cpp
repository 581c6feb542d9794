// FIR nodes: fir_design matches scipy.signal.firwin + lfilter (the fixtures), fir runs
// given taps (a list or a file), both stream exactly and do not allocate in process.

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>

#include "filter_test_helpers.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using fxgraph::test::dsp::FixtureCase;
using fxgraph::test::filters::check_matches_fixture;
using fxgraph::test::filters::filter_registry;
using fxgraph::test::filters::run_engine;

namespace {

NodeOptions fir_design_options(const FixtureCase& c) {
  NodeOptions o;
  o.set("numtaps", c.number("numtaps"));
  o.set("cutoff", c.numbers("cutoff"));
  o.set("pass", c.text("pass"));
  o.set("window", c.text("window"));
  o.set("beta", c.number("beta"));
  return o;
}

}  // namespace

TEST_CASE("fir_design nodes in an engine match the scipy fixtures to 1e-5 relative RMS",
          "[filters]") {
  const NodeRegistry r = filter_registry();
  const auto cases = test::dsp::cases_of("firwin");
  REQUIRE(!cases.empty());
  for (const FixtureCase& c : cases) {
    INFO(c.name);
    check_matches_fixture(r.create("fir_design", fir_design_options(c)), c, 777);
  }
}

TEST_CASE("fir with taps from a list or a file equals fir_design with the same taps", "[filters]") {
  const NodeRegistry r = filter_registry();
  const auto taps =
      dsp::firwin(101, {3000.0}, dsp::FirPass::lowpass, dsp::Window::hann, 0.0, 48000.0);
  const std::string path = "/tmp/fxgraph_filters_test_taps.txt";
  {
    std::ofstream file(path);
    file << "# hann lowpass 3 kHz\n";
    char text[64];
    for (double t : taps) {
      std::snprintf(text, sizeof text, "%.17g\n", t);
      file << text;
    }
  }
  const AudioBuffer input = test::dsp::fixture_input(2);
  NodeOptions designed;
  designed.set("numtaps", 101.0);
  designed.set("cutoff", 3000.0);
  designed.set("window", std::string("hann"));
  const AudioBuffer want = run_engine(r.create("fir_design", designed), 48000.0, input, 512);
  NodeOptions listed;
  listed.set("taps", taps);
  CHECK(test::dsp::identical(run_engine(r.create("fir", listed), 48000.0, input, 512), want));
  NodeOptions filed;
  filed.set("path", path);
  CHECK(test::dsp::identical(run_engine(r.create("fir", filed), 48000.0, input, 512), want));
  std::remove(path.c_str());
}

TEST_CASE("fir output does not depend on block sizes and process does not allocate",
          "[filters][realtime]") {
  const NodeRegistry r = filter_registry();
  NodeOptions o;
  o.set("numtaps", 513.0);
  o.set("cutoff", std::vector<double>{500.0, 5000.0});
  o.set("pass", std::string("bandpass"));
  o.set("window", std::string("kaiser"));
  const AudioBuffer input = test::dsp::fixture_input(2);
  const AudioBuffer whole = run_engine(r.create("fir_design", o), 48000.0, input, 4096);

  Engine engine(Graph::chain({r.create("fir_design", o)}),
                {.sample_rate = 48000.0, .max_block = 4096, .input_channels = 2});
  AudioBuffer in_copy = input, chunked(2, input.capacity_frames());
  test::dsp::SubView a, b;
  std::mt19937 gen(1);
  std::uniform_int_distribution<std::uint32_t> size(1, 700);
  std::size_t allocations = 0;
  for (std::uint32_t start = 0; start < input.capacity_frames();) {
    const std::uint32_t n = std::min(size(gen), input.capacity_frames() - start);
    test::AllocationCounter counter;
    engine.process(a.view(in_copy, start, n), b.view(chunked, start, n));
    allocations += counter.count();
    start += n;
  }
  CHECK(test::dsp::identical(whole, chunked));
  CHECK(allocations == 0);
}

TEST_CASE("fir options are checked: one of taps/path, edges below Nyquist", "[filters]") {
  const NodeRegistry r = filter_registry();
  CHECK_THROWS_AS(r.create("fir", NodeOptions{}), ConfigError);
  CHECK_THROWS_AS(r.create("fir", NodeOptions{{{"path", std::string("/nonexistent/taps.txt")}}}),
                  ConfigError);
  CHECK_THROWS_AS(r.create("fir_design", NodeOptions{{{"window", std::string("bartlet")}}}),
                  ConfigError);
  auto node = r.create("fir_design", NodeOptions{{{"cutoff", 30000.0}}});
  CHECK_THROWS_WITH(Engine(Graph::chain({node}), {.sample_rate = 48000.0, .input_channels = 1}),
                    Catch::Contains("Nyquist"));
}
