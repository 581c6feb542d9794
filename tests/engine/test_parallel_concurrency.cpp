// Parallel branches: with EngineConfig::threads > 1, the plan's steps are split into lanes
// (StepSchedule) that the audio thread and workers run together; the output is
// bit-identical to one thread whatever the timing (late workers, slow steps), a chain
// starts no worker, and the audio thread allocates nothing. Part of the concurrency tests
// that CI runs under ThreadSanitizer (the file name puts it there).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fxgraph/engine/chain_fusable.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parallel_runner.h"
#include "fxgraph/engine/step_schedule.h"
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
std::vector<float> render(Graph graph, unsigned threads, std::uint32_t frames = 6000,
                          const ThreadStarter& starter = {}) {
  Engine engine(
      std::move(graph),
      {.max_block = 512, .input_channels = 2, .threads = threads, .thread_starter = starter});
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

/// A gain that takes a different, repeatable-per-seed but irregular time per block (a busy
/// loop of up to ~20 µs), so that lanes run late or early against each other.
class JitterNode : public GainNode {
 public:
  explicit JitterNode(unsigned seed) : rng_(seed) {}
  /// Its busy loop: ~10 µs a block on average, far more than a gain.
  double cost_per_sample() const override { return 20.0; }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    GainNode::do_process(ctx);
    const unsigned spins = rng_() % 20000;
    for (unsigned i = 0; i < spins; ++i) sink_.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  std::minstd_rand rng_;
  std::atomic<unsigned> sink_{0};
};

/// `width` branches of jittering gains and three filters between a split and a sum: enough
/// work per branch (as the compiler estimates it) to be spread at render's block size. The
/// sum is a mix with a port per branch, or (`one_port`) a gain whose one input adds them all.
Graph jittery_fan(int width, bool one_port = false) {
  Graph g;
  g.add("in", test::make_gain(1.0));
  if (one_port)
    g.add("sum", test::make_gain(1.0));
  else
    g.add("sum", std::make_shared<MixNode>(std::uint32_t(width)));
  for (int b = 0; b < width; ++b) {
    const std::string id = std::to_string(b);
    g.add("j" + id, std::make_shared<JitterNode>(unsigned(b + 1)));
    std::string from = "j" + id;
    g.connect("in", from);
    for (int f = 0; f < 3; ++f) {
      const std::string filter = "f" + id + "_" + std::to_string(f);
      g.add(filter, builtin_registry().create(
                        "lowpass",
                        NodeOptions({{"cutoff", 300.0 + 500.0 * b + 50.0 * f}, {"order", 2.0}})));
      g.connect(from, filter);
      from = filter;
    }
    g.connect(from, one_port ? std::string("sum") : "sum:" + id);
  }
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("sum"));
  return g;
}

/// Starts workers through std::thread and counts them; `delay` holds each back before
/// it first looks for a block.
struct CountingStarter {
  std::shared_ptr<std::atomic<int>> started = std::make_shared<std::atomic<int>>(0);
  std::chrono::milliseconds delay{0};

  ThreadStarter starter() const {
    return [count = started, delay = delay](std::function<void()> body) {
      count->fetch_add(1);
      auto thread = std::make_shared<std::thread>([body = std::move(body), delay] {
        std::this_thread::sleep_for(delay);
        body();
      });
      return std::function<void()>([thread] { thread->join(); });
    };
  }
};

/// Whether every step is in exactly one lane, and each lane runs producers first.
bool lanes_are_valid(const StepSchedule& schedule,
                     const std::vector<std::vector<std::uint32_t>>& successors) {
  std::vector<int> seen(successors.size(), 0);
  std::vector<std::size_t> lane_of(successors.size()), position(successors.size());
  for (unsigned l = 0; l < schedule.lanes(); ++l) {
    const auto steps = schedule.lane(l);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      ++seen[steps[i]];
      lane_of[steps[i]] = l;
      position[steps[i]] = i;
    }
  }
  for (std::size_t s = 0; s < successors.size(); ++s) {
    if (seen[s] != 1) return false;
    for (std::uint32_t c : successors[s])
      if (lane_of[c] == lane_of[s] && position[c] < position[s]) return false;
  }
  return true;
}

}  // namespace

/// Whether `graph` is spread over threads when run on `threads` with render's block size.
bool spreads(Graph graph, unsigned threads) {
  return Engine(std::move(graph), {.max_block = 512, .input_channels = 2, .threads = threads})
      .runs_in_parallel();
}

