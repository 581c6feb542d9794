// What a MIDI input costs the audio thread per message: MidiEvent::from_bytes and
// MidiEventQueue::push, as JackBackend::read_midi_events does for each message of a
// period (the JACK buffer walk itself is libjack's), and the same when the queue is full
// (a flood: every push is a counted drop).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "fxgraph/io/midi_events.h"

using namespace fxgraph;

namespace {

// A period's worth of controller messages taken in, then drained as the control thread
// does (here on the same thread; the drain is timed too, a bound on the pair).
void BM_MidiIngest(benchmark::State& state) {
  const auto per_period = std::size_t(state.range(0));
  MidiEventQueue queue(MidiEventQueue::default_capacity);
  std::uint8_t message[3] = {0xB0, 7, 0};
  for (auto _ : state) {
    for (std::size_t i = 0; i < per_period; ++i) {
      message[2] = std::uint8_t(i & 0x7F);
      if (const auto event = MidiEvent::from_bytes(message, 3, std::uint32_t(i)))
        queue.push(*event);
    }
    queue.drain([](const MidiEvent& e) { benchmark::DoNotOptimize(e.data2); });
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(per_period));
}
BENCHMARK(BM_MidiIngest)->Arg(1)->Arg(16)->Arg(256);

// The queue full: each message is parsed, refused and counted.
void BM_MidiIngestFlood(benchmark::State& state) {
  MidiEventQueue queue(64);
  const std::uint8_t message[3] = {0xB0, 7, 100};
  while (queue.push(MidiEvent{0xB0, 7, 100, 0})) {
  }
  for (auto _ : state) {
    if (const auto event = MidiEvent::from_bytes(message, 3, 0)) queue.push(*event);
  }
  benchmark::DoNotOptimize(queue.dropped());
  state.SetItemsProcessed(std::int64_t(state.iterations()));
}
BENCHMARK(BM_MidiIngestFlood);

}  // namespace
