// JackBackend against a real JACK server: a private `jackd -d dummy` per test
// (tests/support/jack_server.h), with plain JACK clients as probes on the other end.

#include <jack/jack.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/jack_backend.h"
#include "support/allocation_counter.h"
#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::Probe;
using fxgraph::test::ramp;
using fxgraph::test::RampSource;
using namespace std::chrono_literals;

namespace {

// These tests wait at most 2 s for what JACK should do at once.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 2000ms) {
  return test::eventually(condition, timeout);
}

// Checks that what arrives on its input port is the ramp, sample for sample.
struct RampSink {
  jack_port_t* port = nullptr;
  std::atomic<std::uint64_t> good_blocks{0};  // a block equal to the ramp at some offset
  std::atomic<std::uint64_t> bad_blocks{0};   // anything else but silence
  std::atomic<std::uint64_t> gaps{0};         // a good block not continuing the last one
  float next = 0.0f;
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<RampSink*>(arg);
    const auto* in = static_cast<const float*>(jack_port_get_buffer(self.port, frames));
    if (in[0] == 0.0f) return 0;  // not connected yet
    const auto start = static_cast<std::uint64_t>(in[0]) - 1;
    for (jack_nframes_t i = 0; i < frames; ++i) {
      if (in[i] != ramp(start + i)) {
        ++self.bad_blocks;
        return 0;
      }
    }
    if (self.good_blocks > 0 && in[0] != self.next) ++self.gaps;
    self.next = ramp(start + frames);
    ++self.good_blocks;
    return 0;
  }
};

// The engine side: copies input channel c to output channel c, counts calls,
// remembers the period size it was last given.
struct Passthrough {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint32_t> last_frames{0};
  static void process(void* user, const AudioView& in, const AudioView& out) noexcept {
    auto& self = *static_cast<Passthrough*>(user);
    for (std::uint32_t c = 0; c < out.num_channels; ++c) {
      if (c < in.num_channels)
        std::memcpy(out.channel(c), in.channel(c), sizeof(float) * out.num_frames);
      else
        std::memset(out.channel(c), 0, sizeof(float) * out.num_frames);
    }
    self.last_frames.store(out.num_frames);
    self.calls.fetch_add(1);
  }
};

}  // namespace

TEST_CASE("JackBackend registers one port per channel, named <client>:in_N / out_N", "[jack]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name()});
  Passthrough engine;
  backend.open({.sample_rate = 48000, .buffer_size = 512, .channels_in = 2, .channels_out = 3},
               &Passthrough::process, &engine);
  CHECK(backend.state() == StreamState::open);
  CHECK(backend.client_name() == "fxg");
  CHECK(backend.input_ports() == std::vector<std::string>{"fxg:in_1", "fxg:in_2"});
  CHECK(backend.output_ports() == std::vector<std::string>{"fxg:out_1", "fxg:out_2", "fxg:out_3"});
  // The server's clock wins over the config's request.
  CHECK(backend.sample_rate() == 48000);
  CHECK(backend.buffer_size() == 64);

  Probe probe(server, "probe");
  CHECK(probe.ports("^fxg:in_") == std::vector<std::string>{"fxg:in_1", "fxg:in_2"});
  CHECK(probe.ports("^fxg:out_").size() == 3);
  jack_port_t* in_1 = jack_port_by_name(probe.client(), "fxg:in_1");
  REQUIRE(in_1 != nullptr);
  CHECK((jack_port_flags(in_1) & JackPortIsInput) != 0);
  CHECK(std::string(jack_port_type(in_1)) == JACK_DEFAULT_AUDIO_TYPE);

  backend.close();
  CHECK(probe.ports("^fxg:").empty());
}

TEST_CASE("JackBackend uses the port names it is given, one per channel", "[jack]") {
  test::JackServer server;
  Passthrough engine;
  JackBackend named({.client_name = "fxg",
                     .server_name = server.name(),
                     .input_port_names = {"guitar"},
                     .output_port_names = {"left", "right"}});
  named.open({.channels_in = 1, .channels_out = 2}, &Passthrough::process, &engine);
  CHECK(named.input_ports() == std::vector<std::string>{"fxg:guitar"});
  CHECK(named.output_ports() == std::vector<std::string>{"fxg:left", "fxg:right"});

  JackBackend miscounted({.server_name = server.name(), .input_port_names = {"a", "b", "c"}});
  CHECK_THROWS_WITH(
      miscounted.open({.channels_in = 2}, &Passthrough::process, &engine),
      Contains("input_port_names") && Contains("3 names") && Contains("channels_in = 2"));
  CHECK(miscounted.state() == StreamState::closed);
}

