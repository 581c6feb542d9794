// Latency compensation: where paths of different latency meet, the compiler delays the
// earlier ones, so branches sum aligned; the plan reports every node's latency, each
// compensating delay and the total; a parameter that changes a latency re-derives it.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/filters/fir_filter.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"
#include "support/latent_node.h"

using namespace fxgraph;
using fxgraph::test::LatentNode;
using fxgraph::test::make_gain;
using fxgraph::test::run_mono;

namespace {

std::vector<float> noise(std::size_t frames, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(frames);
  for (auto& v : x) v = dist(rng);
  return x;
}

/// x delayed by `frames` and scaled by `gain` (silence before it).
std::vector<float> delayed(const std::vector<float>& x, std::size_t frames, float gain = 1.0f) {
  std::vector<float> y(x.size(), 0.0f);
  for (std::size_t i = frames; i < x.size(); ++i) y[i] = gain * x[i - frames];
  return y;
}

EngineConfig mono(std::uint32_t max_block) {
  return {.max_block = max_block, .input_channels = 1};
}

}  // namespace

TEST_CASE("branches of different latency fanning into one input sum aligned", "[engine][latency]") {
  const std::uint32_t block = GENERATE(1u, 37u, 512u);
  Graph g;
  g.add("split", make_gain(1.0));
  g.add("slow", std::make_shared<LatentNode>(10));
  g.add("fast", std::make_shared<LatentNode>(3));
  g.add("sum", make_gain(1.0));
  g.connect("split", "slow");
  g.connect("split", "fast");
  g.connect("slow", "sum");
  g.connect("fast", "sum");
  g.set_input(Endpoint::parse("split"));
  g.set_output(Endpoint::parse("sum"));
  Engine engine(g, mono(512));

  const auto x = noise(3000);
  CHECK(run_mono(engine, x, block) == delayed(x, 10, 2.0f));  // x + x is exact
  CHECK(engine.latency() == 10);
}

TEST_CASE("a direct branch is delayed to meet a latent one at a node's other input",
          "[engine][latency]") {
  // input → split → mix:0 directly and split → latent(5) → mix:1.
  Graph g;
  g.add("split", make_gain(1.0));
  g.add("late", std::make_shared<LatentNode>(5));
  g.add("mix", std::make_shared<MixNode>(2));
  g.connect("split", "mix:0");
  g.connect("split", "late");
  g.connect("late", "mix:1");
  g.set_input(Endpoint::parse("split"));
  g.set_output(Endpoint::parse("mix"));
  Engine engine(g, mono(64));

  const auto x = noise(1000, 2);
  CHECK(run_mono(engine, x, 64) == delayed(x, 5, 2.0f));
  const LatencyReport report = engine.latency_report();
  REQUIRE(report.delays.size() == 1);
  CHECK(report.delays[0].edge == "split -> mix:0");
  CHECK(report.delays[0].frames == 5);
  CHECK(report.total == 5);
}

TEST_CASE("an external input meeting a latent branch at one node is delayed", "[engine][latency]") {
  // input → mix:0, and mix:1 from a latent branch fed by a constant source.
  Graph g;
  g.add("late", std::make_shared<LatentNode>(7));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("one", std::make_shared<test::ConstantNode>(std::vector<float>{0.0f}));
  g.connect("one", "late");
  g.connect("late", "mix:1");
  g.set_input(Endpoint::parse("mix:0"));
  g.set_output(Endpoint::parse("mix"));
  Engine engine(g, mono(32));
  const auto x = noise(500, 3);
  CHECK(run_mono(engine, x, 32) == delayed(x, 7));
  const LatencyReport report = engine.latency_report();
  REQUIRE(report.delays.size() == 1);
  CHECK(report.delays[0].edge == "input -> mix:0");
}

