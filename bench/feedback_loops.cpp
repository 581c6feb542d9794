// Feedback loops (engine/feedback_loops.h): one block of a Karplus-Strong string — a
// mix, a two-tap averaging FIR and a gain closed by a feedback edge of D frames — at
// D = 64 and 441, 256 and 4096 frames per block. The loop runs in sub-blocks of D, so
// a block of 4096 at D = 64 makes 64 passes over its three nodes.
//
//   BM_KarplusStrong/D/frames: the loop, mono, fed by the input.
//   BM_SameNodesOpen/frames:   the same three nodes as a chain (no loop): the cost of
//                              the nodes alone, run at the full block.
#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {

std::shared_ptr<Node> make(const std::string& type, std::map<std::string, OptionValue> options) {
  return builtin_registry().create(type, NodeOptions(std::move(options)));
}

/// input → string:0, string → smooth → damp, damp → string:1 (fed back `delay` late)
/// when `delay` > 0; else damp is the end of a plain chain.
Graph karplus_strong(std::uint32_t delay) {
  Graph g;
  g.add("string", make("mix", {{"inputs", 2.0}}));
  g.add("smooth", make("fir", {{"taps", std::vector<double>{0.5, 0.5}}}));
  g.add("damp", make("gain", {{"gain", 0.996}}));
  g.connect("string", "smooth");
  g.connect("smooth", "damp");
  if (delay > 0)
    g.connect(Endpoint::parse("damp"), Endpoint::parse("string:1"), FeedbackEdge{delay});
  g.set_input(Endpoint::parse("string:0"));
  g.set_output(Endpoint::parse(delay > 0 ? "string" : "damp"));
  return g;
}

void run(benchmark::State& state, Graph graph, std::uint32_t frames) {
  Engine engine(std::move(graph), {.max_block = frames, .input_channels = 1});
  AudioBuffer in(1, frames), out(1, frames);
  for (std::uint32_t i = 0; i < frames; ++i) in.channel(0)[i] = float((i * 7) % 13) / 130.0f;
  for (auto _ : state) {
    engine.process(in.view(), out.view());
    benchmark::DoNotOptimize(out.channel(0)[0]);
  }
  state.SetItemsProcessed(state.iterations() * frames);  // frames per second
}

void BM_KarplusStrong(benchmark::State& state) {
  run(state, karplus_strong(std::uint32_t(state.range(0))), std::uint32_t(state.range(1)));
}
void BM_SameNodesOpen(benchmark::State& state) {
  run(state, karplus_strong(0), std::uint32_t(state.range(0)));
}

}  // namespace

BENCHMARK(BM_KarplusStrong)->ArgsProduct({{64, 441}, {256, 4096}});
BENCHMARK(BM_SameNodesOpen)->Arg(256)->Arg(4096);