TEST_CASE("audio passes through JackBackend sample for sample, in the same period", "[jack]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name()});
  Passthrough engine;
  backend.open({.channels_in = 1, .channels_out = 1}, &Passthrough::process, &engine);
  backend.start();

  // source:out -> fxg:in_1 -> (copy) -> fxg:out_1 -> sink:in. JACK runs the three
  // clients in that order each period, so the sink sees the source's ramp unchanged.
  Probe source_client(server, "source");
  RampSource source;
  source.port = source_client.add_port("out", JackPortIsOutput);
  source_client.activate(&RampSource::process, &source);
  Probe sink_client(server, "sink");
  RampSink sink;
  sink.port = sink_client.add_port("in", JackPortIsInput);
  sink_client.activate(&RampSink::process, &sink);
  sink_client.connect(source_client.full_name("out"), "fxg:in_1");
  sink_client.connect("fxg:out_1", sink_client.full_name("in"));

  // 150 periods of 64 frames: 0.2 s.
  REQUIRE(eventually([&] { return sink.good_blocks.load() >= 150; }));
  INFO("xruns: " << backend.xruns() << ", good blocks: " << sink.good_blocks);
  CHECK(sink.bad_blocks == 0);
  // A period lost to an xrun would show as a gap; without xruns there is none.
  CHECK(sink.gaps <= backend.xruns());
  CHECK(engine.last_frames == 64);
  backend.stop();
  CHECK(backend.state() == StreamState::stopped);
  const std::uint64_t calls = engine.calls;
  std::this_thread::sleep_for(20ms);
  CHECK(engine.calls == calls);  // stop() returned: no more calls
}

TEST_CASE("auto_connect connects to the physical ports on start(), again after a restart",
          "[jack]") {
  test::JackServer server;  // the dummy driver: system:capture_1/2, system:playback_1/2
  JackBackend backend({.client_name = "fxg", .server_name = server.name(), .auto_connect = true});
  CHECK(backend.devices() == std::vector<std::string>{"system:capture_1", "system:capture_2",
                                                      "system:playback_1", "system:playback_2"});
  Passthrough engine;
  backend.open({.channels_in = 1, .channels_out = 3}, &Passthrough::process, &engine);
  Probe probe(server, "probe");
  CHECK_FALSE(probe.connected("fxg:out_1", "system:playback_1"));

  backend.start();
  CHECK(probe.connected("system:capture_1", "fxg:in_1"));
  CHECK(probe.connected("fxg:out_1", "system:playback_1"));
  CHECK(probe.connected("fxg:out_2", "system:playback_2"));
  CHECK_FALSE(probe.connected("fxg:out_1", "system:playback_2"));
  // A third output has no third playback port: it stays unconnected.
  CHECK(probe.ports("^system:playback_").size() == 2);

  backend.stop();  // JACK drops the connections of an inactive client
  CHECK_FALSE(probe.connected("fxg:out_1", "system:playback_1"));
  backend.start();
  CHECK(probe.connected("fxg:out_1", "system:playback_1"));
  CHECK(eventually([&] { return engine.calls.load() > 10; }));
}

TEST_CASE("without a JACK server open() throws BackendNotAvailableError saying how to start one",
          "[jack]") {
  test::JackTestLock lock;  // JACK clients without a JackServer: see JackTestLock
  test::prepare_jack_test_environment();
  test::QuietJack quiet;
  const std::string missing = "fxgraph-test-missing-" + std::to_string(::getpid());
  JackBackend backend({.server_name = missing});
  CHECK_FALSE(JackBackend::server_running(missing));
  CHECK_FALSE(backend.is_available());
  CHECK(backend.devices().empty());
  Passthrough engine;
  try {
    backend.open({}, &Passthrough::process, &engine);
    FAIL("open() succeeded without a server");
  } catch (const BackendNotAvailableError& e) {
    CHECK_THAT(e.what(), Contains("jackd") && Contains(missing) && Contains("-d dummy"));
  }
  CHECK(backend.state() == StreamState::closed);
  CHECK_THROWS_AS(backend.start(), StreamError);
}

