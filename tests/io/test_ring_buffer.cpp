// Specification of MultichannelRingBuffer: a lock-free SPSC ring of planar audio.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/ring_buffer.h"
#include "support/allocation_counter.h"

using fxgraph::AudioBuffer;
using fxgraph::AudioView;
using fxgraph::MultichannelRingBuffer;
using fxgraph::OverflowPolicy;

namespace {

// A buffer whose channel c, frame i holds first + i + 1000 * c: every sample is unique
// and says where it came from.
AudioBuffer ramp(std::uint32_t channels, std::uint32_t frames, float first) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      b.channel(c)[i] = first + static_cast<float>(i) + 1000.0f * static_cast<float>(c);
  return b;
}

void require_ramp(const AudioBuffer& b, std::uint32_t frames, float first) {
  for (std::uint32_t c = 0; c < b.num_channels(); ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      REQUIRE(b.channel(c)[i] == first + static_cast<float>(i) + 1000.0f * static_cast<float>(c));
}

void require_silence(const AudioBuffer& b, std::uint32_t from, std::uint32_t to) {
  for (std::uint32_t c = 0; c < b.num_channels(); ++c)
    for (std::uint32_t i = from; i < to; ++i) REQUIRE(b.channel(c)[i] == 0.0f);
}

}  // namespace

TEST_CASE("a new ring buffer is empty with its whole capacity free", "[io]") {
  MultichannelRingBuffer ring(2, 64);
  CHECK(ring.capacity() == 64);
  CHECK(ring.channels() == 2);
  CHECK(ring.policy() == OverflowPolicy::throw_error);
  CHECK(ring.available_read() == 0);
  CHECK(ring.available_write() == 64);
  CHECK(ring.overruns() == 0);
  CHECK(ring.underruns() == 0);
}

TEST_CASE("a ring buffer of zero channels or zero frames is refused", "[io]") {
  CHECK_THROWS_AS(MultichannelRingBuffer(0, 64), fxgraph::ConfigError);
  CHECK_THROWS_AS(MultichannelRingBuffer(2, 0), fxgraph::ConfigError);
}

TEST_CASE("frames read come out as they were written, across the wrap point", "[io]") {
  MultichannelRingBuffer ring(2, 10);
  AudioBuffer out(2, 10);

  // Advance the indices to 7 so the next write of 6 frames wraps (3 + 3).
  auto first = ramp(2, 7, 0.0f);
  REQUIRE(ring.write(first.view()) == 7);
  REQUIRE(ring.read(out.view(7)) == 7);
  require_ramp(out, 7, 0.0f);

  for (int round = 0; round < 5; ++round) {
    const float base = 100.0f * static_cast<float>(round + 1);
    auto in = ramp(2, 6, base);
    REQUIRE(ring.write(in.view()) == 6);
    CHECK(ring.available_read() == 6);
    CHECK(ring.available_write() == 4);
    REQUIRE(ring.read(out.view(6)) == 6);
    require_ramp(out, 6, base);
    CHECK(ring.available_read() == 0);
  }
}

TEST_CASE("the whole capacity can be filled and drained", "[io]") {
  MultichannelRingBuffer ring(3, 16);
  auto in = ramp(3, 16, 1.0f);
  AudioBuffer out(3, 16);
  REQUIRE(ring.write(in.view()) == 16);
  CHECK(ring.available_write() == 0);
  CHECK(ring.available_read() == 16);
  REQUIRE(ring.read(out.view()) == 16);
  require_ramp(out, 16, 1.0f);
}

TEST_CASE("reads may be smaller or larger than the writes that fed them", "[io]") {
  MultichannelRingBuffer ring(1, 8);
  AudioBuffer out(1, 8);
  float next_in = 0.0f;
  float next_out = 0.0f;
  for (int i = 0; i < 50; ++i) {
    const std::uint32_t w = 1 + static_cast<std::uint32_t>(i % 5);
    if (ring.available_write() >= w) {
      auto in = ramp(1, w, next_in);
      ring.write(in.view());
      next_in += static_cast<float>(w);
    }
    const std::uint32_t r = std::min<std::uint32_t>(ring.available_read(), 1 + (i * 3) % 7);
    ring.read(out.view(r));
    require_ramp(out, r, next_out);
    next_out += static_cast<float>(r);
  }
}

TEST_CASE("peek copies the oldest frames without consuming them", "[io]") {
  MultichannelRingBuffer ring(2, 8);
  AudioBuffer out(2, 8);
  // Wrap first, so the peeked frames straddle the end of the storage.
  auto pad = ramp(2, 6, 0.0f);
  ring.write(pad.view());
  ring.read(out.view(6));

  auto in = ramp(2, 5, 50.0f);
  ring.write(in.view());
  REQUIRE(ring.peek(out.view(4)) == 4);
  require_ramp(out, 4, 50.0f);
  CHECK(ring.available_read() == 5);
  REQUIRE(ring.peek(out.view(5)) == 5);
  require_ramp(out, 5, 50.0f);
  REQUIRE(ring.read(out.view(5)) == 5);
  require_ramp(out, 5, 50.0f);
  CHECK(ring.available_read() == 0);
}

