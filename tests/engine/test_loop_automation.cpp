// Automation of a node inside a feedback loop (engine/plan_feedback.cpp): the loop's
// sub-blocks also end where an automated value changes, so a held change lands on its
// exact frame and a ramp moves on the 32-frame grid, the same at any block size and
// thread count, and equal to the loop's recursion computed here frame by frame.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::run_mono;

namespace {

constexpr double kRate = 48000.0;
constexpr std::uint32_t kDelay = 109;  // the loop's feedback delay (frames)

/// Multiplies its input by `factor` with no smoothing: a value the automation gives is
/// in force from its first frame, so the test can write down the output exactly.
class ScaleNode : public Node {
 public:
  explicit ScaleNode(double factor) : Node("scale") {
    add_input("in", 1);
    add_output("out", 1);
    add_parameter({.name = "factor", .min = -2.0, .max = 2.0, .default_value = 1.0});
    configure_parameter("factor", factor);
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    const auto g = float(value(0));
    for (std::uint32_t i = 0; i < ctx.frames; ++i)
      ctx.outputs[0].channels[0][i] = ctx.inputs[0].channels[0][i] * g;
  }
};

/// y[n] = g(n)·(x[n] + y[n − D]): input → sum:0, sum → scale, scale → sum:1 fed back D
/// frames late; the output is the scale node's.
Graph comb(double factor) {
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("scale", std::make_shared<ScaleNode>(factor));
  graph.connect("sum", "scale");
  graph.connect(Endpoint::parse("scale"), Endpoint::parse("sum:1"), FeedbackEdge{kDelay});
  graph.set_input(Endpoint::parse("sum:0"));
  graph.set_output(Endpoint::parse("scale"));
  return graph;
}

/// A Karplus-Strong string: the comb with a two-tap average in the loop
/// (sum → smooth → scale → sum:1), output taken after the average.
Graph string_loop(double factor) {
  Graph graph;
  graph.add("sum", std::make_shared<MixNode>(2));
  graph.add("smooth", builtin_registry().create(
                          "fir", NodeOptions({{"taps", std::vector<double>{0.5, 0.5}}})));
  graph.add("scale", std::make_shared<ScaleNode>(factor));
  graph.connect("sum", "smooth");
  graph.connect("smooth", "scale");
  graph.connect(Endpoint::parse("scale"), Endpoint::parse("sum:1"), FeedbackEdge{kDelay});
  graph.set_input(Endpoint::parse("sum:0"));
  graph.set_output(Endpoint::parse("smooth"));
  return graph;
}

/// A pluck: 200 frames of noise, then silence, `frames` long.
std::vector<float> pluck(std::size_t frames) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
  std::vector<float> x(frames, 0.0f);
  for (std::size_t i = 0; i < 200; ++i) x[i] = dist(rng);
  return x;
}

EngineConfig mono(std::uint32_t max_block, unsigned threads = 1) {
  return {.sample_rate = kRate, .max_block = max_block, .input_channels = 1, .threads = threads};
}

/// The factor held from frame 1001 (0.9 before, 0.5 from there).
void automate_held(Engine& engine) {
  engine.automate("scale.factor", {{1001 / kRate, 0.5}}, AutomationCurve::hold);
}

/// The factor ramped linearly from 0.95 at frame 2000 to 0.3 at frame 6000.
void automate_ramp(Engine& engine) {
  engine.automate("scale.factor", {{2000 / kRate, 0.95}, {6000 / kRate, 0.3}},
                  AutomationCurve::linear);
}

/// The ramp's value at frame n as engine/automation.h defines it: before frame 2000 the
/// factor keeps its value (0.9); on the ramp, the line's value at the start of the
/// 32-frame grid piece holding n; after frame 6000, 0.3.
double ramp_at(std::size_t n) {
  if (n < 2000) return 0.9;
  if (n >= 6000) return 0.3;
  const double piece = double(std::max<std::size_t>(2000, n - n % kAutomationStep));
  return 0.95 + (0.3 - 0.95) * (piece - 2000.0) / 4000.0;
}

/// The comb's recursion frame by frame, in the engine's float arithmetic, with the
/// factor `g(n)` on frame n.
template <class Factor>
std::vector<float> comb_reference(const std::vector<float>& x, Factor g) {
  std::vector<float> y(x.size());
  for (std::size_t n = 0; n < x.size(); ++n) {
    const float fed_back = n >= kDelay ? y[n - kDelay] : 0.0f;
    y[n] = (x[n] + fed_back) * float(g(n));
  }
  return y;
}

}  // namespace

TEST_CASE("a held change of a loop node's parameter lands on its exact frame",
          "[engine][feedback][automation]") {
  const auto x = pluck(4000);
  const auto expected = comb_reference(x, [](std::size_t n) { return n < 1001 ? 0.9 : 0.5; });
  Engine unautomated(comb(0.9), mono(64));
  const auto before = run_mono(unautomated, x, 64);
  for (std::uint32_t block : {1u, 7u, 64u, 512u, 4096u}) {
    Engine engine(comb(0.9), mono(block));
    automate_held(engine);
    const auto y = run_mono(engine, x, block);
    INFO("block " << block);
    CHECK(y == expected);
    // Up to frame 1000 the loop ran with the value it had; frame 1001 has the new one.
    CHECK(std::equal(y.begin(), y.begin() + 1001, before.begin()));
    CHECK(y[1001] != before[1001]);
  }
}

TEST_CASE("a ramp of a loop node's parameter moves on the 32-frame grid inside the loop",
          "[engine][feedback][automation]") {
  const auto x = pluck(8000);
  const auto expected = comb_reference(x, ramp_at);
  for (std::uint32_t block : {1u, 7u, 64u, 512u, 4096u}) {
    Engine engine(comb(0.9), mono(block));
    automate_ramp(engine);
    INFO("block " << block);
    CHECK(run_mono(engine, x, block) == expected);
  }
}

TEST_CASE("an automated string loop gives the same output at every block size and on two threads",
          "[engine][feedback][automation]") {
  const auto x = pluck(9000);
  for (const auto automate : {automate_held, automate_ramp}) {
    Engine reference(string_loop(0.9), mono(1));
    automate(reference);
    const auto expected = run_mono(reference, x, 1);
    Engine unautomated(string_loop(0.9), mono(4096));
    CHECK(run_mono(unautomated, x, 4096) != expected);  // the automation is heard
    for (std::uint32_t block : {7u, 64u, 512u, 4096u}) {
      for (unsigned threads : {1u, 2u}) {
        Engine engine(string_loop(0.9), mono(block, threads));
        automate(engine);
        INFO("block " << block << ", threads " << threads);
        CHECK(run_mono(engine, x, block) == expected);
      }
    }
  }
}
