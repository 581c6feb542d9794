// RealtimeProcessor under ThreadSanitizer (.ci/run builds the *concurrency* tests with
// it): sample-rate changes rebuild the engine on one thread while the clock thread
// processes and a control thread sets parameters.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/nodes/generators/sine.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::make_gain;

TEST_CASE("sample-rate changes, parameter changes and processing run concurrently",
          "[concurrency][realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("level", make_gain(0.5));
  g.connect("tone", "level");
  g.set_output({"level", ""});
  auto backend =
      std::make_unique<NullBackend>(NullOptions{.clock = NullClock::as_fast_as_possible});
  NullBackend& null = *backend;
  RealtimeProcessor rt(std::move(g), std::move(backend),
                       StreamConfig{.buffer_size = 128, .channels_in = 0, .channels_out = 2});
  rt.start();

  std::atomic<bool> done{false};
  std::thread control([&] {
    for (int i = 0; !done.load(); ++i) {
      rt.set_parameter("level.gain", (i % 10) / 10.0);
      (void)rt.get_parameter("tone.frequency");
      (void)rt.parameters();
    }
  });
  for (int i = 0; i < 40; ++i) {
    const auto blocks = rt.stats().blocks;
    null.change_sample_rate(i % 2 == 0 ? 96000.0 : 44100.0);
    while (rt.stats().blocks < blocks + 2) std::this_thread::yield();
  }
  done.store(true);
  control.join();
  CHECK(rt.state() == StreamState::running);
  rt.stop();
  CHECK(null.sample_rate() == 44100.0);
}