TEST_CASE("clear discards every readable frame and frees the capacity", "[io]") {
  MultichannelRingBuffer ring(2, 8, OverflowPolicy::drop);
  auto in = ramp(2, 6, 1.0f);
  ring.write(in.view());
  ring.clear();
  CHECK(ring.available_read() == 0);
  CHECK(ring.available_write() == 8);

  auto next = ramp(2, 8, 500.0f);  // wraps: the indices are at 6
  REQUIRE(ring.write(next.view()) == 8);
  AudioBuffer out(2, 8);
  REQUIRE(ring.read(out.view()) == 8);
  require_ramp(out, 8, 500.0f);
  CHECK(ring.overruns() == 0);
  CHECK(ring.underruns() == 0);
}

TEST_CASE("throw_error policy: a write without room throws and writes nothing", "[io]") {
  MultichannelRingBuffer ring(1, 8, OverflowPolicy::throw_error);
  auto six = ramp(1, 6, 0.0f);
  ring.write(six.view());
  auto three = ramp(1, 3, 100.0f);
  try {
    ring.write(three.view());
    FAIL("write without room did not throw");
  } catch (const fxgraph::BufferOverrunError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("write 3 frames"));
    CHECK_THAT(message, Catch::Contains("only 2 fit"));
    CHECK_THAT(message, Catch::Contains("capacity 8"));
  }
  CHECK(ring.available_read() == 6);
  CHECK(ring.overruns() == 0);
  // The overrun error is a RealtimeError, as in torchfx.
  CHECK_THROWS_AS(ring.write(three.view()), fxgraph::RealtimeError);
}

TEST_CASE("throw_error policy: a read of too little data throws and reads nothing", "[io]") {
  MultichannelRingBuffer ring(2, 8, OverflowPolicy::throw_error);
  auto in = ramp(2, 3, 0.0f);
  ring.write(in.view());
  AudioBuffer out(2, 5);
  try {
    ring.read(out.view());
    FAIL("read of too little data did not throw");
  } catch (const fxgraph::BufferUnderrunError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("read 5 frames"));
    CHECK_THAT(message, Catch::Contains("only 3 are available"));
  }
  CHECK_THROWS_AS(ring.peek(out.view()), fxgraph::BufferUnderrunError);
  CHECK(ring.available_read() == 3);
  CHECK(ring.underruns() == 0);
}

TEST_CASE("drop policy: a write without room writes what fits and counts the rest", "[io]") {
  MultichannelRingBuffer ring(2, 8, OverflowPolicy::drop);
  auto six = ramp(2, 6, 0.0f);
  ring.write(six.view());
  auto five = ramp(2, 5, 6.0f);
  CHECK(ring.write(five.view()) == 2);
  CHECK(ring.overruns() == 3);
  CHECK(ring.available_read() == 8);

  AudioBuffer out(2, 8);
  ring.read(out.view());
  require_ramp(out, 8, 0.0f);  // the first 8 frames survive; frames 8..10 were dropped
}

TEST_CASE("drop policy: a read of too little data fills the tail with silence and counts it",
          "[io]") {
  MultichannelRingBuffer ring(2, 8, OverflowPolicy::drop);
  auto three = ramp(2, 3, 1.0f);
  ring.write(three.view());
  AudioBuffer out = ramp(2, 8, 77.0f);  // garbage that must be overwritten
  CHECK(ring.read(out.view(7)) == 3);
  require_ramp(out, 3, 1.0f);
  require_silence(out, 3, 7);
  CHECK(out.channel(0)[7] == 77.0f + 7.0f);  // beyond the view: untouched
  CHECK(ring.underruns() == 4);
  CHECK(ring.available_read() == 0);
}

TEST_CASE("drop policy: a short peek fills silence but counts no underrun", "[io]") {
  MultichannelRingBuffer ring(1, 8, OverflowPolicy::drop);
  auto two = ramp(1, 2, 1.0f);
  ring.write(two.view());
  AudioBuffer out = ramp(1, 4, 9.0f);
  CHECK(ring.peek(out.view()) == 2);
  require_ramp(out, 2, 1.0f);
  require_silence(out, 2, 4);
  CHECK(ring.underruns() == 0);
  CHECK(ring.available_read() == 2);
}

TEST_CASE("try_write and try_read never throw, even under the throw_error policy", "[io]") {
  MultichannelRingBuffer ring(1, 4, OverflowPolicy::throw_error);
  static_assert(noexcept(ring.try_write(AudioView{})));
  static_assert(noexcept(ring.try_read(AudioView{})));
  static_assert(noexcept(ring.try_peek(AudioView{})));
  auto six = ramp(1, 6, 0.0f);
  CHECK(ring.try_write(six.view()) == 4);
  CHECK(ring.overruns() == 2);
  AudioBuffer out(1, 6);
  CHECK(ring.try_read(out.view()) == 4);
  require_ramp(out, 4, 0.0f);
  require_silence(out, 4, 6);
  CHECK(ring.underruns() == 2);
}

