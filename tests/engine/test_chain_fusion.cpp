// The compiler fuses runs of IIR filter nodes into one plan step (ChainFusable): the
// output equals the unfused plan's to float precision (2e-6 on noise of sigma 0.3;
// see tests/dsp/test_sos_chain.cpp for why), parameters still reach each node, and
// nothing is fused where another reader could see the buffer between two nodes.

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/nodes/register_nodes.h"
#include "support/allocation_counter.h"
#include "support/graph_helpers.h"

using namespace fxgraph;

namespace {

NodeRegistry registry() {
  NodeRegistry r;
  register_dsp_nodes(r);
  return r;
}

std::shared_ptr<Node> filter(const std::string& type, double cutoff, double order) {
  NodeOptions o;
  o.set("cutoff", cutoff);
  if (type != "peaking") o.set("order", order);
  return registry().create(type, o);
}

// highpass 80 -> lowpass 8000 -> peaking 1000 -> gain -> lowpass_cheby1 5000 (order 6)
Graph chain_graph() {
  return Graph::chain({filter("highpass", 80.0, 2.0), filter("lowpass", 8000.0, 4.0),
                       filter("peaking", 1000.0, 0.0), fxgraph::test::make_gain(0.5),
                       filter("lowpass_cheby1", 5000.0, 6.0)});
}

AudioBuffer run(Plan& plan, AudioBuffer& input, std::uint32_t block) {
  const std::uint32_t frames = input.capacity_frames();
  AudioBuffer output(input.num_channels(), frames);
  fxgraph::test::dsp::SubView in_view, out_view;
  std::uint64_t position = 0;
  for (std::uint32_t start = 0; start < frames; start += block) {
    const std::uint32_t n = std::min(block, frames - start);
    plan.run(in_view.view(input, start, n), out_view.view(output, start, n), n, position);
    position += n;
  }
  return output;
}

bool same_samples(AudioBuffer& a, AudioBuffer& b) {
  for (std::uint32_t c = 0; c < a.num_channels(); ++c)
    for (std::uint32_t i = 0; i < a.capacity_frames(); ++i)
      if (std::abs(double(a.view().channels[c][i]) - b.view().channels[c][i]) >= 2e-6) return false;
  return true;
}

}  // namespace

TEST_CASE("consecutive filter nodes run as one step, equal to the unfused plan",
          "[engine][fusion]") {
  // 6 and 11 channels split into lane groups of different widths, and the chain mixes
  // IIR nodes (room for 8 sections) with an RBJ node (room for 1).
  for (std::uint32_t channels : {1u, 2u, 6u, 8u, 11u}) {
    INFO(channels << " channels");
    AudioBuffer input = fxgraph::test::dsp::noise(channels, 5000, 3);
    Graph fused_graph = chain_graph(), plain_graph = chain_graph();
    auto fused = Compiler::compile(fused_graph, {.input_channels = channels});
    auto plain = Compiler::compile(plain_graph, {.input_channels = channels, .fuse_chains = false});

    // 0, 1, 2 become one step; the gain and the last filter stay apart.
    REQUIRE(fused->describe().find("fused into one step: 0 1 2\n") != std::string::npos);
    REQUIRE(fused->describe().find("3 steps") != std::string::npos);
    REQUIRE(plain->describe().find("fused") == std::string::npos);
    REQUIRE(plain->describe().find("5 steps") != std::string::npos);

    AudioBuffer a = run(*fused, input, 256);
    AudioBuffer b = run(*plain, input, 256);
    REQUIRE(same_samples(a, b));
  }
}

TEST_CASE("a fused chain still takes each node's parameters", "[engine][fusion]") {
  AudioBuffer input = fxgraph::test::dsp::noise(2, 4096, 8);
  Engine fused(chain_graph(), {.sample_rate = 48000, .max_block = 512, .input_channels = 2});
  REQUIRE(fused.describe_plan().find("fused into one step: 0 1 2") != std::string::npos);
  Graph plain_graph = chain_graph();
  auto plain = Compiler::compile(plain_graph, {.input_channels = 2, .fuse_chains = false});
  plain_graph.node("1").apply_parameter(0, 2000.0);  // lowpass cutoff
  fused.set_parameter("1.cutoff", 2000.0);

  AudioBuffer a(2, 4096);
  fxgraph::test::dsp::SubView in_view, out_view;
  for (std::uint32_t start = 0; start < 4096; start += 512)
    fused.process(in_view.view(input, start, 512), out_view.view(a, start, 512));
  AudioBuffer b = run(*plain, input, 512);
  REQUIRE(same_samples(a, b));
}

TEST_CASE("no fusion where a filter's output is also read elsewhere", "[engine][fusion]") {
  Graph g;
  g.add("hp", filter("highpass", 80.0, 2.0));
  g.add("lp", filter("lowpass", 8000.0, 2.0));
  g.add("tap", fxgraph::test::make_gain(1.0));
  g.add("mix", registry().create("mix", {}));
  g.connect("hp", "lp");
  g.connect("hp", "tap");  // a second reader of hp's output
  g.connect("lp", "mix:0");
  g.connect("tap", "mix:1");
  g.set_input({"hp", "in"});
  g.set_output({"mix", "out"});
  auto plan = Compiler::compile(g, {.input_channels = 2});
  REQUIRE(plan->describe().find("fused") == std::string::npos);
}

TEST_CASE("a fused plan runs without allocating", "[engine][fusion][realtime]") {
  Engine engine(chain_graph(), {.sample_rate = 48000, .max_block = 256, .input_channels = 2});
  AudioBuffer input = fxgraph::test::dsp::noise(2, 256, 1);
  AudioBuffer output(2, 256);
  engine.process(input.view(), output.view());
  fxgraph::test::AllocationCounter counter;
  for (int i = 0; i < 200; ++i) engine.process(input.view(), output.view());
  REQUIRE(counter.count() == 0);
}
