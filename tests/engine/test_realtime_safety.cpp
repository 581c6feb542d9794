// The audio thread never allocates: 10 000 blocks with parameter changes every block
// and a plan swapped in half-way, counted by the replaced global operator new.
#include <catch2/catch.hpp>

#include <cmath>

#include "fxgraph/engine/engine.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/register_nodes.h"
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

TEST_CASE("the loudness meter, convolver and downmix process and reset without allocating",
          "[engine][realtime]") {
  // libebur128 allocates per 400 ms block unless in histogram mode, and has no reset:
  // the meter must keep both off the audio thread (nodes/dsp/loudness_meter.h).
  NodeRegistry registry;
  register_dsp_nodes(registry);
  NodeOptions ir;
  ir.set("path", std::string(FXGRAPH_TEST_DATA_DIR) + "/dsp/fixtures/convolver_ir_true.wav");
  NodeOptions stereo;
  stereo.set("channels", 2.0);
  Graph g = Graph::chain({registry.create("convolver", ir), registry.create("loudness", {}),
                          registry.create("downmix", stereo)});
  Engine engine(g, {.max_block = 64, .input_channels = 2});
  AudioBuffer in(2, 64), out(2, 64);
  for (std::uint32_t i = 0; i < 64; ++i) in.channel(0)[i] = in.channel(1)[i] = 0.1f * float(i % 7);

  std::size_t allocations = 0;
  for (int block = 0; block < 20000; ++block) {
    if (block % 5000 == 2500) engine.request_reset();  // control side
    AllocationCounter counter;
    engine.process(in.view(std::uint32_t(1 + block % 64)), out.view(std::uint32_t(1 + block % 64)));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(std::isfinite(engine.get_parameter("1.integrated")));
}
