// PortAudioBackend through PortAudio's JACK host API against a private dummy jackd
// (tests/support/jack_server.h): PortAudio is then a JACK client whose ports a probe
// client feeds and reads, so audio is checked end to end. Debian's PortAudio has the
// JACK host API; a PortAudio without it makes these tests warn and pass without
// checking (nothing else here can stand in for a sound card).

#include <jack/jack.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/portaudio_backend.h"
#include "support/allocation_counter.h"
#include "support/eventually.h"
#include "support/graph_helpers.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::DefaultJackServer;
using fxgraph::test::eventually;
using fxgraph::test::LoopClient;
using namespace std::chrono_literals;

namespace {

constexpr const char* kJackHostApi = "JACK Audio Connection Kit";

bool has_jack_host_api(const PortAudioBackend& backend) {
  for (const std::string& api : backend.host_apis())
    if (api == kJackHostApi) return true;
  WARN("this PortAudio has no JACK host API (" << kJackHostApi
                                               << "); the PortAudio audio tests are skipped");
  return false;
}

/// A ProcessFn that halves its input and counts the C++ allocations on the thread that
/// calls it from its second call on (the counter is made on the first).
struct CountingHalver {
  std::unique_ptr<test::AllocationCounter> counter;
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::size_t> allocations{0};
  static void process(void* user, const AudioView& in, const AudioView& out) noexcept {
    auto& self = *static_cast<CountingHalver*>(user);
    if (!self.counter) self.counter = std::make_unique<test::AllocationCounter>();
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      for (std::uint32_t i = 0; i < out.num_frames; ++i)
        out.channels[c][i] = c < in.num_channels ? 0.5f * in.channels[c][i] : 0.0f;
    self.allocations.store(self.counter->count());
    self.calls.fetch_add(1);
  }
};

}  // namespace

TEST_CASE("PortAudio lists the JACK server as a device and finds it by name or number",
          "[portaudio][jack]") {
  test::JackServer server({.capture_ports = 2, .playback_ports = 3});
  DefaultJackServer point(server);
  PortAudioBackend backend;
  if (!has_jack_host_api(backend)) return;

  const PortAudioDevice system = backend.find_device("system");
  CHECK(system.name == "system");
  CHECK(system.host_api == kJackHostApi);
  CHECK(system.max_inputs == 2);
  CHECK(system.max_outputs == 3);
  CHECK(system.default_sample_rate == 48000.0);
  CHECK(backend.find_device(std::to_string(system.index)).name == "system");
  CHECK(backend.find_device("SYST").index == system.index);  // any case, part of the name
  const std::vector<std::string> lines = backend.devices();
  // "0: system (JACK Audio Connection Kit), 2 in, 3 out, 48000 Hz", maybe "[default …]".
  CHECK_THAT(lines.at(std::size_t(system.index)),
             StartsWith(std::to_string(system.index) +
                        ": system (JACK Audio Connection Kit), 2 in, 3 out, 48000 Hz"));

  CHECK_THAT(std::string(
                 test::thrown_by<ConfigError>([&] { backend.find_device("no such card"); }).what()),
             Contains("no PortAudio device is named like 'no such card'") &&
                 Contains("system (JACK Audio Connection Kit)"));
  CHECK_THAT(std::string(test::thrown_by<ConfigError>([&] { backend.find_device("999"); }).what()),
             Contains("no PortAudio device number 999"));
}

TEST_CASE("audio passes through PortAudio's JACK client: 1.0 in comes out halved",
          "[portaudio][jack][realtime]") {
  test::JackServer server;
  DefaultJackServer point(server);
  auto backend = std::make_unique<PortAudioBackend>(
      PortAudioOptions{.device = "system", .client_name = "fxpa"});
  if (!has_jack_host_api(*backend)) return;
  PortAudioBackend& portaudio = *backend;
  RealtimeProcessor rt(
      Graph::chain({test::make_gain(0.5)}), std::move(backend),
      StreamConfig{.sample_rate = 48000, .buffer_size = 256, .channels_in = 1, .channels_out = 1});
  rt.start();
  CHECK(portaudio.sample_rate() == 48000.0);
  CHECK(portaudio.buffer_size() == 256);
  CHECK(portaudio.device().name == "system");

  LoopClient client(server);
  REQUIRE(eventually([&] { return client.probe.ports("^fxpa:").size() == 2; }, 5000ms));
  client.connect_around("fxpa:in_0", "fxpa:out_0");
  // The dummy driver's capture ports, connected by PortAudio too, add silence.
  CHECK(eventually([&] { return client.last() == 0.5f; }, 5000ms));
  CHECK(rt.stats().blocks > 0);
  rt.set_parameter("0.gain", 2.0);
  CHECK(eventually([&] { return client.last() == 2.0f; }, 5000ms));
  rt.stop();
}

TEST_CASE("the PortAudio callback allocates nothing on its thread", "[portaudio][jack][realtime]") {
  test::JackServer server;
  DefaultJackServer point(server);
  PortAudioBackend backend(PortAudioOptions{.device = "system", .client_name = "fxalloc"});
  if (!has_jack_host_api(backend)) return;
  CountingHalver halver;
  backend.open(
      StreamConfig{.sample_rate = 48000, .buffer_size = 64, .channels_in = 2, .channels_out = 2},
      &CountingHalver::process, &halver);
  backend.start();
  CHECK(eventually([&] { return halver.calls.load() > 200; }, 5000ms));
  backend.stop();
  CHECK(halver.allocations.load() == 0);
  backend.close();
}

TEST_CASE("a PortAudio device with fewer channels than the graph is a ConfigError",
          "[portaudio][jack]") {
  test::JackServer server({.capture_ports = 1, .playback_ports = 1});
  DefaultJackServer point(server);
  PortAudioBackend backend(PortAudioOptions{.device = "system"});
  if (!has_jack_host_api(backend)) return;
  CHECK_THAT(std::string(test::thrown_by<ConfigError>([&] {
                           backend.open(StreamConfig{.channels_in = 1, .channels_out = 2},
                                        &CountingHalver::process, nullptr);
                         }).what()),
             Contains("has 1 output channels but StreamConfig.channels_out = 2"));
  CHECK(backend.state() == StreamState::closed);
}
