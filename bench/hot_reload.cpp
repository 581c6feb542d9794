// What a hot reload costs the control thread (graphs/graph_reload.h): from the edited
// YAML text to the new plan queued for the audio thread, for chains of N nodes where
// one gain changes per reload (every other node kept). Loading the text is measured
// apart, since it is the same with or without reload.
#include <benchmark/benchmark.h>

#include <span>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/graph_reload.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace {

using namespace fxgraph;

/// `nodes` nodes alternating low-pass and gain; the first gain is `gain`.
std::string chain_yaml(int nodes, const std::string& gain) {
  std::string text = "chain:\n";
  for (int i = 0; i < nodes; ++i)
    text += i % 2 ? "  - { type: gain, gain: " + (i == 1 ? gain : std::string("0.9")) + " }\n"
                  : "  - { type: lowpass, cutoff: 3000 }\n";
  return text;
}

void BM_LoadYaml(benchmark::State& state) {
  const std::string text = chain_yaml(int(state.range(0)), "0.5");
  for (auto _ : state) benchmark::DoNotOptimize(load_graph_string(text));
}
BENCHMARK(BM_LoadYaml)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_ReloadSwap(benchmark::State& state) {
  const int nodes = int(state.range(0));
  const std::string texts[2] = {chain_yaml(nodes, "0.5"), chain_yaml(nodes, "0.25")};
  GraphDocument running = load_graph_string(texts[0]);
  Engine engine(running.graph, {.max_block = 64, .input_channels = 2});
  const GraphSwap swap = [&engine](Graph graph, std::span<const ParameterChange> changes) {
    engine.replace_graph(std::move(graph), changes);
  };
  int next = 1;
  for (auto _ : state) {
    state.PauseTiming();
    GraphDocument edited = load_graph_string(texts[next]);
    state.ResumeTiming();
    reload_graph(running, edited, swap);  // merge, compile, queue
    state.PauseTiming();
    running = std::move(edited);
    next = 1 - next;
    engine.process(64);  // the audio side takes the plan; the next reload frees the old
    state.ResumeTiming();
  }
}
BENCHMARK(BM_ReloadSwap)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
