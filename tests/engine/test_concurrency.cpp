// Control threads and the audio thread at once. CI runs these under ThreadSanitizer
// (the "thread" sanitizer build): no race may be reported, and values arrive in order.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::make_gain;

namespace {
/// Records every value applied to its parameter, in order, into preallocated memory.
class RecorderNode : public Node {
 public:
  explicit RecorderNode(std::size_t capacity) : Node("recorder") {
    add_input("in");
    add_output("out");
    add_parameter({.name = "value", .min = 0, .max = 1e9, .default_value = 0});
    seen_.reserve(capacity);
  }
  const std::vector<double>& seen() const { return seen_; }

 protected:
  void do_process(const ProcessContext&) noexcept override {}
  void on_parameter(std::size_t, double value) noexcept override {
    if (seen_.size() < seen_.capacity()) seen_.push_back(value);
  }

 private:
  std::vector<double> seen_;
};
}  // namespace

TEST_CASE("values set from control threads arrive in order while audio runs",
          "[engine][concurrency]") {
  constexpr int kValues = 20000;
  auto recorder = std::make_shared<RecorderNode>(kValues + 1);
  Engine engine(Graph::chain({recorder, make_gain(1.0)}),
                {.max_block = 32, .input_channels = 1, .queue_capacity = 256});

  std::atomic<bool> stop{false};
  std::thread audio([&] {
    while (!stop.load(std::memory_order_acquire)) engine.process(32);
  });
  // A second control thread hammers another parameter and reads values back.
  std::thread other([&] {
    for (int i = 0; i < kValues / 4; ++i) {
      engine.set_parameter("1.gain", (i % 100) * 0.01);
      (void)engine.get_parameter("0.value");
    }
  });
  for (int i = 1; i <= kValues; ++i) engine.set_parameter("0.value", double(i));
  other.join();
  // Wait until the audio thread has applied the last value (it runs freely).
  for (int tries = 0; tries < 2000 && engine.get_parameter("0.value") != kValues; ++tries)
    std::this_thread::yield();
  engine.set_parameter("1.gain", 1.0);  // one more message: everything before it drains
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop.store(true, std::memory_order_release);
  audio.join();

  const auto& seen = recorder->seen();
  REQUIRE(seen.size() == kValues);
  for (int i = 0; i < kValues; ++i) REQUIRE(seen[std::size_t(i)] == double(i + 1));
}

TEST_CASE("graphs replaced while audio runs are swapped at block boundaries",
          "[engine][concurrency]") {
  auto first = make_gain(1.0);
  Engine engine(Graph::chain({first}), {.max_block = 16, .input_channels = 1});
  std::atomic<bool> stop{false};
  std::thread audio([&] {
    AudioBuffer in = fxgraph::test::filled(1, 16, 1.0f), out(1, 16);
    while (!stop.load(std::memory_order_acquire)) engine.process(in.view(), out.view());
  });
  // Alternate between the original node alone and it followed by a growing chain:
  // shared nodes keep running, new ones are prepared off the audio thread.
  double expected = 1.0;
  for (int i = 0; i < 200; ++i) {
    std::vector<std::shared_ptr<Node>> nodes{first};
    expected = 1.0;
    for (int k = 0; k < i % 5; ++k) {
      nodes.push_back(make_gain(0.5));
      expected *= 0.5;
    }
    engine.replace_graph(Graph::chain(nodes));
  }
  stop.store(true, std::memory_order_release);
  audio.join();

  // The last graph is the one that runs.
  AudioBuffer in = fxgraph::test::filled(1, 16, 1.0f), out(1, 16);
  engine.process(in.view(), out.view());
  CHECK(out.channel(0)[15] == Approx(expected));
  engine.collect_garbage();
}
