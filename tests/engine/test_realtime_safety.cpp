// The audio thread never allocates: 10 000 blocks with parameter changes every block
// and a plan swapped in half-way, counted by the replaced global operator new; and a
// latency-compensated graph whose latency changes while it runs.
#include <catch2/catch.hpp>

#include "fxgraph/engine/engine.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/allocation_counter.h"
#include "support/graph_helpers.h"
#include "support/latent_node.h"

using namespace fxgraph;
using fxgraph::test::AllocationCounter;
using fxgraph::test::make_gain;

TEST_CASE("processing allocates nothing, with parameter changes and a plan swap",
          "[engine][realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("hiss", std::make_shared<NoiseNode>(1, 7));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("drive", make_gain(0.5));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "mix:0");
  g.connect("hiss", "mix:1");
  g.connect("mix", "drive");
  g.connect("drive", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 10000; ++block) {
    // Control side (not counted): a change every block, a new plan at block 5000.
    engine.set_parameter("drive.gain", 0.1 + (block % 100) * 0.01);
    engine.set_parameter("mix.gain_1", (block % 7) * 0.1);
    if (block == 5000) {
      Graph edited = engine.graph();
      edited.add("extra", make_gain(0.9));
      edited.disconnect("drive", "out");
      edited.connect("drive", "extra");
      edited.connect("extra", "out");
      engine.replace_graph(std::move(edited));
    }
    AllocationCounter counter;  // audio side: counted
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  // The swap really happened: the new node is in the running graph.
  CHECK(engine.get_parameter("extra.gain") == Approx(0.9));
}

TEST_CASE("compensating delays allocate nothing, nor does a latency change", "[engine][realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  g.add("lag", std::make_shared<fxgraph::test::LatentNode>(17));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "lag");
  g.connect("lag", "mix:0");
  g.connect("tone", "mix:1");  // delayed 17 frames to meet "lag"
  g.connect("mix", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    // Control side (not counted): each latency change compiles a plan with new delays.
    if (block % 500 == 250) engine.set_parameter("lag.frames", 17 + block / 100);
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.latency() == 17 + 1750 / 100);
}
