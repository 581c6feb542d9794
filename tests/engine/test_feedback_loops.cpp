// Feedback loops (engine/feedback_loops.h): a cycle closed by a feedback edge of D
// frames runs in sub-blocks of at most D, so the delay is exact and the output is the
// same at any block size and thread count; a comb built from mix and gain matches
// scipy's lfilter; any other cycle stays an error that names it.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"
#include "support/latent_node.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::LatentNode;
using fxgraph::test::make_gain;
using fxgraph::test::run_mono;

namespace {

std::vector<float> noise(std::size_t frames, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(frames);
  for (auto& v : x) v = dist(rng);
  return x;
}

EngineConfig mono(std::uint32_t max_block, unsigned threads = 1) {
  return {.max_block = max_block, .input_channels = 1, .threads = threads};
}

/// y[n] = x[n] + g·y[n − D]: input → sum:0, sum → fb (gain g) → sum:1 fed back D late.
Graph comb(std::uint32_t delay, double g) {
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("fb", make_gain(g));
  graph.connect("sum", "fb");
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{delay});
  graph.set_input(Endpoint::parse("sum:0"));
  graph.set_output(Endpoint::parse("sum"));
  return graph;
}

/// A loop with a latent node and a fan-out inside, a branch around it and a node after
/// it: input → pre → sum → latent(2) → fb → sum:1 (feedback D); latent → out:0;
/// input → side → out:1. Everything the compiler does around a loop, in one graph.
Graph busy_loop(std::uint32_t delay) {
  Graph graph;
  graph.add("pre", make_gain(0.8));
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("latent", std::make_shared<LatentNode>(2));
  graph.add("fb", make_gain(-0.6));
  graph.add("side", make_gain(0.25));
  graph.add("out", std::make_shared<MixNode>(2));
  graph.connect("pre", "sum:0");
  graph.connect("sum", "latent");
  graph.connect("latent", "fb");
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{delay});
  graph.connect("latent", "out:0");
  graph.connect("side", "out:1");
  graph.connect("pre", "side");
  graph.set_input(Endpoint::parse("pre"));
  graph.set_output(Endpoint::parse("out"));
  return graph;
}

}  // namespace

TEST_CASE("a feedback comb built from mix and gain equals scipy's lfilter", "[engine][feedback]") {
  const std::uint32_t delay = GENERATE(1u, 3u, 441u);
  const AudioBuffer input = test::dsp::read_f32("comb_input.f32");
  const AudioBuffer expected = test::dsp::read_f32("comb_d" + std::to_string(delay) + "_g07.f32");
  const std::vector<float> x(input.channel(0), input.channel(0) + input.capacity_frames());
  Engine engine(comb(delay, 0.7), mono(64));
  const auto y = run_mono(engine, x, 64);
  // float32 recursion against float64: each pass through the loop rounds once, and
  // |y| stays below 3, so the error stays near 1e-7·3/(1 − 0.7); 1e-5 leaves room.
  double worst = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i)
    worst = std::max(worst, std::fabs(double(y[i]) - double(expected.channel(0)[i])));
  INFO("delay " << delay);
  CHECK(worst < 1e-5);
  // The impulse comes back exactly D frames later, scaled by g.
  CHECK(y[delay] == Approx(0.7f).epsilon(1e-6));
  if (delay > 1) CHECK(y[delay - 1] == 0.0f);
}

TEST_CASE("a loop's output is bit-identical at every block size and on two threads",
          "[engine][feedback]") {
  const std::uint32_t delay = GENERATE(1u, 3u, 441u);
  const auto x = noise(9000);
  Engine reference(busy_loop(delay), mono(4096));
  const auto expected = run_mono(reference, x, 4096);
  for (std::uint32_t block : {1u, 7u, 64u, 512u, 4096u}) {
    for (unsigned threads : {1u, 2u}) {
      Engine engine(busy_loop(delay), mono(block, threads));
      INFO("delay " << delay << ", block " << block << ", threads " << threads);
      CHECK(run_mono(engine, x, block) == expected);
    }
  }
  // And blocks that vary, below a larger maximum.
  Engine varying(busy_loop(delay), mono(4096));
  std::vector<float> y(x.size());
  for (std::size_t done = 0, k = 0; done < x.size(); ++k) {
    const auto n = std::uint32_t(std::min<std::size_t>(1 + (k * 389) % 700, x.size() - done));
    const float* in_ch[] = {x.data() + done};
    float* out_ch[] = {y.data() + done};
    varying.process(ConstAudioView{in_ch, 1, n}, AudioView{out_ch, 1, n});
    done += n;
  }
  CHECK(y == expected);
}