TEST_CASE(
    "a crossover whose bands carry different latencies sums to the dry signal delayed by "
    "the total",
    "[engine][latency]") {
  // Complementary FIR bands: a windowed-sinc low-pass and δ minus it, so low + high is
  // the dry signal; each band then carries a different latency (40 and 7 frames).
  constexpr int kTaps = 63;
  std::vector<double> low(kTaps), high(kTaps);
  const double cutoff = 0.1;  // cycles per sample
  const double pi = std::acos(-1.0);
  for (int n = 0; n < kTaps; ++n) {
    const double m = n - (kTaps - 1) / 2.0;
    const double sinc = m == 0.0 ? 2 * cutoff : std::sin(2 * pi * cutoff * m) / (pi * m);
    low[std::size_t(n)] = sinc * (0.5 - 0.5 * std::cos(2 * pi * n / (kTaps - 1)));
    high[std::size_t(n)] = -low[std::size_t(n)];
  }
  high[0] += 1.0;
  using filters::FirFilterNode;
  Graph g;
  g.add("split", make_gain(1.0));
  g.add("low", std::make_shared<FirFilterNode>("fir", [low](double) { return low; }));
  g.add("high", std::make_shared<FirFilterNode>("fir", [high](double) { return high; }));
  g.add("low_lag", std::make_shared<LatentNode>(40));
  g.add("high_lag", std::make_shared<LatentNode>(7));
  g.add("sum", std::make_shared<MixNode>(2));
  g.connect("split", "low");
  g.connect("split", "high");
  g.connect("low", "low_lag");
  g.connect("high", "high_lag");
  g.connect("low_lag", "sum:0");
  g.connect("high_lag", "sum:1");
  g.set_input(Endpoint::parse("split"));
  g.set_output(Endpoint::parse("sum"));
  const std::uint32_t block = GENERATE(1u, 100u, 1024u);
  Engine engine(g, mono(1024));

  const auto x = noise(4000, 4);
  const auto y = run_mono(engine, x, block);
  const auto expected = delayed(x, 40);
  double worst = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i)
    worst = std::max(worst, double(std::fabs(y[i] - expected[i])));
  CHECK(worst < 1e-5);  // float rounding of two 63-tap convolutions
  CHECK(engine.latency() == 40);
}

TEST_CASE("every sink lines up with the graph's total latency", "[engine][latency]") {
  Graph g;
  g.add("src", std::make_shared<test::ConstantNode>(std::vector<float>{1.0f}));
  g.add("late", std::make_shared<LatentNode>(6));
  g.add("a", std::make_shared<MemorySinkNode>());
  g.add("b", std::make_shared<MemorySinkNode>());
  g.connect("src", "late");
  g.connect("late", "a");
  g.connect("src", "b");
  Engine engine(g, mono(16));
  auto& a = dynamic_cast<MemorySinkNode&>(g.node("a"));
  auto& b = dynamic_cast<MemorySinkNode&>(g.node("b"));
  engine.process(16);
  for (std::uint32_t i = 0; i < 16; ++i) {
    INFO("frame " << i);
    const float expected = i < 6 ? 0.0f : 1.0f;
    CHECK(a.last_block().channels[0][i] == expected);
    CHECK(b.last_block().channels[0][i] == expected);
  }
  CHECK(engine.latency() == 6);
}

TEST_CASE("a parameter that changes a node's latency re-derives the compensation",
          "[engine][latency]") {
  Graph g;
  g.add("split", make_gain(1.0));
  g.add("lag", std::make_shared<LatentNode>(4));
  g.add("sum", make_gain(1.0));
  g.connect("split", "lag");
  g.connect("split", "sum");
  g.connect("lag", "sum");
  g.set_input(Endpoint::parse("split"));
  g.set_output(Endpoint::parse("sum"));
  Engine engine(g, mono(64));
  const auto x = noise(1000, 5);
  const auto before = run_mono(engine, std::vector<float>(x.begin(), x.begin() + 500), 64);
  CHECK(std::vector<float>(before.begin(), before.end()) ==
        delayed(std::vector<float>(x.begin(), x.begin() + 500), 4, 2.0f));

  engine.set_parameter("lag.frames", 9);
  CHECK(engine.latency() == 9);
  const LatencyReport report = engine.latency_report();
  REQUIRE(report.delays.size() == 1);
  CHECK(report.delays[0].frames == 9);
  // The new plan's delay starts silent; from 9 frames on both branches line up again.
  const std::vector<float> rest(x.begin() + 500, x.end());
  const auto after = run_mono(engine, rest, 64);
  for (std::size_t i = 9; i < rest.size(); ++i) {
    INFO("frame " << i);
    REQUIRE(after[i] == 2.0f * x[500 + i - 9]);
  }
}

TEST_CASE("a latency too long to compensate is refused naming the node", "[engine][latency]") {
  class HugeLatency : public LatentNode {
   public:
    HugeLatency() : LatentNode(0) {}
    std::uint64_t latency() const override { return std::uint64_t(1) << 40; }
  };
  Graph g;
  g.add("huge", std::make_shared<HugeLatency>());
  g.set_input(Endpoint::parse("huge"));
  g.set_output(Endpoint::parse("huge"));
  try {
    Engine engine(g, mono(64));
    FAIL("compiled");
  } catch (const GraphError& e) {
    CHECK(e.context().node == "huge");
    CHECK_THAT(e.what(), Catch::Contains("latency"));
  }
}

TEST_CASE("a graph without latent nodes reports zero latency and no delays", "[engine][latency]") {
  Graph g = Graph::chain({make_gain(0.5), make_gain(2.0)});
  Engine engine(g, mono(64));
  CHECK(engine.latency() == 0);
  CHECK(engine.latency_report().delays.empty());
  CHECK(engine.latency_report().nodes.size() == 2);
}
