// Hosted plugins live, on a private dummy jackd (tests/support/jack_server.h): a control
// change by path reaches the output at the next period, and control outputs (a LADSPA
// latency port) are readable while the stream runs.
#include <jack/jack.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>

#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/jack_backend.h"
#include "plugins/plugin_render.h"
#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

using namespace fxgraph;
using fxgraph::test::eventually;
using fxgraph::test::make_plugin;
using fxgraph::test::Probe;

namespace {

struct ConstantSource {
  jack_port_t* port = nullptr;
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<ConstantSource*>(arg);
    auto* out = static_cast<float*>(jack_port_get_buffer(self.port, frames));
    std::fill(out, out + frames, 0.5f);
    return 0;
  }
};

// Notes the last period's first sample, and counts periods.
struct LevelSink {
  jack_port_t* port = nullptr;
  std::atomic<float> level{0.0f};
  std::atomic<std::uint64_t> periods{0};
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<LevelSink*>(arg);
    const auto* in = static_cast<const float*>(jack_port_get_buffer(self.port, frames));
    self.level = in[frames - 1];
    ++self.periods;
    return 0;
  }
};

}  // namespace

TEST_CASE("a hosted plugin's control changes by path reach a live JACK output",
          "[plugins][jack][realtime]") {
  test::JackServer server;
  // eg-amp at 0 dB, then SWH's artificial latency (reports, does not delay).
  auto amp = make_plugin("lv2", {{"plugin", test::kEgAmp}, {"gain", 0.0}});
  auto latency =
      make_plugin("ladspa", {{"plugin", std::string("artificialLatency")}, {"delay_ms", 1.0}});
  RealtimeProcessor rt(Graph::chain({amp, latency}),
                       std::make_unique<JackBackend>(fxgraph::JackOptions{
                           .client_name = "fxg", .server_name = server.name()}),
                       StreamConfig{.channels_in = 1, .channels_out = 1});
  rt.start();
  Probe source_client(server, "source");
  ConstantSource source;
  source.port = source_client.add_port("out", JackPortIsOutput);
  source_client.activate(&ConstantSource::process, &source);
  Probe sink_client(server, "sink");
  LevelSink sink;
  sink.port = sink_client.add_port("in", JackPortIsInput);
  sink_client.activate(&LevelSink::process, &sink);
  sink_client.connect(source_client.full_name("out"), "fxg:in_1");
  sink_client.connect("fxg:out_1", sink_client.full_name("in"));

  REQUIRE(eventually([&] { return sink.level.load() == 0.5f; }));
  CHECK(rt.get_parameter("1.latency") == 48.0);  // 1 ms at 48 kHz, read live

  rt.set_parameter("0.gain", -90.0);  // eg-amp: silence
  REQUIRE(eventually([&] { return sink.level.load() == 0.0f; }));
  rt.set_parameter("1.delay_ms", 2.0);
  REQUIRE(eventually([&] { return rt.get_parameter("1.latency") == 96.0; }));
  CHECK_THROWS_AS(rt.set_parameter("0.gain", 100.0), ParameterError);
  rt.stop();
}
