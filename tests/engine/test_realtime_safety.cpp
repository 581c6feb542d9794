// The audio thread never allocates: 10 000 blocks with parameter changes every block
// and a plan swapped in half-way, counted by the replaced global operator new.
#include <catch2/catch.hpp>

#include "fxgraph/engine/engine.h"
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

#if FXGRAPH_WITH_LV2 && FXGRAPH_WITH_LADSPA
#include "fxgraph/graphs/catalog.h"

TEST_CASE("hosted LV2 and LADSPA plugins process without allocating, controls changing",
          "[engine][realtime][plugins]") {
  const NodeRegistry& registry = builtin_registry();
  // A mono LADSPA amp (two instances on stereo), an LV2 amp and an LV2 delay whose
  // `block` option makes every engine block run as several plugin runs.
  auto amp = registry.create("ladspa", NodeOptions({{"plugin", std::string("cmt:amp_mono")}}));
  auto gain = registry.create(
      "lv2", NodeOptions({{"plugin", std::string("http://lv2plug.in/plugins/eg-amp")}}));
  auto delay = registry.create(
      "lv2", NodeOptions({{"plugin", std::string("http://gareus.org/oss/lv2/nodelay")},
                          {"delay", 10.0},
                          {"block", 16.0}}));
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("1", amp);
  g.add("2", gain);
  g.add("3", delay);
  g.connect("tone", "1");
  g.connect("1", "2");
  g.connect("2", "3");
  g.set_output({"3", ""});
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 4000; ++block) {
    engine.set_parameter("1.gain", 0.5 + (block % 10) * 0.05);
    engine.set_parameter("2.gain", -(block % 20));
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.get_parameter("3.latency") == 10.0);
}
#endif
