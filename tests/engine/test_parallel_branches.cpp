// Parallel branches: with EngineConfig::threads > 1, steps whose inputs are ready run on
// worker threads and the audio thread; the output is bit-identical to one thread, a
// chain falls back to one thread, and the audio thread allocates nothing.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/allocation_counter.h"
#include "support/graph_helpers.h"

using namespace fxgraph;

namespace {

/// A random DAG of `size` nodes fed by the graph input: each node reads one or two
/// earlier nodes (or the input), filters, gains and mixes; the output sums every node
/// nobody reads. Built from one seed, so two calls give equal graphs of distinct nodes.
Graph random_dag(unsigned seed, int size) {
  std::mt19937 rng(seed);
  const NodeRegistry& registry = builtin_registry();
  Graph g;
  g.add("in", test::make_gain(1.0));
  std::vector<std::string> ids{"in"};
  std::vector<int> readers{0};
  for (int i = 0; i < size; ++i) {
    const std::string id = "n" + std::to_string(i);
    const int kind = int(rng() % 4);
    const auto pick = [&] {
      const std::size_t k = rng() % ids.size();
      ++readers[k];
      return ids[k];
    };
    if (kind == 0) {
      g.add(id, test::make_gain(0.25 + double(rng() % 100) / 100.0));
      g.connect(pick(), id);
    } else if (kind == 1) {
      g.add(id, registry.create("lowpass", NodeOptions({{"cutoff", 200.0 + double(rng() % 8000)},
                                                        {"order", 2.0 + double(rng() % 3)}})));
      g.connect(pick(), id);
    } else if (kind == 2) {
      g.add(id,
            registry.create("highpass", NodeOptions({{"cutoff", 50.0 + double(rng() % 2000)}})));
      g.connect(pick(), id);
    } else {
      g.add(id, std::make_shared<MixNode>(2));
      g.connect(pick(), id + ":0");
      g.connect(pick(), id + ":1");
    }
    ids.push_back(id);
    readers.push_back(0);
  }
  g.add("out", test::make_gain(1.0 / double(size)));
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (readers[k] == 0) g.connect(ids[k], "out");
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("out"));
  return g;
}

/// Runs stereo noise through `graph` in blocks of varying size; the output, planar.
std::vector<float> render(Graph graph, unsigned threads, std::uint32_t frames = 6000) {
  Engine engine(std::move(graph), {.max_block = 256, .input_channels = 2, .threads = threads});
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  AudioBuffer in(2, 256), out(2, 256);
  std::vector<float> result;
  for (std::uint32_t done = 0, block = 1; done < frames; block = block * 7 % 257) {
    const std::uint32_t n = std::min<std::uint32_t>(std::max(block, 1u), frames - done);
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < n; ++i) in.channel(c)[i] = dist(rng);
    engine.process(in.view(n), out.view(n));
    for (std::uint32_t c = 0; c < 2; ++c)
      result.insert(result.end(), out.channel(c), out.channel(c) + n);
    done += n;
  }
  return result;
}

}  // namespace

TEST_CASE("random DAGs give bit-identical output on 1 and 2 and 4 threads", "[engine][parallel]") {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    const int size = 4 + int(seed * 5 % 60);
    const auto one = render(random_dag(seed, size), 1);
    CHECK(render(random_dag(seed, size), 2) == one);
    CHECK(render(random_dag(seed, size), 4) == one);
  }
}

TEST_CASE("a wide graph is scheduled in parallel and a chain falls back to one thread",
          "[engine][parallel]") {
  Engine wide(random_dag(3, 20), {.threads = 2});
  CHECK(wide.runs_in_parallel());
  Engine chain(Graph::chain({test::make_gain(0.5), test::make_gain(2.0), test::make_gain(1.0)}),
               {.threads = 2});
  CHECK_FALSE(chain.runs_in_parallel());
  Engine single(random_dag(3, 20), {.threads = 1});
  CHECK_FALSE(single.runs_in_parallel());
}

TEST_CASE("parallel processing allocates nothing on the audio thread", "[engine][parallel]") {
  Engine engine(random_dag(5, 30), {.max_block = 128, .input_channels = 2, .threads = 3});
  REQUIRE(engine.runs_in_parallel());
  AudioBuffer in(2, 128), out(2, 128);
  std::size_t allocations = 0;
  for (int block = 0; block < 3000; ++block) {
    if (block % 100 == 0) engine.set_parameter("out.gain", 0.01 * (1 + block / 100));
    test::AllocationCounter counter;
    engine.process(in.view(std::uint32_t(1 + block % 128)),
                   out.view(std::uint32_t(1 + block % 128)));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}

TEST_CASE("threads must be at least 1", "[engine][parallel]") {
  CHECK_THROWS_AS(Engine(random_dag(1, 4), {.threads = 0}), ConfigError);
}
