// RealtimeProcessor on the clock-driven NullBackend: lifecycle errors, parameters from
// another thread, stats. (The JACK tests run it against a real jackd.)
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/register_nodes.h"
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

namespace {

/// A source whose first `slow_blocks` blocks each take at least `busy` of wall time: a
/// start-up peak in the DSP load, as page faults and cold caches give a real graph.
class SlowStartNode : public Node {
 public:
  SlowStartNode(int slow_blocks, std::chrono::microseconds busy)
      : Node("slow_start"), slow_left_(slow_blocks), busy_(busy) {
    add_output("out", 1);
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    if (slow_left_ > 0) {
      --slow_left_;
      const auto until = std::chrono::steady_clock::now() + busy_;
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    std::fill(ctx.outputs[0].channels[0], ctx.outputs[0].channels[0] + ctx.frames, 0.0f);
  }

 private:
  int slow_left_;
  std::chrono::microseconds busy_;
};

}  // namespace

TEST_CASE("take_stats gives the worst block since the previous call, without the start-up peak",
          "[realtime]") {
  Graph g;
  // 256 frames at 48 kHz are 5.33 ms: a 4.5 ms block is a load of at least 0.84.
  g.add("slow", std::make_shared<SlowStartNode>(2, 4500us));
  g.set_output({"slow", ""});
  RealtimeProcessor rt(std::move(g), std::make_unique<NullBackend>(),
                       StreamConfig{.buffer_size = 256, .channels_in = 0, .channels_out = 1});
  rt.start();
  REQUIRE(eventually([&] { return rt.stats().blocks >= 4; }));
  const RealtimeStats start_up = rt.take_stats();
  CHECK(start_up.dsp_load_max_window >= 0.84);
  CHECK(start_up.dsp_load_max_window == start_up.dsp_load_max);

  const auto seen = start_up.blocks;
  REQUIRE(eventually([&] { return rt.stats().blocks >= seen + 6; }));
  const RealtimeStats later = rt.take_stats();
  rt.stop();
  CHECK(later.dsp_load_max == start_up.dsp_load_max);               // the whole run's peak stays
  CHECK(later.dsp_load_max_window > 0.0);                           // the window saw blocks …
  CHECK(later.dsp_load_max_window < start_up.dsp_load_max_window);  // … but not the slow ones
}

TEST_CASE("a live graph refuses normalize, which needs the whole signal", "[realtime]") {
  REQUIRE_THROWS_WITH(RealtimeProcessor(Graph::chain({std::make_shared<NormalizeNode>()}),
                                        std::make_unique<NullBackend>(), StreamConfig{}),
                      Contains("needs the whole signal") && Contains("fxgraph run/process"));
}

namespace {
// Upward zero crossings of channel 0: the cycles of a sine in the buffer.
int upward_crossings(const AudioBuffer& b) {
  int count = 0;
  for (std::uint32_t i = 1; i < b.capacity_frames(); ++i)
    if (b.channel(0)[i - 1] < 0.0f && b.channel(0)[i] >= 0.0f) ++count;
  return count;
}
}  // namespace

TEST_CASE("a sample-rate change is followed: the graph is re-prepared for the new rate",
          "[realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  g.set_output({"tone", ""});
  auto backend =
      std::make_unique<NullBackend>(NullOptions{.clock = NullClock::as_fast_as_possible});
  NullBackend& null = *backend;
  RealtimeProcessor rt(
      std::move(g), std::move(backend),
      StreamConfig{.sample_rate = 48000, .buffer_size = 4096, .channels_in = 0, .channels_out = 1});
  rt.set_parameter("tone.frequency", 1000.0);
  rt.start();
  REQUIRE(eventually([&] { return rt.stats().blocks >= 3; }));
  // From this thread, while the clock thread keeps calling the processor (as JACK's
  // notification thread does).
  null.change_sample_rate(96000.0);
  CHECK(rt.state() == StreamState::running);
  const auto seen = rt.stats().blocks;
  REQUIRE(eventually([&] { return rt.stats().blocks >= seen + 3; }));
  rt.stop();
  // 4096 frames at 96 kHz hold 42.7 cycles of 1 kHz; a sine still stepping its phase for
  // 48 kHz would show twice as many.
  const int cycles = upward_crossings(null.last_output());
  CHECK(cycles >= 41);
  CHECK(cycles <= 44);
  CHECK(rt.get_parameter("tone.frequency") == 1000.0);  // values survive the rebuild
  CHECK(rt.latency_ms() == Approx(1000.0 * 4096 / 96000));
}

TEST_CASE("a graph that cannot run at the new rate leaves the processor in error, silent",
          "[realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  NodeOptions cutoff;
  cutoff.set("cutoff", 30000.0);
  NodeRegistry registry;
  register_filter_nodes(registry);
  g.add("lp", registry.create("lowpass", cutoff));
  g.connect("tone", "lp");
  g.set_output({"lp", ""});
  auto backend =
      std::make_unique<NullBackend>(NullOptions{.clock = NullClock::as_fast_as_possible});
  NullBackend& null = *backend;
  RealtimeProcessor rt(
      std::move(g), std::move(backend),
      StreamConfig{.sample_rate = 96000, .buffer_size = 512, .channels_in = 0, .channels_out = 1});
  rt.start();
  REQUIRE(eventually([&] { return rt.stats().blocks >= 3; }));
  null.change_sample_rate(48000.0);  // 30 kHz is above the new Nyquist frequency
  CHECK(rt.state() == StreamState::error);
  CHECK_THAT(rt.failure_reason(), Contains("48000 Hz") && Contains("Nyquist"));
  REQUIRE_THROWS_AS(rt.set_parameter("lp.cutoff", 1000.0), StreamError);
  REQUIRE_THROWS_WITH(rt.get_parameter("lp.cutoff"), Contains("cannot run"));
  const auto periods = null.periods();
  REQUIRE(eventually([&] { return null.periods() >= periods + 3; }));
  rt.stop();
  float peak = 0.0f;
  for (std::uint32_t i = 0; i < null.last_output().capacity_frames(); ++i)
    peak = std::max(peak, std::abs(null.last_output().channel(0)[i]));
  CHECK(peak == 0.0f);  // silence, not a graph half prepared for the new rate
}

namespace {
/// Outputs its parameter `level` on every sample: what the automation gave it.
class LevelProbe : public Node {
 public:
  LevelProbe() : Node("level_probe") {
    add_output("out", 1);
    add_parameter({.name = "level", .min = 0.0, .max = 1e6, .default_value = 0.0});
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    for (std::uint32_t i = 0; i < ctx.frames; ++i) ctx.outputs[0].channels[0][i] = float(value(0));
  }
};
}  // namespace

TEST_CASE("automation goes on where it was after a sample-rate change rebuilds the engine",
          "[realtime][automation]") {
  Graph g;
  g.add("probe", std::make_shared<LevelProbe>());
  g.set_output({"probe", ""});
  auto backend =
      std::make_unique<NullBackend>(NullOptions{.clock = NullClock::as_fast_as_possible});
  NullBackend& null = *backend;
  constexpr std::uint32_t kPeriod = 4096;
  RealtimeProcessor rt(
      std::move(g), std::move(backend),
      StreamConfig{
          .sample_rate = 48000, .buffer_size = kPeriod, .channels_in = 0, .channels_out = 1});
  // The level is the stream time in seconds (on the 32-frame grid, 0.67 ms at 48 kHz).
  rt.automate({.path = "probe.level", .points = {{0.0, 0.0}, {1e6, 1e6}}});
  rt.start();
  REQUIRE(eventually([&] { return rt.stats().blocks >= 12; }));
  rt.stop();
  const double before = rt.automation_seconds();  // the time played
  REQUIRE(before >= 12.0 * kPeriod / 48000);
  CHECK(null.last_output().channel(0)[0] == Approx(before - kPeriod / 48000.0).margin(1e-3));

  null.change_sample_rate(96000.0);  // stopped: the rebuild is done when this returns
  REQUIRE(rt.state() == StreamState::stopped);
  CHECK(rt.automation_seconds() == Approx(before).margin(1e-9));  // time carried over
  CHECK(rt.get_parameter("probe.level") == Approx(before).margin(1e-3));

  rt.start();
  const auto seen = rt.stats().blocks;
  REQUIRE(eventually([&] { return rt.stats().blocks >= seen + 6; }));
  rt.stop();
  const double after = rt.automation_seconds();
  // Six periods or more at the new rate were played on top (4096 frames are 42.7 ms).
  CHECK(after >= before + 6.0 * kPeriod / 96000 - 1e-9);
  // The last period's level follows the same curve in the stream's seconds: neither
  // lost (0) nor restarted (after − before), and moving at the new rate.
  const float* level = null.last_output().channel(0);
  CHECK(level[0] == Approx(after - kPeriod / 96000.0).margin(1e-3));
  CHECK(level[kPeriod - 1] == Approx(after - 1 / 96000.0).margin(1e-3));
}
