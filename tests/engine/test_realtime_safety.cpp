// The audio thread never allocates: 10 000 blocks with parameter changes every block
// and a plan swapped in half-way, counted by the replaced global operator new.
#include <catch2/catch.hpp>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/allocation_counter.h"
#include "support/graph_helpers.h"

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

TEST_CASE("torchfx's classes allocate nothing while their parameters change every block",
          "[engine][realtime][torchfx]") {
  const NodeRegistry& registry = builtin_registry();
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("gain", registry.create("Gain", NodeOptions({{"gain", 0.5}})));
  g.add("delay", registry.create("Delay", NodeOptions({{"delay_samples", 300.0}})));
  g.add("echo", registry.create("Reverb", NodeOptions({{"delay", 200.0}})));
  g.add("low", registry.create("LoButterworth", NodeOptions({{"cutoff", 8000.0}})));
  g.add("eq", registry.create("Peaking", NodeOptions({{"cutoff", 2000.0}, {"gain", 2.0}})));
  g.add("band", registry.create("Elliptic", NodeOptions({{"btype", std::string("bandpass")},
                                                         {"cutoff", std::vector{300.0, 3000.0}}})));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "gain");
  g.connect("gain", "delay");
  g.connect("delay", "echo");
  g.connect("echo", "low");
  g.connect("low", "eq");
  g.connect("eq", "band");
  g.connect("band", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    engine.set_parameter("gain.gain", 0.1 + (block % 100) * 0.01);
    engine.set_parameter("delay.feedback", (block % 9) * 0.1);
    engine.set_parameter("delay.taps", 1 + block % 5);
    engine.set_parameter("echo.mix", (block % 11) * 0.09);
    engine.set_parameter("low.cutoff", 1000.0 + (block % 50) * 100.0);
    engine.set_parameter("eq.gain", 0.5 + (block % 13) * 0.1);
    engine.set_parameter("band.cutoff_high", 3000.0 + (block % 40) * 250.0);  // a band redesign
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}
