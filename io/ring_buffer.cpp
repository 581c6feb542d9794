#include "fxgraph/io/ring_buffer.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

MultichannelRingBuffer::MultichannelRingBuffer(std::uint32_t channels,
                                               std::uint32_t capacity_frames, OverflowPolicy policy)
    : channels_(channels), capacity_(capacity_frames), policy_(policy) {
  if (channels == 0) throw ConfigError("ring buffer: channels must be at least 1, got 0");
  if (capacity_frames == 0)
    throw ConfigError("ring buffer: capacity must be at least 1 frame, got 0");
  samples_.assign(static_cast<std::size_t>(channels) * capacity_frames, 0.0f);
}

// --- producer side ---------------------------------------------------------------

std::uint32_t MultichannelRingBuffer::available_write() const noexcept {
  const std::uint64_t w = write_count_.load(std::memory_order_relaxed);
  const std::uint64_t r = read_count_.load(std::memory_order_acquire);
  return capacity_ - static_cast<std::uint32_t>(w - r);
}

std::uint32_t MultichannelRingBuffer::write(const ConstAudioView& in) {
  check_channels(in, "write");
  if (policy_ == OverflowPolicy::throw_error) {
    // The consumer can only make more room, so room checked here is still there below.
    const std::uint32_t room = available_write();
    if (in.num_frames > room)
      throw BufferOverrunError("ring buffer overrun: asked to write " +
                               std::to_string(in.num_frames) + " frames but only " +
                               std::to_string(room) + " fit (capacity " +
                               std::to_string(capacity_) + ")");
  }
  return try_write(in);
}

std::uint32_t MultichannelRingBuffer::try_write(const ConstAudioView& in) noexcept {
  const std::uint64_t w = write_count_.load(std::memory_order_relaxed);
  const std::uint64_t r = read_count_.load(std::memory_order_acquire);
  const auto room = capacity_ - static_cast<std::uint32_t>(w - r);
  const std::uint32_t n = std::min(in.num_frames, room);
  if (n > 0) {
    copy_in(w, in, n);
    write_count_.store(w + n, std::memory_order_release);  // publish the samples
  }
  if (n < in.num_frames) overruns_.fetch_add(in.num_frames - n, std::memory_order_relaxed);
  return n;
}

// --- consumer side ---------------------------------------------------------------

std::uint32_t MultichannelRingBuffer::available_read() const noexcept {
  const std::uint64_t r = read_count_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_count_.load(std::memory_order_acquire);
  return static_cast<std::uint32_t>(w - r);
}

std::uint32_t MultichannelRingBuffer::read(const AudioView& out) {
  check_channels(out, "read");
  if (policy_ == OverflowPolicy::throw_error) {
    // The producer can only add data, so what is available here is still there below.
    const std::uint32_t have = available_read();
    if (out.num_frames > have)
      throw BufferUnderrunError("ring buffer underrun: asked to read " +
                                std::to_string(out.num_frames) + " frames but only " +
                                std::to_string(have) + " are available");
  }
  return try_read(out);
}

std::uint32_t MultichannelRingBuffer::try_read(const AudioView& out) noexcept {
  const std::uint64_t r = read_count_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_count_.load(std::memory_order_acquire);
  const std::uint32_t n = std::min(out.num_frames, static_cast<std::uint32_t>(w - r));
  if (n > 0) {
    copy_out(r, out, n);
    read_count_.store(r + n, std::memory_order_release);  // hand the slots back
  }
  if (n < out.num_frames) {
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::fill(out.channels[c] + n, out.channels[c] + out.num_frames, 0.0f);
    underruns_.fetch_add(out.num_frames - n, std::memory_order_relaxed);
  }
  return n;
}

std::uint32_t MultichannelRingBuffer::peek(const AudioView& out) const {
  check_channels(out, "peek");
  if (policy_ == OverflowPolicy::throw_error) {
    const std::uint32_t have = available_read();
    if (out.num_frames > have)
      throw BufferUnderrunError("ring buffer underrun: asked to peek " +
                                std::to_string(out.num_frames) + " frames but only " +
                                std::to_string(have) + " are available");
  }
  return try_peek(out);
}

std::uint32_t MultichannelRingBuffer::try_peek(const AudioView& out) const noexcept {
  const std::uint64_t r = read_count_.load(std::memory_order_relaxed);
  const std::uint64_t w = write_count_.load(std::memory_order_acquire);
  const std::uint32_t n = std::min(out.num_frames, static_cast<std::uint32_t>(w - r));
  if (n > 0) copy_out(r, out, n);
  for (std::uint32_t c = 0; c < out.num_channels; ++c)
    std::fill(out.channels[c] + n, out.channels[c] + out.num_frames, 0.0f);
  return n;
}

void MultichannelRingBuffer::clear() noexcept {
  // Consumer side: skipping to the producer's published count frees every slot that
  // was readable; release keeps the ordering contract of read_count_ (see the header).
  read_count_.store(write_count_.load(std::memory_order_acquire), std::memory_order_release);
}

// --- helpers ---------------------------------------------------------------------

void MultichannelRingBuffer::copy_in(std::uint64_t start, const ConstAudioView& in,
                                     std::uint32_t frames) noexcept {
  const auto pos = static_cast<std::uint32_t>(start % capacity_);
  const std::uint32_t first = std::min(frames, capacity_ - pos);  // up to the wrap point
  const std::uint32_t second = frames - first;                    // after it, from slot 0
  for (std::uint32_t c = 0; c < channels_; ++c) {
    float* ring = samples_.data() + static_cast<std::size_t>(c) * capacity_;
    if (c < in.num_channels) {
      const float* src = in.channels[c];
      std::memcpy(ring + pos, src, first * sizeof(float));
      std::memcpy(ring, src + first, second * sizeof(float));
    } else {
      std::fill(ring + pos, ring + pos + first, 0.0f);
      std::fill(ring, ring + second, 0.0f);
    }
  }
}

void MultichannelRingBuffer::copy_out(std::uint64_t start, const AudioView& out,
                                      std::uint32_t frames) const noexcept {
  const auto pos = static_cast<std::uint32_t>(start % capacity_);
  const std::uint32_t first = std::min(frames, capacity_ - pos);
  const std::uint32_t second = frames - first;
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    float* dst = out.channels[c];
    if (c < channels_) {
      const float* ring = samples_.data() + static_cast<std::size_t>(c) * capacity_;
      std::memcpy(dst, ring + pos, first * sizeof(float));
      std::memcpy(dst + first, ring, second * sizeof(float));
    } else {
      std::fill(dst, dst + frames, 0.0f);
    }
  }
}

void MultichannelRingBuffer::check_channels(const ConstAudioView& view, const char* what) const {
  if (view.num_channels != channels_)
    throw RealtimeError(std::string("ring buffer ") + what + ": the ring has " +
                        std::to_string(channels_) + " channels but the view has " +
                        std::to_string(view.num_channels));
}

}  // namespace fxgraph
