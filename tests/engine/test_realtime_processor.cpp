// RealtimeProcessor on the clock-driven NullBackend: lifecycle errors, parameters from
// another thread, stats. (The JACK tests run it against a real jackd.)
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/errors.h"
#include "engine/realtime_processor.h"
#include "io/null_backend.h"
#include "nodes/effects/normalize.h"
#include "nodes/generators/sine.h"
#include "support/eventually.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::eventually;
using fxgraph::test::make_gain;
using namespace std::chrono_literals;

TEST_CASE("starting twice or stopping when stopped raises RealtimeError with a suggestion",
          "[realtime]") {
  RealtimeProcessor rt(Graph::chain({make_gain(0.5)}), std::make_unique<NullBackend>(),
                       StreamConfig{.buffer_size = 256, .channels_in = 2, .channels_out = 2});
  REQUIRE_THROWS_WITH(rt.stop(), Contains("not running") && Contains("call start() first"));
  rt.start();
  CHECK(rt.is_running());
  REQUIRE_THROWS_AS(rt.start(), RealtimeError);
  REQUIRE_THROWS_WITH(rt.start(), Contains("already running") && Contains("call stop() first"));
  rt.stop();
  CHECK(rt.state() == StreamState::stopped);
  rt.start();  // a stopped processor starts again
  CHECK(rt.is_running());
}  // the destructor stops it

TEST_CASE("parameters set while running reach the output within a few periods", "[realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("level", make_gain(0.0));
  g.connect("tone", "level");
  g.set_output({"level", ""});
  auto backend = std::make_unique<NullBackend>();
  NullBackend& null = *backend;
  RealtimeProcessor rt(std::move(g), std::move(backend),
                       StreamConfig{.buffer_size = 256, .channels_in = 0, .channels_out = 2});
  REQUIRE_THROWS_AS(rt.set_parameter("level.gian", 1.0), ParameterError);
  rt.start();
  REQUIRE(eventually([&] { return rt.stats().blocks >= 3; }));
  rt.set_parameter("level.gain", 1.0);
  CHECK(rt.get_parameter("level.gain") == 1.0);
  const auto seen = rt.stats().blocks;
  // The ramp is 10 ms (480 frames): two periods after it the sine is at full level.
  REQUIRE(eventually([&] { return rt.stats().blocks >= seen + 6; }));
  rt.stop();
  const AudioBuffer& last = null.last_output();
  float peak = 0.0f;
  for (std::uint32_t i = 0; i < last.capacity_frames(); ++i)
    peak = std::max(peak, std::abs(last.channel(0)[i]));
  CHECK(peak > 0.4f);  // the sine's default amplitude is 0.5
  const RealtimeStats stats = rt.stats();
  CHECK(stats.dsp_load_mean > 0.0);
  CHECK(stats.dsp_load_max >= stats.dsp_load_mean);
  CHECK(rt.latency_ms() == Approx(1000.0 * 256 / 48000));
}

TEST_CASE("a live graph refuses normalize, which needs the whole signal", "[realtime]") {
  REQUIRE_THROWS_WITH(RealtimeProcessor(Graph::chain({std::make_shared<NormalizeNode>()}),
                                        std::make_unique<NullBackend>(), StreamConfig{}),
                      Contains("needs the whole signal") && Contains("fxgraph run/process"));
}
