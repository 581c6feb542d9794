#pragma once
// MIDI channel messages on their way from the audio thread to a control thread.
//
// Aims
//   A MIDI input (JackBackend's `midi_in` port) is read on the audio thread, but what
//   the messages ask for — setting parameters, loading presets — is control work that
//   allocates, validates and may throw. So the audio thread only copies each message
//   into a compact MidiEvent and pushes it into a MidiEventQueue; the session's control
//   thread drains the queue and acts on the events.
//
// Threads
//   - push(), from_bytes(): the producer, the audio thread (noexcept, no allocation,
//     no lock, no system call).
//   - drain(): the consumer, one control thread.
//   - dropped(), capacity(): any thread.
//
// Does not
//   keep system messages (SysEx, clock, active sensing …): only channel voice messages
//   (note off/on, poly pressure, control change, program change, channel pressure,
//   pitch bend) are events. Nor does it keep running status: JACK delivers each
//   message with its status byte, so a message that starts with a data byte is
//   malformed and is skipped.

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace fxgraph {

/// One MIDI channel voice message, as it arrived.
struct MidiEvent {
  std::uint8_t status = 0;  ///< 0x80 … 0xEF: the kind in the high nibble, channel - 1 in the low
  std::uint8_t data1 = 0;   ///< controller, note or program number
  std::uint8_t data2 = 0;   ///< value or velocity; 0 for two-byte messages
  std::uint32_t frame = 0;  ///< offset in the period it arrived in

  /// The high nibble: 0x80 note off, 0x90 note on, 0xB0 control change, 0xC0 program …
  std::uint8_t kind() const noexcept { return status & 0xF0; }
  /// 1 … 16, as musicians count channels.
  int channel() const noexcept { return (status & 0x0F) + 1; }

  /// The event of a raw message of `size` bytes, or nullopt when it is not a complete
  /// channel voice message (a system message, a data byte first, a wrong length).
  /// Audio thread.
  static std::optional<MidiEvent> from_bytes(const std::uint8_t* bytes, std::size_t size,
                                             std::uint32_t frame) noexcept {
    if (size == 0 || bytes[0] < 0x80 || bytes[0] >= 0xF0) return std::nullopt;
    const std::uint8_t kind = bytes[0] & 0xF0;
    const std::size_t expected = kind == 0xC0 || kind == 0xD0 ? 2 : 3;
    if (size != expected) return std::nullopt;
    for (std::size_t i = 1; i < size; ++i)
      if (bytes[i] >= 0x80) return std::nullopt;
    return MidiEvent{bytes[0], bytes[1], expected == 3 ? bytes[2] : std::uint8_t{0}, frame};
  }
};

/// A bounded single-producer / single-consumer queue of MidiEvents: when the control
/// thread falls behind, new events are dropped and counted, never waited for.
class MidiEventQueue {
 public:
  static constexpr std::size_t default_capacity = 1024;

  explicit MidiEventQueue(std::size_t capacity = default_capacity)
      : events_(capacity), capacity_(capacity) {}

  /// Queues `event`; false (and counted in dropped()) when the queue is full.
  /// Audio thread.
  bool push(const MidiEvent& event) noexcept {
    if (events_.push(event)) return true;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  /// Calls `handle(const MidiEvent&)` for each queued event, oldest first; returns how
  /// many. Control thread.
  template <class Handle>
  std::size_t drain(Handle&& handle) {
    std::size_t count = 0;
    MidiEvent event;
    while (events_.pop(event)) {
      handle(event);
      ++count;
    }
    return count;
  }

  /// Events refused because the queue was full, since construction.
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  boost::lockfree::spsc_queue<MidiEvent> events_;  // sized once, at construction
  std::size_t capacity_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace fxgraph
