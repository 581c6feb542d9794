#pragma once
// A MIDI controller for tests: a JACK MIDI output port on a test client whose process
// callback writes the messages the test queued, as raw bytes (so a test can send
// malformed ones too: running status, system messages), up to `per_period` a period.
//
//   MidiSender sender(probe.client());
//   probe.activate(&MidiSender::process, &sender);
//   probe.connect(probe.full_name("midi_out"), "fxcli:midi_in");
//   sender.send({0xB0, 7, 127});                        // cc 7 = 127 on channel 1
//   REQUIRE(eventually([&] { return sender.all_sent(); }));
//
// The test thread appends (send), the process callback reads: the messages live in a
// vector reserved once, published by an atomic count, so neither side locks and the
// callback never sees a reallocation.

#include <jack/jack.h>
#include <jack/midiport.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace fxgraph::test {

class MidiSender {
 public:
  static constexpr std::size_t max_messages = 1 << 16;

  explicit MidiSender(jack_client_t* client, const char* port_name = "midi_out") {
    port_ = jack_port_register(client, port_name, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    REQUIRE(port_ != nullptr);
    messages_.reserve(max_messages);
  }

  /// Messages written per period at most (the rest wait for the next periods).
  std::size_t per_period = 16;

  /// Queues one raw message (1 to 3 bytes). Test thread.
  void send(std::initializer_list<std::uint8_t> bytes) {
    REQUIRE(messages_.size() < max_messages);
    REQUIRE((bytes.size() >= 1 && bytes.size() <= 3));
    Message m;
    std::copy(bytes.begin(), bytes.end(), m.bytes);
    m.size = std::uint8_t(bytes.size());
    messages_.push_back(m);
    published_.store(messages_.size(), std::memory_order_release);
  }
  /// Whether every queued message has been written to the port.
  bool all_sent() const {
    return sent_.load(std::memory_order_acquire) == published_.load(std::memory_order_acquire);
  }
  std::size_t sent() const { return sent_.load(std::memory_order_acquire); }

  /// JACK process callback (the client's audio thread).
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<MidiSender*>(arg);
    self.write_period(frames);
    return 0;
  }

  /// Writes this period's messages; for callbacks that do more than send.
  void write_period(jack_nframes_t frames) {
    void* buffer = jack_port_get_buffer(port_, frames);
    jack_midi_clear_buffer(buffer);
    std::size_t next = sent_.load(std::memory_order_relaxed);
    const std::size_t end = std::min(published_.load(std::memory_order_acquire), next + per_period);
    for (jack_nframes_t frame = 0; next < end; ++next) {
      const Message& m = messages_[next];
      if (jack_midi_event_write(buffer, frame, m.bytes, m.size) != 0) break;  // buffer full
      if (frame + 1 < frames) ++frame;
    }
    sent_.store(next, std::memory_order_release);
  }

 private:
  struct Message {
    std::uint8_t bytes[3] = {0, 0, 0};
    std::uint8_t size = 0;
  };
  jack_port_t* port_ = nullptr;
  std::vector<Message> messages_;
  std::atomic<std::size_t> published_{0};
  std::atomic<std::size_t> sent_{0};
};

}  // namespace fxgraph::test
