#pragma once
// Non-owning views of planar multichannel audio, and the owning buffer that
// backs them where memory is set up (prepare/compile time, never the audio thread).
//
// Layout: planar (one contiguous run of frames per channel). Views are passed by
// value; the audio path sees views only.

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace fxgraph {

/// A view of `num_channels` channels of `num_frames` samples each.
/// `channels[c]` points to channel c's first sample. Cheap to copy; owns nothing.
/// Two flavours: AudioView (writable: node outputs, the graph output) and
/// ConstAudioView (read-only: node inputs, the graph input). A writable view converts
/// to a read-only one, never the other way, so a node cannot write to what it reads.
template <typename Sample>
struct BasicAudioView {
  Sample* const* channels = nullptr;
  std::uint32_t num_channels = 0;
  std::uint32_t num_frames = 0;

  Sample* channel(std::uint32_t c) const noexcept { return channels[c]; }
  bool empty() const noexcept { return num_channels == 0 || num_frames == 0; }

  operator BasicAudioView<const Sample>() const noexcept requires(!std::is_const_v<Sample>) {
    return {channels, num_channels, num_frames};
  }
};

using AudioView = BasicAudioView<float>;
using ConstAudioView = BasicAudioView<const float>;

/// Owning planar buffer: the channels in one allocation (padded apart, see resize),
/// plus the channel pointer table a view needs. Allocates in the constructor and in
/// resize() only.
class AudioBuffer {
 public:
  AudioBuffer() = default;
  AudioBuffer(std::uint32_t channels, std::uint32_t capacity_frames) {
    resize(channels, capacity_frames);
  }
  AudioBuffer(const AudioBuffer& other) { *this = other; }
  AudioBuffer& operator=(const AudioBuffer& other) {
    if (this != &other) {
      resize(other.channels_, other.capacity_);
      samples_ = other.samples_;
    }
    return *this;
  }
  AudioBuffer(AudioBuffer&&) noexcept = default;
  AudioBuffer& operator=(AudioBuffer&&) noexcept = default;

  /// Reallocates (not for the audio thread) and zeroes the samples.
  void resize(std::uint32_t channels, std::uint32_t capacity_frames) {
    channels_ = channels;
    capacity_ = capacity_frames;
    // Channels start 64 bytes past a multiple of 64 bytes apart, never a power of two:
    // code that walks all channels at the same frame (filters with channels in SIMD
    // lanes) would otherwise hit the same cache set in every channel (4K aliasing).
    const std::size_t stride = (static_cast<std::size_t>(capacity_frames) + 15) / 16 * 16 + 16;
    samples_.assign(static_cast<std::size_t>(channels) * stride, 0.0f);
    pointers_.resize(channels);
    for (std::uint32_t c = 0; c < channels; ++c)
      pointers_[c] = samples_.data() + static_cast<std::size_t>(c) * stride;
  }

  std::uint32_t num_channels() const noexcept { return channels_; }
  std::uint32_t capacity_frames() const noexcept { return capacity_; }
  float* channel(std::uint32_t c) noexcept { return pointers_[c]; }
  const float* channel(std::uint32_t c) const noexcept { return pointers_[c]; }

  /// A view of the first `frames` frames (frames <= capacity).
  AudioView view(std::uint32_t frames) noexcept { return {pointers_.data(), channels_, frames}; }
  AudioView view() noexcept { return view(capacity_); }

  void clear() noexcept {
    for (auto& s : samples_) s = 0.0f;
  }

 private:
  std::uint32_t channels_ = 0;
  std::uint32_t capacity_ = 0;
  std::vector<float> samples_;
  std::vector<float*> pointers_;
};

}  // namespace fxgraph
