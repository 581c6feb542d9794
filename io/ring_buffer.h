#pragma once
// MultichannelRingBuffer: a lock-free single-producer / single-consumer ring of planar
// multichannel float audio. The C++ counterpart of torchfx's TensorRingBuffer.
//
// Aims
//   - Carry audio between exactly one producer thread and one consumer thread (e.g. a
//     file-reading thread and the audio callback, or the callback and a disk writer)
//     without locks, allocation or system calls on either side.
//   - Memory is allocated once, in the constructor. Nothing else allocates.
//
// Threads
//   - Producer side: write(), try_write(), available_write().
//   - Consumer side: read(), try_read(), peek(), try_peek(), available_read(), clear().
//   - Any thread: capacity(), channels(), policy(), overruns(), underruns().
//   Only one thread may act as producer and one as consumer at a time.
//
// Overflow
//   The OverflowPolicy chosen at construction decides what write()/read()/peek() do
//   when there is too little room or data:
//     - throw_error: nothing is transferred and BufferOverrunError / BufferUnderrunError
//       is thrown, naming the frames asked for and the frames available. For the
//       non-realtime side (file streaming, tests) where a shortfall is a bug.
//     - drop: write() writes what fits and counts the dropped frames in overruns();
//       read() reads what is there, fills the missing tail with silence and counts the
//       missing frames in underruns(). Never throws for lack of room or data.
//   try_write()/try_read()/try_peek() always behave like the drop policy, whatever the
//   policy, and are noexcept: they are the calls for the audio thread.
//
// Memory ordering
//   Two monotonically increasing 64-bit frame counters, write_count_ (owned by the
//   producer) and read_count_ (owned by the consumer); a frame's slot is count %
//   capacity. 64 bits never wrap in practice (2^64 frames is millions of years of
//   audio), so `write_count_ - read_count_` is always the number of readable frames
//   and the whole capacity is usable (no "one empty slot" rule).
//   - The producer copies samples into the free slots, then publishes them with
//     write_count_.store(release). The consumer loads write_count_ with acquire, so
//     every sample written before the store is visible before it reads the slots.
//   - Symmetrically the consumer copies samples out, then frees the slots with
//     read_count_.store(release); the producer loads read_count_ with acquire, so the
//     consumer's reads of a slot happen before the producer overwrites it.
//   - Each side reads its own counter with relaxed ordering (only it writes it).
//   - The counters sit on separate cache lines so the two threads do not false-share.
//   - overruns_/underruns_ are statistics, updated and read with relaxed ordering.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

/// What a ring buffer does when a write finds no room or a read finds too little data.
enum class OverflowPolicy {
  throw_error,  ///< throw BufferOverrunError / BufferUnderrunError, transfer nothing
  drop,  ///< write what fits (count overruns), read what is there + silence (count underruns)
};

class MultichannelRingBuffer {
 public:
  /// Allocates channels * capacity_frames floats. Throws ConfigError when either is 0.
  MultichannelRingBuffer(std::uint32_t channels, std::uint32_t capacity_frames,
                         OverflowPolicy policy = OverflowPolicy::throw_error);

  MultichannelRingBuffer(const MultichannelRingBuffer&) = delete;
  MultichannelRingBuffer& operator=(const MultichannelRingBuffer&) = delete;

  // --- producer side ---------------------------------------------------------------

  /// Writes all of `in` (in.num_channels must equal channels()). Policy throw_error:
  /// throws BufferOverrunError and writes nothing when fewer than in.num_frames frames
  /// are free. Policy drop: same as try_write(). Returns the frames written.
  /// Throws RealtimeError on a channel-count mismatch.
  std::uint32_t write(const ConstAudioView& in);

  /// Audio thread. Writes as many frames of `in` as fit and returns that number; the
  /// frames that did not fit are dropped and added to overruns(). Channels of `in`
  /// beyond channels() are ignored; missing ones are written as silence.
  std::uint32_t try_write(const ConstAudioView& in) noexcept;

  /// Audio thread (producer side). Frames that can be written now.
  std::uint32_t available_write() const noexcept;

  // --- consumer side ---------------------------------------------------------------

  /// Reads out.num_frames frames into `out` (out.num_channels must equal channels()).
  /// Policy throw_error: throws BufferUnderrunError and reads nothing when fewer frames
  /// are available. Policy drop: same as try_read(). Returns the frames read from the
  /// ring (not counting silence). Throws RealtimeError on a channel-count mismatch.
  std::uint32_t read(const AudioView& out);

  /// Audio thread. Reads up to out.num_frames frames and returns the number read; the
  /// missing tail of `out` is filled with silence and added to underruns(). Channels of
  /// `out` beyond channels() are filled with silence.
  std::uint32_t try_read(const AudioView& out) noexcept;

  /// Like read() but leaves the frames in the ring. A short peek under the drop policy
  /// fills the tail with silence but does not count an underrun (nothing was lost).
  std::uint32_t peek(const AudioView& out) const;

  /// Audio thread. Like try_read() but leaves the frames in the ring and counts nothing.
  std::uint32_t try_peek(const AudioView& out) const noexcept;

  /// Audio thread (consumer side). Frames that can be read now.
  std::uint32_t available_read() const noexcept;

  /// Audio thread, consumer side only: discards every frame readable at the time of
  /// the call (frames the producer writes concurrently may survive). To empty the ring
  /// from elsewhere, stop both threads first. Counters are kept.
  void clear() noexcept;

  // --- any thread ------------------------------------------------------------------

  std::uint32_t capacity() const noexcept { return capacity_; }
  std::uint32_t channels() const noexcept { return channels_; }
  OverflowPolicy policy() const noexcept { return policy_; }
  /// Frames dropped by writes that found no room (drop policy and try_write()).
  std::uint64_t overruns() const noexcept { return overruns_.load(std::memory_order_relaxed); }
  /// Frames read as silence because the ring ran dry (drop policy and try_read()).
  std::uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }

 private:
  // Copy `frames` frames between the ring (from frame counter `start`, wrapping) and
  // the first `frames` frames of the view; missing channels read as silence.
  void copy_out(std::uint64_t start, const AudioView& out, std::uint32_t frames) const noexcept;
  void copy_in(std::uint64_t start, const ConstAudioView& in, std::uint32_t frames) noexcept;
  void check_channels(const ConstAudioView& view, const char* what) const;

  static constexpr std::size_t cache_line = 64;

  const std::uint32_t channels_;
  const std::uint32_t capacity_;
  const OverflowPolicy policy_;
  std::vector<float> samples_;  // planar: channel c at [c * capacity_, (c + 1) * capacity_)

  alignas(cache_line) std::atomic<std::uint64_t> write_count_{0};  // producer-owned
  alignas(cache_line) std::atomic<std::uint64_t> read_count_{0};   // consumer-owned
  alignas(cache_line) std::atomic<std::uint64_t> overruns_{0};     // producer increments
  alignas(cache_line) std::atomic<std::uint64_t> underruns_{0};    // consumer increments

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "the ring buffer needs lock-free 64-bit atomics");
};

}  // namespace fxgraph
