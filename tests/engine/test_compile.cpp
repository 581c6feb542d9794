// The compiler: order, fan-in, fan-out, upmix, buffer reuse and every compile error.
#include <catch2/catch.hpp>

#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/routing/mix.h"
#include "fxgraph/nodes/routing/split.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::ConstantNode;
using fxgraph::test::make_gain;

namespace {
std::size_t position_of(const std::vector<std::string>& order, const std::string& id) {
  return std::size_t(std::find(order.begin(), order.end(), id) - order.begin());
}
/// Runs one block of `frames` and returns the sink's block.
AudioView run_once(Engine& engine, MemorySinkNode& sink, std::uint32_t frames = 16) {
  engine.process(frames);
  return sink.last_block();
}
}  // namespace

TEST_CASE("compiled order puts every producer before its consumers", "[engine][compile]") {
  Graph g;
  // Added in an order that is not topological on purpose.
  g.add("out", std::make_shared<MemorySinkNode>());
  g.add("b", make_gain(1.0));
  g.add("a", std::make_shared<ConstantNode>(std::vector<float>{1.0f}));
  g.add("c", make_gain(1.0));
  g.add("mix", std::make_shared<MixNode>(2));
  g.connect("a", "b");
  g.connect("a", "c");
  g.connect("b", "mix:0");
  g.connect("c", "mix:1");
  g.connect("mix", "out");
  auto plan = Compiler::compile(g, {});
  const auto& order = plan->order();
  REQUIRE(order.size() == 5);
  for (const auto& e : g.edges())
    CHECK(position_of(order, e.from.node) < position_of(order, e.to.node));
}

TEST_CASE("several edges into one input are summed exactly", "[engine][compile]") {
  Graph g;
  g.add("a", std::make_shared<ConstantNode>(std::vector<float>{0.25f, 1.0f}));
  g.add("b", std::make_shared<ConstantNode>(std::vector<float>{0.5f, -3.0f}));
  g.add("c", std::make_shared<ConstantNode>(std::vector<float>{0.125f, 0.0f}));
  auto& sink = g.emplace<MemorySinkNode>("out");
  g.connect("a", "out");
  g.connect("b", "out");
  g.connect("c", "out");
  Engine engine(g, {.max_block = 16});
  AudioView block = run_once(engine, sink);
  REQUIRE(block.num_channels == 2);
  for (std::uint32_t i = 0; i < 16; ++i) {
    CHECK(block.channels[0][i] == 0.875f);
    CHECK(block.channels[1][i] == -2.0f);
  }
}

TEST_CASE("one output feeds many inputs", "[engine][compile]") {
  Graph g;
  g.add("src", std::make_shared<ConstantNode>(std::vector<float>{0.5f}));
  g.add("x2", make_gain(2.0));
  g.add("x3", make_gain(3.0));
  auto& s2 = g.emplace<MemorySinkNode>("s2");
  auto& s3 = g.emplace<MemorySinkNode>("s3");
  g.connect("src", "x2");
  g.connect("src", "x3");
  g.connect("x2", "s2");
  g.connect("x3", "s3");
  Engine engine(g, {.max_block = 8});
  engine.process(8);
  for (std::uint32_t i = 0; i < 8; ++i) {
    CHECK(s2.last_block().channels[0][i] == 1.0f);
    CHECK(s3.last_block().channels[0][i] == 1.5f);
  }
}

TEST_CASE("a mono output into a stereo input is upmixed", "[engine][compile]") {
  Graph g;
  g.add("mono", std::make_shared<ConstantNode>(std::vector<float>{0.75f}));
  g.add("stereo", std::make_shared<ConstantNode>(std::vector<float>{0.0f, 1.0f}));
  auto& sink = g.emplace<MemorySinkNode>("out");
  g.connect("mono", "out");
  g.connect("stereo", "out");
  Engine engine(g, {.max_block = 4});
  AudioView block = run_once(engine, sink, 4);
  REQUIRE(block.num_channels == 2);
  CHECK(block.channels[0][3] == 0.75f);
  CHECK(block.channels[1][3] == 1.75f);
}