TEST_CASE("a period-size change reaches the hook before the next process call", "[jack]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name()});
  std::atomic<std::uint32_t> hook_frames{0};
  std::atomic<std::uint32_t> frames_at_hook{0};
  Passthrough engine;
  backend.set_hooks({.buffer_size_changed = [&](std::uint32_t frames) {
    frames_at_hook = engine.last_frames.load();
    hook_frames = frames;
  }});
  backend.open({.channels_in = 1, .channels_out = 1}, &Passthrough::process, &engine);
  backend.start();
  REQUIRE(eventually([&] { return engine.calls.load() > 5; }));
  CHECK(hook_frames == 0);  // activation reported the size open() already knew

  Probe probe(server, "probe");
  REQUIRE(jack_set_buffer_size(probe.client(), 128) == 0);
  REQUIRE(eventually([&] { return hook_frames.load() == 128; }));
  CHECK(frames_at_hook == 64);  // the hook ran before any 128-frame period
  CHECK(backend.buffer_size() == 128);
  REQUIRE(eventually([&] { return engine.last_frames.load() == 128; }));
}

namespace {
// Counts the heap allocations JACK's process thread makes between the entries of the
// first and the 500th call of the process function: JackBackend's whole callback path
// (port buffers, views) and JACK's own cycle, for 499 periods.
struct AllocationProbe {
  static constexpr std::uint64_t last_call = 500;
  std::uint64_t calls = 0;
  std::size_t at_first = 0;
  std::atomic<std::size_t> allocations{0};
  std::atomic<bool> done{false};
  alignas(test::AllocationCounter) unsigned char storage[sizeof(test::AllocationCounter)];

  static void process(void* user, const AudioView& in, const AudioView& out) noexcept {
    auto& self = *static_cast<AllocationProbe*>(user);
    ++self.calls;
    if (self.calls == 1) {
      new (self.storage) test::AllocationCounter;  // placement: counting starts, no allocation
      self.at_first = test::thread_allocations();
    } else if (self.calls == last_call) {
      self.allocations = test::thread_allocations() - self.at_first;
      std::launder(reinterpret_cast<test::AllocationCounter*>(self.storage))->~AllocationCounter();
      self.done = true;
    }
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::memcpy(out.channel(c), in.channel(c % in.num_channels), sizeof(float) * out.num_frames);
  }
};
}  // namespace

TEST_CASE("JackBackend's process path makes no heap allocations", "[jack][realtime]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name(), .auto_connect = true});
  AllocationProbe probe;
  backend.open({.channels_in = 2, .channels_out = 2}, &AllocationProbe::process, &probe);
  backend.start();
  REQUIRE(eventually([&] { return probe.done.load(); }, 5000ms));
  CHECK(probe.allocations == 0);
}

TEST_CASE("killing the JACK server mid-run moves the state to error; stop() and close() stay safe",
          "[jack]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name()});
  std::atomic<int> shutdowns{0};
  backend.set_hooks({.shutdown = [&](std::string_view) { ++shutdowns; }});
  Passthrough engine;
  backend.open({.channels_in = 2, .channels_out = 2}, &Passthrough::process, &engine);
  backend.start();
  REQUIRE(eventually([&] { return engine.calls.load() > 10; }));

  test::QuietJack quiet;  // libjack reports the lost server loudly
  server.kill_hard();
  CHECK(eventually([&] { return backend.state() == StreamState::error; }, 2000ms));
  CHECK(shutdowns == 1);
  CHECK_THAT(backend.error_message(), Contains("JACK server"));
  CHECK_THROWS_AS(backend.start(), StreamError);

  backend.stop();
  CHECK(backend.state() == StreamState::error);
  backend.close();
  CHECK(backend.state() == StreamState::closed);
  CHECK(shutdowns == 1);
}

TEST_CASE("a server lost between open() and start() is reported as a lost server", "[jack]") {
  test::JackServer server;
  JackBackend backend({.client_name = "fxg", .server_name = server.name()});
  Passthrough engine;
  backend.open({.channels_in = 1, .channels_out = 1}, &Passthrough::process, &engine);
  test::QuietJack quiet;  // libjack reports the lost server loudly
  server.kill_hard();
  // Whether libjack noticed the shutdown first (error state) or activation fails on the
  // dead socket, the user hears the same thing.
  CHECK_THROWS_AS(backend.start(), StreamError);
  CHECK_THROWS_WITH(backend.start(), Contains("JACK server shut down"));
  CHECK(backend.state() != StreamState::running);
}