TEST_CASE("random DAGs give bit-identical output on 1 and 2 and 4 threads",
          "[engine][parallel][concurrency]") {
  int spread = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    const int size = 4 + int(seed * 5 % 60);
    spread += spreads(random_dag(seed, size), 2) ? 1 : 0;
    const auto one = render(random_dag(seed, size), 1);
    CHECK(render(random_dag(seed, size), 2) == one);
    CHECK(render(random_dag(seed, size), 4) == one);
  }
  CHECK(spread >= 6);  // the larger ones, at least: the check above compares threads
}

TEST_CASE("a wide graph is scheduled in parallel and a chain falls back to one thread",
          "[engine][parallel][concurrency]") {
  Engine wide(random_dag(3, 40), {.threads = 2});
  CHECK(wide.runs_in_parallel());
  Engine chain(Graph::chain({test::make_gain(0.5), test::make_gain(2.0), test::make_gain(1.0)}),
               {.threads = 2});
  CHECK_FALSE(chain.runs_in_parallel());
  Engine single(random_dag(3, 40), {.threads = 1});
  CHECK_FALSE(single.runs_in_parallel());
}

TEST_CASE("parallel processing allocates nothing on the audio thread",
          "[engine][parallel][concurrency]") {
  Engine engine(random_dag(5, 60), {.max_block = 512, .input_channels = 2, .threads = 3});
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

TEST_CASE("threads must be at least 1", "[engine][parallel][concurrency]") {
  CHECK_THROWS_AS(Engine(random_dag(1, 4), {.threads = 0}), ConfigError);
}

TEST_CASE("a chain starts no worker thread, a graph with branches starts threads - 1",
          "[engine][parallel][concurrency]") {
  CountingStarter chain_workers;
  Engine chain(Graph::chain({test::make_gain(0.5), test::make_gain(2.0)}),
               {.threads = 4, .thread_starter = chain_workers.starter()});
  CHECK(*chain_workers.started == 0);

  CountingStarter wide_workers;
  Engine wide(jittery_fan(4),
              {.max_block = 256, .threads = 3, .thread_starter = wide_workers.starter()});
  CHECK(*wide_workers.started == 2);

  // A graph with branches swapped in later starts them then (once).
  chain.replace_graph(jittery_fan(3));
  CHECK(*chain_workers.started == 3);
  chain.replace_graph(jittery_fan(2));
  CHECK(*chain_workers.started == 3);
}

TEST_CASE("steps of irregular duration give the one-thread output on any thread count",
          "[engine][parallel][concurrency]") {
  const auto one = render(jittery_fan(5), 1, 3000);
  for (unsigned threads : {2u, 3u, 5u}) {
    INFO(threads << " threads");
    REQUIRE(spreads(jittery_fan(5), threads));
    CHECK(render(jittery_fan(5), threads, 3000) == one);
  }
}

TEST_CASE("a sum of branches into one port gives the one-thread output on any thread count",
          "[engine][parallel][concurrency]") {
  // The sum adds each branch as soon as it is done, in the gathers' order, while later
  // branches still run (Gather::awaited_step): the result must not depend on who is late.
  const auto one = render(jittery_fan(6, true), 1, 3000);
  for (unsigned threads : {2u, 3u, 4u}) {
    INFO(threads << " threads");
    REQUIRE(spreads(jittery_fan(6, true), threads));
    CHECK(render(jittery_fan(6, true), threads, 3000) == one);
  }
}

namespace {
/// Steps 0 and 1 on two lanes feed step 2, which waits for them itself. Step 1 does not
/// finish until step 2 has started (or 2 s have passed): it records which happened.
struct WaitsInside : BlockWork {
  StepSchedule schedule{
      {{2}, {2}, {}}, {1.0, 1.0, 1.0}, StepSchedule::HandOver{}, 2, {{}, {}, {0, 1}}};
  std::atomic<bool> step2_started{false};
  std::atomic<bool> step1_released{false};
  std::atomic<bool> step2_saw_both{false};
  std::atomic<bool> step2_saw_1_unfinished{false};
  std::atomic<int> done[3] = {0, 0, 0};
  std::uint32_t block = 0;  // begin_block's number
  void work(unsigned participant) noexcept override {
    schedule.work(
        participant, block,
        [](void* self, std::uint32_t step, StepSchedule::Waiter waiter) noexcept {
          auto& w = *static_cast<WaitsInside*>(self);
          if (step == 1) {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            while (!w.step2_started.load() && std::chrono::steady_clock::now() < until) {
            }
            w.step1_released = w.step2_started.load();
          } else if (step == 2) {
            // Step 1 cannot have finished: it waits for step2_started.
            w.step2_saw_1_unfinished = !waiter.finished(1);
            w.step2_started = true;
            waiter.await(0);
            waiter.await(1);
            w.step2_saw_both = w.done[0].load() == 1 && w.done[1].load() == 1 &&
                               waiter.finished(0) && waiter.finished(1);
          }
          w.done[step].fetch_add(1);
        },
        this);
  }
};
}  // namespace

TEST_CASE("a step waits for the producers it awaits itself only when it asks",
          "[engine][parallel][concurrency]") {
  WaitsInside block;
  REQUIRE(block.schedule.has_parallelism());
  REQUIRE(block.schedule.lane(0).back() == 2);
  ParallelRunner runner(2);
  block.block = block.schedule.begin_block();
  runner.run(block);
  CHECK(block.step1_released);          // step 2 began before its producer 1 had finished
  CHECK(block.step2_saw_both);          // and its Waiter returned only once both had
  CHECK(block.step2_saw_1_unfinished);  // Waiter::finished said so without waiting
  for (int s = 0; s < 3; ++s) CHECK(block.done[s] == 1);
}

TEST_CASE("the audio thread finishes blocks alone while a worker is late, output unchanged",
          "[engine][parallel][concurrency]") {
  // The worker sleeps through the first blocks: the audio thread must not wait for it
  // (it takes the worker's lane over), and the result is the same.
  CountingStarter late{.delay = std::chrono::milliseconds(30)};
  REQUIRE(spreads(random_dag(7, 40), 2));
  const auto one = render(random_dag(7, 40), 1);
  CHECK(render(random_dag(7, 40), 2, 6000, late.starter()) == one);
}

TEST_CASE("the schedule puts a chain on one lane and spreads independent branches",
          "[engine][parallel][concurrency]") {
  // 0 → 1 → 2 → 3: one lane, no parallelism.
  const std::vector<std::vector<std::uint32_t>> chain{{1}, {2}, {3}, {}};
  const StepSchedule serial(chain, {1, 1, 1, 1}, 0.5, 2);
  CHECK_FALSE(serial.has_parallelism());
  CHECK(serial.lane(0) == std::vector<std::uint32_t>{0, 1, 2, 3});
  CHECK(lanes_are_valid(serial, chain));

  // 0 fans out to four equal branches 1..4 that 5 sums: two lanes of two branches each.
  const std::vector<std::vector<std::uint32_t>> fan{{1, 2, 3, 4}, {5}, {5}, {5}, {5}, {}};
  const StepSchedule wide(fan, {1, 10, 10, 10, 10, 1}, 0.5, 2);
  CHECK(wide.has_parallelism());
  CHECK(wide.lane(0).size() + wide.lane(1).size() == 6);
  for (unsigned l = 0; l < 2; ++l) {  // two branches each; the split and the sum anywhere
    const auto steps = wide.lane(l);
    CHECK(std::count_if(steps.begin(), steps.end(), [](auto s) { return s >= 1 && s <= 4; }) == 2);
  }
  CHECK(lanes_are_valid(wide, fan));

  // A hand-over dearer than the branches: keeping them on one thread is faster.
  const StepSchedule cheap(fan, {1, 1, 1, 1, 1, 1}, 10.0, 2);
  CHECK_FALSE(cheap.has_parallelism());
}

TEST_CASE("the schedule counts data crossing cores and the workers' cost per block",
          "[engine][parallel][concurrency]") {
  // 0 fans out to four branches that 5 sums; branch outputs cost 3 to move across cores.
  const std::vector<std::vector<std::uint32_t>> fan{{1, 2, 3, 4}, {5}, {5}, {5}, {5}, {}};
  const std::vector<double> cost{1, 10, 10, 10, 10, 1};
  const std::vector<double> data{3, 3, 3, 3, 3, 3};
  // Without a data term the sum may go to either lane; with it, the sum reads two of its
  // inputs from the other lane either way, and the audio thread collects the output:
  // lane 0.
  const StepSchedule moved(fan, cost, StepSchedule::HandOver{.latency = 0.5, .data = data}, 2);
  REQUIRE(moved.has_parallelism());
  CHECK(moved.lane(0).back() == 5);
  CHECK(lanes_are_valid(moved, fan));

  // The sink of a chain split off by a cheap hand-over still ends on lane 0 when its
  // output is dear to move: 0 → 1 → 3 and 0 → 2 → 3 with 3 the sink.
  const std::vector<std::vector<std::uint32_t>> diamond{{1, 2}, {3}, {3}, {}};
  const StepSchedule sink(diamond, {1, 20, 20, 1},
                          StepSchedule::HandOver{.latency = 0.5, .data = {0, 0, 0, 100}}, 2);
  REQUIRE(sink.has_parallelism());
  CHECK(sink.lane(0).back() == 3);

  // Spreading gains 42 − 23 = 19 here: a cost per block above that keeps one lane.
  const StepSchedule worth(fan, cost, StepSchedule::HandOver{.latency = 0.5, .per_block = 15}, 2);
  CHECK(worth.has_parallelism());
  const StepSchedule not_worth(fan, cost, StepSchedule::HandOver{.latency = 0.5, .per_block = 25},
                               2);
  CHECK_FALSE(not_worth.has_parallelism());
  CHECK(not_worth.lane(0).size() == 6);
  CHECK(lanes_are_valid(not_worth, fan));
}

TEST_CASE("branches that a sum waits for itself are made in the order it reads them",
          "[engine][parallel][concurrency]") {
  // 0 fans out to four equal branches that 5 sums, reading 4 first and 1 last: each lane
  // runs its branches in that order, so the sum can add the first while the last run.
  const std::vector<std::vector<std::uint32_t>> fan{{1, 2, 3, 4}, {5}, {5}, {5}, {5}, {}};
  const std::vector<std::vector<std::uint32_t>> reads{{}, {}, {}, {}, {}, {4, 3, 2, 1}};
  const StepSchedule sum(fan, {1, 10, 10, 10, 10, 4}, StepSchedule::HandOver{.latency = 0.5}, 2,
                         reads);
  REQUIRE(sum.has_parallelism());
  for (unsigned lane = 0; lane < 2; ++lane) {
    std::vector<std::uint32_t> branches;
    for (std::uint32_t s : sum.lane(lane))
      if (s >= 1 && s <= 4) branches.push_back(s);
    INFO("lane " << lane);
    CHECK(std::is_sorted(branches.rbegin(), branches.rend()));  // 4 before 3 before …
    CHECK(branches.size() == 2);
  }
}

TEST_CASE("the schedule marks the steps whose output another lane reads, and their readers",
          "[engine][parallel][concurrency]") {
  // 0 fans out to four branches that 5 sums: the branches on lane 1 are read by the sum
  // on lane 0, those on lane 0 are not; 0 (on lane 0) feeds lane 1's branches.
  const std::vector<std::vector<std::uint32_t>> fan{{1, 2, 3, 4}, {5}, {5}, {5}, {5}, {}};
  const StepSchedule wide(fan, {1, 10, 10, 10, 10, 1},
                          StepSchedule::HandOver{.latency = 0.5, .data = {3, 3, 3, 3, 3, 3}}, 2);
  REQUIRE(wide.has_parallelism());
  REQUIRE(wide.lane(0).back() == 5);
  const auto on_lane = [&](unsigned lane, std::uint32_t step) {
    const auto steps = wide.lane(lane);
    return std::find(steps.begin(), steps.end(), step) != steps.end();
  };
  REQUIRE(on_lane(0, 0));
  CHECK(wide.read_on_other_lane(0));
  for (std::uint32_t branch = 1; branch <= 4; ++branch)
    CHECK(wide.read_on_other_lane(branch) == on_lane(1, branch));
  CHECK_FALSE(wide.read_on_other_lane(5));  // the sink on lane 0: the audio thread's own
  // Readers: a branch on the worker's lane reads the source from lane 0; the sink reads
  // those branches from the worker's lane.
  for (std::uint32_t branch = 1; branch <= 4; ++branch)
    CHECK(wide.reads_other_lane(branch) == on_lane(1, branch));
  CHECK(wide.reads_other_lane(5));
  CHECK_FALSE(wide.reads_other_lane(0));  // reads nothing

  // A sink on a worker's lane is read by the audio thread, which collects the output.
  const std::vector<std::vector<std::uint32_t>> two{{}, {}};
  const StepSchedule apart(two, {10, 10}, 0.5, 2);
  REQUIRE(apart.has_parallelism());
  CHECK(apart.read_on_other_lane(apart.lane(1).front()));
  CHECK_FALSE(apart.read_on_other_lane(apart.lane(0).front()));

  // One lane: nothing crosses.
  const StepSchedule serial(fan, {1, 10, 10, 10, 10, 1}, 0.5, 1);
  for (std::uint32_t s = 0; s < 6; ++s) {
    CHECK_FALSE(serial.read_on_other_lane(s));
    CHECK_FALSE(serial.reads_other_lane(s));
  }
}

TEST_CASE("nodes say what a sample costs them, in proportion to their work", "[engine][parallel]") {
  const auto cost = [](const std::string& type, std::map<std::string, OptionValue> options = {}) {
    return builtin_registry().create(type, NodeOptions(std::move(options)))->cost_per_sample();
  };
  const double lowpass4 = cost("lowpass", {{"order", 4.0}});
  // An IIR cascade waits on its recursion: a few more sections cost nothing more, many do.
  CHECK(cost("lowpass", {{"order", 8.0}}) == Approx(lowpass4));
  CHECK(cost("lowpass", {{"order", 16.0}}) > 1.5 * lowpass4);
  CHECK(cost("reverb") > 3 * lowpass4);
  CHECK(cost("gain") < lowpass4 / 10);
  CHECK(MixNode(4).cost_per_sample() == Approx(2 * MixNode(2).cost_per_sample()));

  // Fused into one cascade, filters share that wait: two cost less than twice one.
  const auto a = builtin_registry().create("lowpass", NodeOptions({{"order", 4.0}}));
  const auto b = builtin_registry().create("lowpass", NodeOptions({{"order", 4.0}}));
  const auto* fusable = dynamic_cast<const ChainFusable*>(a.get());
  REQUIRE(fusable != nullptr);
  Node* const chain[] = {a.get(), b.get()};
  CHECK(fusable->chain_cost_per_sample(chain) < 1.5 * lowpass4);
  CHECK(fusable->chain_cost_per_sample(chain) >= lowpass4);
}

TEST_CASE("the partition weighs nodes by their cost and the plan shows each thread's steps",
          "[engine][parallel][concurrency]") {
  // A reverb beside three filters: the reverb costs more than the three together, so it
  // gets a thread of its own (counted as one filter, as before nodes reported costs, it
  // would share a thread with one of them).
  Graph g;
  g.add("in", test::make_gain(1.0));
  g.add("verb", builtin_registry().create("reverb", NodeOptions()));
  g.add("sum", test::make_gain(1.0));
  g.connect("in", "verb");
  g.connect("verb", "sum");
  for (int f = 0; f < 3; ++f) {
    const std::string id = "f" + std::to_string(f);
    g.add(id, builtin_registry().create(
                  "lowpass", NodeOptions({{"cutoff", 500.0 + 100.0 * f}, {"order", 4.0}})));
    g.connect("in", id);
    g.connect(id, "sum");
  }
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("sum"));
  Engine engine(std::move(g), {.max_block = 512, .input_channels = 2, .threads = 2});
  REQUIRE(engine.runs_in_parallel());
  const std::string plan = engine.describe_plan();
  INFO(plan);
  std::string reverb_thread, other_thread;
  for (const std::string prefix : {"thread 0: ", "thread 1: "}) {
    const auto at = plan.find(prefix);
    REQUIRE(at != std::string::npos);
    const std::string line = plan.substr(at, plan.find('\n', at) - at);
    (line.find("verb") != std::string::npos ? reverb_thread : other_thread) = line;
  }
  REQUIRE_FALSE(reverb_thread.empty());
  CHECK(reverb_thread.find("f") == std::string::npos);
  for (int f = 0; f < 3; ++f)
    CHECK(other_thread.find("f" + std::to_string(f)) != std::string::npos);
}

TEST_CASE("schedules of random DAGs have valid lanes for 1 to 8 threads",
          "[engine][parallel][concurrency]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const std::uint32_t size = 1 + rng() % 40;
    std::vector<std::vector<std::uint32_t>> successors(size);
    std::vector<double> cost(size);
    for (std::uint32_t s = 0; s < size; ++s) {
      cost[s] = 1.0 + double(rng() % 100);
      for (std::uint32_t c = s + 1; c < size; ++c)
        if (rng() % 5 == 0) successors[s].push_back(c);
    }
    for (unsigned threads = 1; threads <= 8; ++threads) {
      const StepSchedule schedule(successors, cost, double(rng() % 50), threads);
      CHECK(schedule.lanes() == threads);
      CHECK(lanes_are_valid(schedule, successors));
      std::vector<double> data(size);
      for (double& d : data) d = double(rng() % 60);
      const StepSchedule costed(
          successors, cost,
          StepSchedule::HandOver{.latency = 20, .data = data, .per_block = double(rng() % 100)},
          threads);
      CHECK(costed.lanes() == threads);
      CHECK(lanes_are_valid(costed, successors));
    }
  }
}