TEST_CASE("a view with the wrong channel count is refused by write, read and peek", "[io]") {
  MultichannelRingBuffer ring(2, 8);
  AudioBuffer mono(1, 4);
  CHECK_THROWS_AS(ring.write(mono.view()), fxgraph::RealtimeError);
  CHECK_THROWS_AS(ring.read(mono.view()), fxgraph::RealtimeError);
  CHECK_THROWS_WITH(ring.peek(mono.view()), Catch::Contains("2 channels"));
}

TEST_CASE("try_* with fewer or more channels than the ring pad with silence", "[io]") {
  MultichannelRingBuffer ring(2, 8);
  auto mono = ramp(1, 4, 1.0f);
  CHECK(ring.try_write(mono.view()) == 4);  // channel 1 is written as silence
  AudioBuffer three = ramp(3, 4, 50.0f);
  CHECK(ring.try_read(three.view()) == 4);
  for (std::uint32_t i = 0; i < 4; ++i) {
    CHECK(three.channel(0)[i] == 1.0f + static_cast<float>(i));
    CHECK(three.channel(1)[i] == 0.0f);
    CHECK(three.channel(2)[i] == 0.0f);
  }
}

TEST_CASE("try_write, try_read, try_peek and clear do not allocate", "[io]") {
  MultichannelRingBuffer ring(2, 64, OverflowPolicy::drop);
  auto in = ramp(2, 48, 0.0f);
  AudioBuffer out(2, 48);
  const AudioView in_view = in.view();
  const AudioView out_view = out.view();

  fxgraph::test::AllocationCounter counter;
  for (int i = 0; i < 100; ++i) {
    ring.try_write(in_view);  // overruns on every other round
    ring.try_peek(out_view);
    ring.try_read(out_view);
    ring.try_read(out_view);  // underruns
    (void)ring.available_read();
    (void)ring.available_write();
  }
  ring.clear();
  ring.write(in_view);  // drop policy: write/read never throw, so they do not allocate either
  ring.read(out_view);
  REQUIRE(counter.count() == 0);
  CHECK(ring.underruns() > 0);
}

TEST_CASE("one producer and one consumer thread pass a million frames in order",
          "[io][concurrency]") {
  constexpr std::uint32_t channels = 2;
  constexpr std::uint64_t total = 1'000'000;
  constexpr std::uint32_t max_chunk = 300;
  MultichannelRingBuffer ring(channels, 1024, OverflowPolicy::throw_error);

  // Channel c carries (frame index + c) modulo 2^24, exactly representable as float.
  auto expected = [](std::uint64_t frame, std::uint32_t c) {
    return static_cast<float>((frame + c) % (1u << 24));
  };

  std::thread producer([&] {
    std::mt19937 rng(1);
    std::uniform_int_distribution<std::uint32_t> size(1, max_chunk);
    AudioBuffer chunk(channels, max_chunk);
    std::uint64_t next = 0;
    while (next < total) {
      const auto want =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(size(rng), total - next));
      for (std::uint32_t c = 0; c < channels; ++c)
        for (std::uint32_t i = 0; i < want; ++i) chunk.channel(c)[i] = expected(next + i, c);
      // Write what fits now; the frames that did not fit are rewritten next time.
      std::uint32_t done = 0;
      while (done < want) {
        const std::uint32_t room = std::min(ring.available_write(), want - done);
        if (room == 0) {
          std::this_thread::yield();
          continue;
        }
        float* pointers[channels];
        for (std::uint32_t c = 0; c < channels; ++c) pointers[c] = chunk.channel(c) + done;
        ring.write(AudioView{pointers, channels, room});
        done += room;
      }
      next += want;
    }
  });

  std::mt19937 rng(2);
  std::uniform_int_distribution<std::uint32_t> size(1, max_chunk);
  AudioBuffer chunk(channels, max_chunk);
  std::uint64_t next = 0;
  std::uint64_t mismatches = 0;
  while (next < total) {
    const std::uint32_t n = std::min(size(rng), ring.available_read());
    if (n == 0) {
      std::this_thread::yield();
      continue;
    }
    ring.read(chunk.view(n));
    for (std::uint32_t c = 0; c < channels; ++c)
      for (std::uint32_t i = 0; i < n; ++i)
        if (chunk.channel(c)[i] != expected(next + i, c)) ++mismatches;
    next += n;
  }
  producer.join();

  REQUIRE(mismatches == 0);
  CHECK(next == total);
  CHECK(ring.available_read() == 0);
  CHECK(ring.overruns() == 0);
  CHECK(ring.underruns() == 0);
}
