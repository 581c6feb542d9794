// Engine overhead: time per node per block for chains of 1, 16 and 256 nodes at
// blocks of 32, 64 and 512 frames, and compile time for 10, 100 and 1000 nodes.
//
//   BM_EngineOverhead: nodes that do nothing, so the figure is the engine's own cost
//                      (plan walk, context set-up, virtual call, frame bookkeeping).
//   BM_GainChain:      real gain nodes on stereo audio, for scale.
//   BM_Compile:        Compiler::compile of a chain and of a fan-out/fan-in graph
//                      (fresh nodes each time, so prepare() is included).
#include <benchmark/benchmark.h>

#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/nodes/effects/gain.h"
#include "fxgraph/nodes/routing/mix.h"

using namespace fxgraph;

namespace {
class PassNode : public Node {
 public:
  PassNode() : Node("pass") {
    add_input("in");
    add_output("out");
  }

 protected:
  void do_process(const ProcessContext&) noexcept override {}
};

template <class N>
Graph chain_of(int n) {
  std::vector<std::shared_ptr<Node>> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back(std::make_shared<N>());
  return Graph::chain(std::move(nodes));
}

/// Seconds per (node × block), shown by Google Benchmark in its time units (ns).
void per_node_counter(benchmark::State& state, int nodes) {
  state.counters["per_node_block"] =
      benchmark::Counter(double(state.iterations()) * nodes,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_EngineOverhead(benchmark::State& state) {
  const int nodes = int(state.range(0));
  const auto frames = std::uint32_t(state.range(1));
  Engine engine(chain_of<PassNode>(nodes), {.max_block = frames, .input_channels = 2});
  AudioBuffer in(2, frames), out(2, frames);
  for (auto _ : state) engine.process(in.view(), out.view());
  per_node_counter(state, nodes);
}

void BM_GainChain(benchmark::State& state) {
  const int nodes = int(state.range(0));
  const auto frames = std::uint32_t(state.range(1));
  Engine engine(chain_of<GainNode>(nodes), {.max_block = frames, .input_channels = 2});
  AudioBuffer in(2, frames), out(2, frames);
  for (auto _ : state) engine.process(in.view(), out.view());
  per_node_counter(state, nodes);
  state.SetItemsProcessed(state.iterations() * nodes * frames * 2);
}

Graph diamond_graph(int n) {
  // Fan-out to n-2 gains, fan-in through one mix input: a real DAG.
  Graph g;
  g.add("src", std::make_shared<GainNode>());
  g.add("sum", std::make_shared<MixNode>(1));
  for (int i = 0; i < n - 2; ++i) {
    std::string id = "g";  // (not "g" + …: GCC 12 -O3 warns falsely, -Wrestrict)
    id += std::to_string(i);
    g.add(id, std::make_shared<GainNode>());
    g.connect("src", id);
    g.connect(id, "sum:0");
  }
  g.set_input({"src", ""});
  g.set_output({"sum", ""});
  return g;
}

void BM_CompileChain(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    Graph g = chain_of<GainNode>(int(state.range(0)));
    state.ResumeTiming();
    benchmark::DoNotOptimize(Compiler::compile(g, {.max_block = 512}));
  }
}

void BM_CompileDiamond(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    Graph g = diamond_graph(int(state.range(0)));
    state.ResumeTiming();
    benchmark::DoNotOptimize(Compiler::compile(g, {.max_block = 512}));
  }
}
}  // namespace

BENCHMARK(BM_EngineOverhead)->ArgsProduct({{1, 16, 256}, {32, 64, 512}});
BENCHMARK(BM_GainChain)->ArgsProduct({{1, 16, 256}, {32, 64, 512}});
BENCHMARK(BM_CompileChain)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CompileDiamond)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