TEST_CASE("two loops side by side run at once on two threads, bit-identical to one",
          "[engine][feedback][parallel]") {
  // input → a loop (delay 3) and a loop (delay 5), each with a latent node, summed.
  const auto two_loops = [] {
    Graph graph;
    graph.add("in", make_gain(1.0));
    graph.add("out", std::make_shared<MixNode>(2));
    for (const std::string side : {"0", "1"}) {
      graph.add("sum" + side, std::make_shared<MixNode>(2));
      graph.add("lag" + side, std::make_shared<LatentNode>(side == "0" ? 1 : 2));
      graph.add("fb" + side, make_gain(side == "0" ? 0.5 : -0.7));
      graph.connect("in", "sum" + side + ":0");
      graph.connect("sum" + side, "lag" + side);
      graph.connect("lag" + side, "fb" + side);
      graph.connect(Endpoint::parse("fb" + side), Endpoint::parse("sum" + side + ":1"),
                    FeedbackEdge{side == "0" ? 3u : 5u});
      graph.connect("lag" + side, "out:" + side);
    }
    graph.set_input(Endpoint::parse("in"));
    graph.set_output(Endpoint::parse("out"));
    return graph;
  };
  const auto x = noise(5000, 9);
  Engine one(two_loops(), mono(256));
  Engine two(two_loops(), mono(256, 2));
  CHECK(two.runs_in_parallel());
  CHECK(Compiler::compile(two_loops(), {.input_channels = 1})->loops().size() == 2);
  const auto expected = run_mono(one, x, 256);
  for (int round = 0; round < 20; ++round) {  // again and again: a race would show
    two.request_reset();
    REQUIRE(run_mono(two, x, 256) == expected);
  }
}

TEST_CASE(
    "a loop's period is its feedback delay plus the latency inside it; its latency is "
    "its forward path's",
    "[engine][feedback][latency]") {
  // input → sum → latent(5) → fb (0.5) → sum:1, fed back 7 late: an impulse comes out
  // at 5, then every 5 + 7 frames at half the level; the graph's latency is 5.
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("latent", std::make_shared<LatentNode>(5));
  graph.add("fb", make_gain(0.5));
  graph.connect("sum", "latent");
  graph.connect("latent", "fb");
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{7});
  graph.set_input(Endpoint::parse("sum:0"));
  graph.set_output(Endpoint::parse("latent"));
  Engine engine(graph, mono(64));
  CHECK(engine.latency() == 5);
  std::vector<float> x(100, 0.0f);
  x[0] = 1.0f;
  const auto y = run_mono(engine, x, 64);
  std::vector<float> expected(100, 0.0f);
  for (std::size_t k = 0, at = 5; at < 100; ++k, at += 12) expected[at] = std::ldexp(1.0f, -int(k));
  CHECK(y == expected);
}

TEST_CASE("a loop runs in sub-blocks of its shortest feedback delay; the plan lists it",
          "[engine][feedback]") {
  // Two feedback edges in one loop (a → b → c → a (9) and c → b (4)): sub-blocks of 4.
  Graph graph;
  graph.add("a", std::make_shared<MixNode>(2));
  graph.add("b", std::make_shared<MixNode>(2));
  graph.add("c", make_gain(0.3));
  graph.add("after", make_gain(1.0));
  graph.connect("a", "b:0");
  graph.connect("b", "c");
  graph.connect("c", "after");
  graph.connect(Endpoint::parse("c"), Endpoint::parse("a:1"), FeedbackEdge{9});
  graph.connect(Endpoint::parse("c"), Endpoint::parse("b:1"), FeedbackEdge{4});
  graph.set_input(Endpoint::parse("a:0"));
  graph.set_output(Endpoint::parse("after"));
  const auto plan = Compiler::compile(graph, {.max_block = 256, .input_channels = 1});
  REQUIRE(plan->loops().size() == 1);
  CHECK(plan->loops()[0].nodes == std::vector<std::string>{"a", "b", "c"});
  CHECK(plan->loops()[0].sub_block == 4);
  CHECK(plan->order() == std::vector<std::string>{"a", "b", "c", "after"});
  CHECK_THAT(plan->describe(), Contains("loop in sub-blocks of 4 frames: a b c"));
  CHECK_THAT(plan->describe(), Contains("feedback c -> b:1 (4 frames)"));
}

