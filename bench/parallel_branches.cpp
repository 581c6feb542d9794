// Parallel branches (EngineConfig::threads): one block of a wide graph on 1 and 2
// threads, at 64, 256 and 4096 frames, and a chain (which falls back to one thread).
//
//   BM_Crossover:  a 4-way crossover, a reverb on each band, the bands mixed again.
//   BM_FilterBank: 16 band-passes side by side (4th-order high-pass then low-pass), summed.
//   BM_RandomDag:  64 nodes (filters, gains, two-input mixes) wired at random.
//   BM_Chain:      16 filters in a row: no parallelism, so threads must cost nothing.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/effects/gain.h"
#include "fxgraph/nodes/routing/mix.h"

using namespace fxgraph;

namespace {

std::shared_ptr<Node> make(const std::string& type, std::map<std::string, OptionValue> options) {
  return builtin_registry().create(type, NodeOptions(std::move(options)));
}

Graph crossover() {
  Graph g;
  g.add("in", std::make_shared<GainNode>());
  g.add("sum", std::make_shared<MixNode>(4));
  const double edges[] = {250.0, 1000.0, 4000.0};
  for (int band = 0; band < 4; ++band) {
    const std::string b = std::to_string(band);
    std::string from = "in";
    if (band > 0) {
      g.add("hp" + b, make("linkwitz_riley_high", {{"cutoff", edges[band - 1]}, {"order", 4.0}}));
      g.connect(from, "hp" + b);
      from = "hp" + b;
    }
    if (band < 3) {
      g.add("lp" + b, make("linkwitz_riley_low", {{"cutoff", edges[band]}, {"order", 4.0}}));
      g.connect(from, "lp" + b);
      from = "lp" + b;
    }
    g.add("verb" + b, make("reverb", {}));
    g.connect(from, "verb" + b);
    g.connect("verb" + b, "sum:" + b);
  }
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("sum"));
  return g;
}

Graph filter_bank() {
  Graph g;
  g.add("in", std::make_shared<GainNode>());
  g.add("sum", std::make_shared<GainNode>());
  for (int band = 0; band < 16; ++band) {
    const double low = 40.0 * std::pow(2.0, band * 0.55);
    const std::string id = std::to_string(band);
    g.add("hp" + id, make("highpass", {{"cutoff", low}, {"order", 4.0}}));
    g.add("lp" + id, make("lowpass", {{"cutoff", low * 1.4}, {"order", 4.0}}));
    g.connect("in", "hp" + id);
    g.connect("hp" + id, "lp" + id);
    g.connect("lp" + id, "sum");
  }
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("sum"));
  return g;
}

Graph random_dag(int size) {
  std::mt19937 rng(64);
  Graph g;
  g.add("in", std::make_shared<GainNode>());
  std::vector<std::string> ids{"in"};
  std::vector<int> readers{0};
  const auto pick = [&] {
    const std::size_t k = rng() % ids.size();
    ++readers[k];
    return ids[k];
  };
  for (int i = 0; i < size; ++i) {
    const std::string id = "n" + std::to_string(i);
    if (rng() % 3 == 0) {
      g.add(id, std::make_shared<MixNode>(2));
      g.connect(pick(), id + ":0");
      g.connect(pick(), id + ":1");
    } else {
      g.add(id, make("lowpass", {{"cutoff", 200.0 + double(rng() % 8000)}, {"order", 4.0}}));
      g.connect(pick(), id);
    }
    ids.push_back(id);
    readers.push_back(0);
  }
  g.add("out", std::make_shared<GainNode>());
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (readers[k] == 0) g.connect(ids[k], "out");
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("out"));
  return g;
}

Graph chain() {
  std::vector<std::shared_ptr<Node>> nodes;
  for (int i = 0; i < 16; ++i)
    nodes.push_back(make("lowpass", {{"cutoff", 1000.0 + 100.0 * i}, {"order", 4.0}}));
  return Graph::chain(std::move(nodes));
}

void run(benchmark::State& state, Graph graph) {
  const auto frames = std::uint32_t(state.range(0));
  const auto threads = unsigned(state.range(1));
  Engine engine(std::move(graph), {.max_block = frames, .input_channels = 2, .threads = threads});
  AudioBuffer in(2, frames), out(2, frames);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) in.channel(c)[i] = float((i * 7 + c) % 13) / 13.0f;
  for (auto _ : state) {
    engine.process(in.view(), out.view());
    benchmark::DoNotOptimize(out.channel(0)[0]);
  }
  state.SetItemsProcessed(state.iterations() * frames);  // frames per second
  state.counters["parallel"] = engine.runs_in_parallel() ? 1 : 0;
}

void BM_Crossover(benchmark::State& state) {
  run(state, crossover());
}
void BM_FilterBank(benchmark::State& state) {
  run(state, filter_bank());
}
void BM_RandomDag(benchmark::State& state) {
  run(state, random_dag(64));
}
void BM_Chain(benchmark::State& state) {
  run(state, chain());
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int frames : {64, 256, 4096})
    for (int threads : {1, 2}) b->Args({frames, threads});
  // Real time per block; CPU time of the whole process (every thread), so the cost of
  // the hand-overs shows even where a loaded machine hides the gain in real time.
  b->ArgNames({"frames", "threads"})->UseRealTime()->MeasureProcessCPUTime();
}

}  // namespace

BENCHMARK(BM_Crossover)->Apply(sizes);
BENCHMARK(BM_FilterBank)->Apply(sizes);
BENCHMARK(BM_RandomDag)->Apply(sizes);
BENCHMARK(BM_Chain)->Apply(sizes);
