// JackBackend's optional MIDI input against a real JACK server: a private dummy jackd
// per test, a test client sending MIDI from its process callback (support/
// jack_midi_sender.h), the events read on the audio thread into a MidiEventQueue.

#include <jack/jack.h>
#include <jack/midiport.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/jack_backend.h"
#include "fxgraph/io/midi_events.h"
#include "support/allocation_counter.h"
#include "support/eventually.h"
#include "support/jack_midi_sender.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"
#include "support/thrown.h"

using namespace fxgraph;
using fxgraph::test::eventually;
using fxgraph::test::MidiSender;
using fxgraph::test::Probe;
using namespace std::chrono_literals;

namespace {

struct Silence {
  std::atomic<std::uint64_t> calls{0};
  static void process(void* user, const AudioView&, const AudioView& out) noexcept {
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      for (std::uint32_t i = 0; i < out.num_frames; ++i) out.channel(c)[i] = 0.0f;
    static_cast<Silence*>(user)->calls.fetch_add(1);
  }
};

std::vector<MidiEvent> drain(MidiEventQueue& queue) {
  std::vector<MidiEvent> events;
  queue.drain([&](const MidiEvent& e) { events.push_back(e); });
  return events;
}

// A test client that reads its own MIDI input with JackBackend::read_midi_events on
// JACK's thread while counting that thread's allocations.
struct CountingReader {
  jack_port_t* port = nullptr;
  MidiEventQueue queue{4096};
  std::atomic<std::uint64_t> allocations{0};
  std::atomic<std::uint64_t> periods{0};
  MidiSender* sender = nullptr;  // the same client sends too
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<CountingReader*>(arg);
    self.sender->write_period(frames);
    test::AllocationCounter counter;
    JackBackend::read_midi_events(jack_port_get_buffer(self.port, frames), self.queue);
    self.allocations.fetch_add(counter.count());
    self.periods.fetch_add(1);
    return 0;
  }
};

}  // namespace

TEST_CASE(
    "JackBackend registers a MIDI input only when asked; its messages reach the queue "
    "in order, malformed and system ones skipped",
    "[jack][midi]") {
  test::JackServer server;
  Probe probe(server, "probe");
  {
    JackBackend plain({.client_name = "plain", .server_name = server.name()});
    Silence engine;
    plain.open({.channels_in = 0, .channels_out = 1}, &Silence::process, &engine);
    CHECK(plain.midi_input().empty());
    CHECK(probe.ports("^plain:midi").empty());
  }

  MidiEventQueue queue;
  JackBackend backend({.client_name = "fxg",
                       .server_name = server.name(),
                       .midi_input_port = "midi_in",
                       .midi_events = &queue});
  Silence engine;
  backend.open({.channels_in = 0, .channels_out = 1}, &Silence::process, &engine);
  CHECK(backend.midi_input() == "fxg:midi_in");
  jack_port_t* port = jack_port_by_name(probe.client(), "fxg:midi_in");
  REQUIRE(port != nullptr);
  CHECK(std::string(jack_port_type(port)) == JACK_DEFAULT_MIDI_TYPE);
  CHECK((jack_port_flags(port) & JackPortIsInput) != 0);
  backend.start();

  MidiSender sender(probe.client());
  probe.activate(&MidiSender::process, &sender);
  probe.connect(probe.full_name("midi_out"), "fxg:midi_in");
  sender.send({0xB0, 7, 0});     // cc 7 = 0, channel 1
  sender.send({7, 64});          // running status: no status byte, skipped
  sender.send({0xF8});           // clock, skipped
  sender.send({0x9F, 60, 100});  // note on, channel 16
  sender.send({0xB2, 74});       // cut short, skipped
  sender.send({0xC3, 5});        // program 5, channel 4
  sender.send({0x80, 60, 0});    // note off, channel 1
  REQUIRE(eventually([&] { return sender.all_sent(); }, 3000ms));
  std::vector<MidiEvent> events;
  REQUIRE(eventually([&] {
    for (const MidiEvent& e : drain(queue)) events.push_back(e);
    return events.size() >= 4;
  }));
  REQUIRE(events.size() == 4);
  CHECK((events[0].status == 0xB0 && events[0].data1 == 7 && events[0].data2 == 0));
  CHECK((events[1].kind() == 0x90 && events[1].channel() == 16 && events[1].data2 == 100));
  CHECK((events[2].kind() == 0xC0 && events[2].channel() == 4 && events[2].data1 == 5));
  CHECK((events[3].status == 0x80 && events[3].data1 == 60));
  CHECK(queue.dropped() == 0);
  backend.close();
}

TEST_CASE("a MIDI flood fills the queue, drops and counts the rest; the audio goes on",
          "[jack][midi]") {
  test::JackServer server;
  MidiEventQueue queue(64);
  JackBackend backend({.client_name = "fxg",
                       .server_name = server.name(),
                       .midi_input_port = "midi_in",
                       .midi_events = &queue});
  Silence engine;
  backend.open({.channels_in = 0, .channels_out = 1}, &Silence::process, &engine);
  backend.start();
  Probe probe(server, "probe");
  MidiSender sender(probe.client());
  sender.per_period = 1000;
  probe.activate(&MidiSender::process, &sender);
  probe.connect(probe.full_name("midi_out"), "fxg:midi_in");
  constexpr int kFlood = 20000;
  for (int i = 0; i < kFlood; ++i) sender.send({0xB0, std::uint8_t(i % 128), 1});
  REQUIRE(eventually([&] { return sender.all_sent(); }, 5000ms));
  const std::uint64_t calls = engine.calls.load();
  REQUIRE(eventually([&] { return engine.calls.load() > calls + 10; }));  // still playing
  // Nothing drained during the flood: exactly the queue's capacity got in.
  CHECK(queue.dropped() == kFlood - 64);
  CHECK(drain(queue).size() == 64);
  backend.close();
}

TEST_CASE("reading a JACK MIDI buffer into the queue allocates nothing on the audio thread",
          "[jack][midi][realtime]") {
  test::JackServer server;
  Probe probe(server, "probe");
  MidiSender sender(probe.client());
  sender.per_period = 64;
  CountingReader reader;
  reader.sender = &sender;
  reader.port =
      jack_port_register(probe.client(), "midi_in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  REQUIRE(reader.port != nullptr);
  probe.activate(&CountingReader::process, &reader);
  probe.connect(probe.full_name("midi_out"), probe.full_name("midi_in"));
  for (int i = 0; i < 2000; ++i) sender.send({0xB5, 1, std::uint8_t(i % 128)});
  REQUIRE(eventually([&] { return sender.all_sent(); }, 5000ms));
  const std::uint64_t periods = reader.periods.load();
  REQUIRE(eventually([&] { return reader.periods.load() > periods + 2; }));
  std::size_t received = 0;
  reader.queue.drain([&](const MidiEvent&) { ++received; });
  CHECK(received == 2000);
  CHECK(reader.allocations.load() == 0);
}