TEST_CASE("a feedback edge outside any loop is an exact delay", "[engine][feedback]") {
  const std::uint32_t block = GENERATE(1u, 7u, 512u);
  Graph graph;
  graph.add("a", make_gain(1.0));
  graph.add("b", make_gain(1.0));
  graph.connect(Endpoint::parse("a"), Endpoint::parse("b"), FeedbackEdge{5});
  graph.set_input(Endpoint::parse("a"));
  graph.set_output(Endpoint::parse("b"));
  Engine engine(graph, mono(512, 2));
  const auto x = noise(2000);
  std::vector<float> expected(x.size(), 0.0f);
  std::copy(x.begin(), x.end() - 5, expected.begin() + 5);
  CHECK(run_mono(engine, x, block) == expected);
  CHECK(Compiler::compile(graph, {.input_channels = 1})->loops().empty());
}

TEST_CASE("a cycle without a feedback edge stays an error naming it and the fix",
          "[engine][feedback][errors]") {
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("fb", make_gain(0.5));
  graph.connect("sum", "fb");
  graph.connect("fb", "sum:1");
  const auto error = test::thrown_by<GraphError>([&] { Compiler::compile(graph, {}); });
  CHECK_THAT(error.what(), Contains("cycle: "));
  CHECK_THAT(error.what(), Contains("{feedback: 441}"));
  // A feedback edge elsewhere does not excuse it.
  graph.add("other", make_gain(1.0));
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("other"), FeedbackEdge{3});
  CHECK_THROWS_AS(Compiler::compile(graph, {}), GraphError);
}

TEST_CASE("a feedback edge needs a delay of a frame or more and a width that fits",
          "[engine][feedback][errors]") {
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("fb", make_gain(0.5));
  const auto zero = test::thrown_by<GraphError>(
      [&] { graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{0}); });
  CHECK_THAT(zero.what(), Contains("at least 1 frame"));
  CHECK(zero.context().edge == "fb -> sum:1");
  graph.connect("sum", "fb");
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{2});
  // The same wire twice, once as feedback, is refused.
  CHECK_THROWS_AS(graph.connect("fb", "sum:1"), GraphError);

  // A stereo source fed back into the input a three-channel source feeds.
  Graph wide;
  wide.add("tri", std::make_shared<test::ConstantNode>(std::vector<float>{0.1f, 0.2f, 0.3f}));
  wide.add("stereo", std::make_shared<test::ConstantNode>(std::vector<float>{0.1f, 0.2f}));
  wide.add("sum", std::make_shared<MixNode>(2));
  wide.connect("tri", "sum:0");
  wide.connect(Endpoint::parse("stereo"), Endpoint::parse("sum:0"), FeedbackEdge{2});
  wide.set_output(Endpoint::parse("sum"));
  const auto mismatch = test::thrown_by<GraphError>([&] { Compiler::compile(wide, {}); });
  CHECK_THAT(mismatch.what(), Contains("feedback edge 'stereo -> sum:0'"));
  CHECK(mismatch.context().edge == "stereo -> sum:0");
}

TEST_CASE("an input fed only by a feedback edge takes its source's width", "[engine][feedback]") {
  // The stereo loop sum → fb → sum:1: sum:1 hears only fb, which runs after sum.
  Graph graph;
  graph.add("src", std::make_shared<test::ConstantNode>(std::vector<float>{0.5f, -0.25f}));
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("fb", make_gain(0.5));
  graph.connect("src", "sum:0");
  graph.connect("sum", "fb");
  graph.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{1});
  graph.set_output(Endpoint::parse("sum"));
  Engine engine(graph, {.max_block = 16});
  REQUIRE(engine.output_channels() == 2);
  AudioBuffer out(2, 16);
  engine.process(ConstAudioView{}, out.view(16));
  // y[n] = x + 0.5·y[n-1] from silence: x·(2 − 2^-n) per channel, distinct channels.
  CHECK(out.channel(0)[3] == Approx(0.5 * (2.0 - 0.125)));
  CHECK(out.channel(1)[3] == Approx(-0.25 * (2.0 - 0.125)));
}
