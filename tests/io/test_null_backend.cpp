// StreamConfig, the AudioBackend state machine, and the clock-driven NullBackend.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <new>
#include <string>
#include <thread>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/stream_config.h"
#include "fxgraph/io/null_backend.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

std::string config_error(const StreamConfig& config) {
  try {
    config.validate();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// Counts calls and checks the views it is given; writes the call index to every
// output sample.
struct Recorder {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<bool> wrong_shape{false};
  std::atomic<bool> input_not_silent{false};
  std::uint32_t expect_in = 0;
  std::uint32_t expect_out = 0;
  std::uint32_t expect_frames = 0;

  static void process(void* user, const AudioView& in, const AudioView& out) noexcept {
    auto& self = *static_cast<Recorder*>(user);
    const std::uint64_t index = self.calls.load(std::memory_order_relaxed);
    if (in.num_channels != self.expect_in || out.num_channels != self.expect_out ||
        in.num_frames != self.expect_frames || out.num_frames != self.expect_frames)
      self.wrong_shape = true;
    for (std::uint32_t c = 0; c < in.num_channels; ++c)
      for (std::uint32_t i = 0; i < in.num_frames; ++i)
        if (in.channel(c)[i] != 0.0f) self.input_not_silent = true;
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      for (std::uint32_t i = 0; i < out.num_frames; ++i)
        out.channel(c)[i] = static_cast<float>(index);
    self.calls.store(index + 1, std::memory_order_release);
  }
};

void noop(void*, const AudioView&, const AudioView&) noexcept {}

}  // namespace

// ---- StreamConfig ----------------------------------------------------------------

TEST_CASE("a default StreamConfig is valid and reads as a sentence with designated initialisers",
          "[io][stream_config]") {
  StreamConfig defaults;
  CHECK_NOTHROW(defaults.validate());
  StreamConfig config{.sample_rate = 44100, .buffer_size = 256, .channels_in = 1};
  CHECK(config.sample_rate == 44100);
  CHECK(config.buffer_size == 256);
  CHECK(config.channels_in == 1);
  CHECK(config.channels_out == 2);
  CHECK(config.latency == Latency::low());
  CHECK_NOTHROW(config.validate());
}

TEST_CASE("StreamConfig validation names the field and its allowed range", "[io][stream_config]") {
  std::string message = config_error({.sample_rate = 1000});
  CHECK_THAT(message,
             Contains("sample_rate") && Contains("1000") && Contains("8000") && Contains("384000"));
  CHECK_THAT(config_error({.sample_rate = 400000}), Contains("sample_rate"));
  CHECK_THAT(config_error({.sample_rate = std::nan("")}), Contains("sample_rate"));

  message = config_error({.buffer_size = 100});
  CHECK_THAT(message, Contains("buffer_size") && Contains("100") && Contains("power of two") &&
                          Contains("16") && Contains("8192"));
  CHECK_THAT(config_error({.buffer_size = 8}), Contains("buffer_size"));
  CHECK_THAT(config_error({.buffer_size = 16384}), Contains("buffer_size"));
  CHECK_NOTHROW(StreamConfig{.buffer_size = 16}.validate());
  CHECK_NOTHROW(StreamConfig{.buffer_size = 8192}.validate());

  CHECK_THAT(config_error({.channels_in = 65}), Contains("channels_in") && Contains("64"));
  CHECK_THAT(config_error({.channels_out = 100}), Contains("channels_out") && Contains("64"));
  CHECK_THAT(config_error({.channels_in = 0, .channels_out = 0}),
             Contains("channels_in") && Contains("at least one"));

  CHECK_THAT(config_error({.latency = Latency::of_seconds(-0.5)}), Contains("latency"));
  CHECK_THAT(config_error({.latency = Latency::of_seconds(60)}), Contains("latency"));
}

TEST_CASE("StreamConfig direction follows the channel counts", "[io][stream_config]") {
  CHECK(StreamConfig{.channels_in = 2, .channels_out = 2}.direction() == StreamDirection::duplex);
  CHECK(StreamConfig{.channels_in = 1, .channels_out = 0}.direction() == StreamDirection::input);
  CHECK(StreamConfig{.channels_in = 0, .channels_out = 1}.direction() == StreamDirection::output);
  CHECK(std::string(to_string(StreamDirection::duplex)) == "duplex");
}

TEST_CASE("latency_ms is one period for low, two for high, and the seconds asked for",
          "[io][stream_config]") {
  StreamConfig config{.sample_rate = 48000, .buffer_size = 512};
  CHECK(config.latency_ms() == Approx(512.0 / 48000.0 * 1000.0));
  config.latency = Latency::high();
  CHECK(config.latency_ms() == Approx(2 * 512.0 / 48000.0 * 1000.0));
  config.latency = Latency::of_seconds(0.01);
  CHECK(config.latency_ms() == Approx(10.0));
}

TEST_CASE("Latency parses low, high and seconds, and rejects anything else",
          "[io][stream_config]") {
  CHECK(Latency::from_string("low") == Latency::low());
  CHECK(Latency::from_string("high") == Latency::high());
  CHECK(Latency::from_string("0.01") == Latency::of_seconds(0.01));
  CHECK(Latency::from_string(Latency::of_seconds(0.025).to_string()) == Latency::of_seconds(0.025));
  CHECK(Latency::high().to_string() == "high");
  for (const char* bad : {"", "fast", "-1", "0", "0.01s", "nan", "inf"})
    CHECK_THROWS_WITH(Latency::from_string(bad), Contains("latency") && Contains("low"));
}

TEST_CASE("StreamState names", "[io][stream_config]") {
  CHECK(std::string(to_string(StreamState::closed)) == "closed");
  CHECK(std::string(to_string(StreamState::open)) == "open");
  CHECK(std::string(to_string(StreamState::running)) == "running");
  CHECK(std::string(to_string(StreamState::stopped)) == "stopped");
  CHECK(std::string(to_string(StreamState::error)) == "error");
}

// ---- The backend state machine (through NullBackend) -------------------------------

TEST_CASE("a backend moves closed -> open -> running -> stopped -> running -> closed", "[io]") {
  NullBackend backend;
  Recorder recorder;
  CHECK(backend.state() == StreamState::closed);
  CHECK(backend.sample_rate() == 0);
  backend.open({.sample_rate = 48000, .buffer_size = 64}, &Recorder::process, &recorder);
  CHECK(backend.state() == StreamState::open);
  CHECK(backend.sample_rate() == 48000);
  CHECK(backend.buffer_size() == 64);
  backend.start();
  CHECK(backend.state() == StreamState::running);
  backend.start();  // running: no-op
  backend.stop();
  CHECK(backend.state() == StreamState::stopped);
  backend.start();
  CHECK(backend.state() == StreamState::running);
  backend.close();
  CHECK(backend.state() == StreamState::closed);
  backend.close();  // idempotent
  backend.stop();   // not running: no-op
  CHECK(backend.state() == StreamState::closed);
}

TEST_CASE("backend misuse throws and leaves the state unchanged", "[io]") {
  NullBackend backend;
  Recorder recorder;
  CHECK_THROWS_AS(backend.start(), StreamError);
  CHECK_THROWS_AS(backend.open({.buffer_size = 100}, &Recorder::process, &recorder), ConfigError);
  CHECK_THROWS_AS(backend.open({}, nullptr, nullptr), ConfigError);
  CHECK(backend.state() == StreamState::closed);

  backend.open({}, &Recorder::process, &recorder);
  CHECK_THROWS_WITH(backend.open({}, &Recorder::process, &recorder), Contains("close()"));
  CHECK_THROWS_AS(backend.set_hooks({}), StreamError);
  CHECK(backend.state() == StreamState::open);
  CHECK(backend.error_message().empty());
}

// ---- NullBackend ------------------------------------------------------------------

TEST_CASE("NullBackend calls the process function at about the configured rate", "[io]") {
  NullBackend backend;
  Recorder recorder;
  // 256 frames at 48 kHz: 5.33 ms per period, about 37 periods in 200 ms.
  const StreamConfig config{
      .sample_rate = 48000, .buffer_size = 256, .channels_in = 2, .channels_out = 1};
  recorder.expect_in = 2;
  recorder.expect_out = 1;
  recorder.expect_frames = 256;
  backend.open(config, &Recorder::process, &recorder);
  backend.start();
  std::this_thread::sleep_for(200ms);
  backend.stop();
  const std::uint64_t calls = recorder.calls.load();
  CHECK(calls >= 15);  // wide window: a loaded machine may be slow to wake us up
  CHECK(calls <= 60);
  CHECK(calls == backend.periods());
  CHECK_FALSE(recorder.wrong_shape);
  CHECK_FALSE(recorder.input_not_silent);
}

TEST_CASE("NullBackend stop() returns after the last call; none follow", "[io]") {
  NullBackend backend;
  Recorder recorder;
  backend.open({.sample_rate = 48000, .buffer_size = 64}, &Recorder::process, &recorder);
  backend.start();
  while (recorder.calls.load() < 5) std::this_thread::sleep_for(1ms);
  backend.stop();
  const std::uint64_t at_stop = recorder.calls.load();
  std::this_thread::sleep_for(30ms);
  CHECK(recorder.calls.load() == at_stop);
  // The output buffer is readable once stopped and holds the last block written.
  REQUIRE(backend.last_output().num_channels() == 2);
  CHECK(backend.last_output().channel(1)[63] == static_cast<float>(at_stop - 1));
}

TEST_CASE("NullBackend stops promptly even with one-second periods", "[io]") {
  NullBackend backend;
  Recorder recorder;
  backend.open({.sample_rate = 8000, .buffer_size = 8192}, &Recorder::process, &recorder);
  backend.start();
  while (recorder.calls.load() < 1) std::this_thread::sleep_for(1ms);
  const auto before = std::chrono::steady_clock::now();
  backend.stop();
  CHECK(std::chrono::steady_clock::now() - before < 500ms);
}

TEST_CASE("NullBackend as_fast_as_possible does not wait for the clock", "[io]") {
  NullBackend backend({.clock = NullClock::as_fast_as_possible});
  Recorder recorder;
  // Real time would allow one call in 100 ms (8192 frames at 8 kHz per period).
  backend.open({.sample_rate = 8000, .buffer_size = 8192, .channels_in = 0, .channels_out = 1},
               &Recorder::process, &recorder);
  backend.start();
  std::this_thread::sleep_for(100ms);
  backend.stop();
  CHECK(recorder.calls.load() > 10);
  CHECK(backend.xruns() == 0);
}

namespace {
// Counts the heap allocations the clock thread makes between the entries of its
// first and 200th call: everything the backend does around the process function
// (and the test's function itself, which allocates nothing) for 199 full periods.
struct AllocationProbe {
  static constexpr std::uint64_t last_call = 200;
  std::uint64_t calls = 0;
  std::size_t at_first = 0;
  std::atomic<std::size_t> allocations{0};
  std::atomic<bool> done{false};
  alignas(test::AllocationCounter) unsigned char storage[sizeof(test::AllocationCounter)];

  static void process(void* user, const AudioView&, const AudioView& out) noexcept {
    auto& self = *static_cast<AllocationProbe*>(user);
    ++self.calls;
    if (self.calls == 1) {
      new (self.storage) test::AllocationCounter;  // placement: no allocation; counts on
      self.at_first = test::thread_allocations();
    } else if (self.calls == last_call) {
      self.allocations = test::thread_allocations() - self.at_first;
      std::launder(reinterpret_cast<test::AllocationCounter*>(self.storage))->~AllocationCounter();
      self.done = true;
    }
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      for (std::uint32_t i = 0; i < out.num_frames; ++i) out.channel(c)[i] = 0.0f;
  }
};
}  // namespace

TEST_CASE("NullBackend's clock thread makes no heap allocations", "[io][realtime]") {
  for (NullClock clock : {NullClock::realtime, NullClock::as_fast_as_possible}) {
    NullBackend backend({.clock = clock});
    AllocationProbe probe;
    backend.open({.sample_rate = 192000, .buffer_size = 16}, &AllocationProbe::process, &probe);
    backend.start();
    for (int i = 0; i < 2000 && !probe.done; ++i) std::this_thread::sleep_for(1ms);
    backend.stop();
    REQUIRE(probe.done);
    CHECK(probe.allocations == 0);
  }
}

TEST_CASE("NullBackend reports its name, availability and its one device", "[io]") {
  NullBackend backend;
  CHECK(backend.name() == "null");
  CHECK(backend.is_available());
  CHECK(backend.devices() == std::vector<std::string>{"null"});
  backend.open({}, &noop, nullptr);
  CHECK(backend.config() == StreamConfig{});
}