TEST_CASE("split and channel_select route channels", "[engine][compile]") {
  Graph g;
  g.add("src", std::make_shared<ConstantNode>(std::vector<float>{0.1f, 0.2f}));
  g.add("split", std::make_shared<SplitNode>(2));
  g.add("swap", std::make_shared<ChannelSelectNode>(std::vector<std::uint32_t>{1, 0}));
  auto& a = g.emplace<MemorySinkNode>("a");
  auto& b = g.emplace<MemorySinkNode>("b");
  g.connect("src", "split");
  g.connect("split:0", "a");
  g.connect("split:1", "swap");
  g.connect("swap", "b");
  Engine engine(g, {.max_block = 4});
  engine.process(4);
  CHECK(a.last_block().channels[0][0] == 0.1f);
  CHECK(b.last_block().channels[0][0] == 0.2f);
  CHECK(b.last_block().channels[1][0] == 0.1f);
}

TEST_CASE("a long chain reuses buffers by liveness", "[engine][compile]") {
  std::vector<std::shared_ptr<Node>> nodes;
  for (int i = 0; i < 100; ++i) nodes.push_back(make_gain(1.0));
  auto plan = Compiler::compile(Graph::chain(nodes), {.input_channels = 2});
  CHECK(plan->buffer_count() <= 3);
  CHECK(plan->order().size() == 100);
}

TEST_CASE("compile errors name what is wrong", "[engine][compile]") {
  Graph g;
  g.add("a", make_gain(1.0));
  g.add("b", make_gain(1.0));
  g.add("c", make_gain(1.0));

  SECTION("unknown node id") {
    g.connect("a", "nowhere");
    REQUIRE_THROWS_WITH(Compiler::compile(g, {}),
                        Contains("unknown node 'nowhere'") && Contains("a -> nowhere"));
  }
  SECTION("unknown port") {
    g.connect("a:wet", "b");
    REQUIRE_THROWS_WITH(Compiler::compile(g, {}),
                        Contains("no output port 'wet'") && Contains("outputs: out"));
  }
  SECTION("cycle lists the nodes in order") {
    g.connect("a", "b");
    g.connect("b", "c");
    g.connect("c", "a");
    try {
      Compiler::compile(g, {});
      FAIL("no error");
    } catch (const GraphError& e) {
      const std::string m = e.what();
      CHECK_THAT(m, Contains("cycle"));
      // Any rotation of a -> b -> c -> a is the same cycle.
      const bool listed = m.find("a -> b -> c -> a") != m.npos ||
                          m.find("b -> c -> a -> b") != m.npos ||
                          m.find("c -> a -> b -> c") != m.npos;
      CHECK(listed);
    }
  }
  SECTION("self loop") {
    g.connect("a", "a");
    REQUIRE_THROWS_WITH(Compiler::compile(g, {}), Contains("a -> a"));
  }
  SECTION("channel mismatch names the edge and both counts") {
    Graph h;
    h.add("stereo", std::make_shared<ConstantNode>(std::vector<float>{0, 0}));
    h.add("six", std::make_shared<ConstantNode>(std::vector<float>{0, 0, 0, 0, 0, 0}));
    h.add("out", std::make_shared<MemorySinkNode>());
    h.connect("stereo", "out");
    h.connect("six", "out");
    REQUIRE_THROWS_AS(Compiler::compile(h, {}), GraphError);
    REQUIRE_THROWS_WITH(Compiler::compile(h, {}),
                        Contains("channel mismatch") && Contains("stereo -> out") &&
                            Contains("2 channels") && Contains("takes 6"));
  }
  SECTION("duplicate id") {
    REQUIRE_THROWS_WITH(g.add("a", make_gain(1.0)), Contains("duplicate node id 'a'"));
  }
  SECTION("bad graph input endpoint") {
    g.set_input({"zz", ""});
    REQUIRE_THROWS_WITH(Compiler::compile(g, {}), Contains("graph input: unknown node 'zz'"));
  }
}

TEST_CASE("removing a node removes its edges", "[engine][graph]") {
  Graph g = Graph::chain({make_gain(1.0), make_gain(2.0), make_gain(3.0)});
  g.remove("1");
  CHECK(g.edges().empty());
  CHECK_FALSE(g.contains("1"));
  REQUIRE_THROWS_WITH(g.remove("1"), Contains("unknown node '1'"));
  REQUIRE_THROWS_WITH(g.disconnect("0", "2"), Contains("no edge '0 -> 2'"));
}
