#pragma once
// Between libsndfile's interleaved frames (L R L R ...) and the engine's planar
// channels. Mono and stereo, the common cases, get loops the compiler vectorises (for
// stereo, two loads and two shuffles per eight frames); other counts walk one channel
// at a time. The generic frame-by-frame loop cost a tenth of a 10-minute stereo file
// run on its own: it reloaded the channel pointers for every sample.

#include <cstdint>
#include <cstring>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

/// Frames [0, frames) of interleaved `src` (out.num_channels per frame) into
/// out.channels[c][offset + i].
inline void deinterleave(const float* __restrict src, const AudioView& out, std::uint32_t offset,
                         std::uint32_t frames) noexcept {
  const std::uint32_t channels = out.num_channels;
  if (channels == 1) {
    std::memcpy(out.channels[0] + offset, src, frames * sizeof(float));
  } else if (channels == 2) {
    float* __restrict left = out.channels[0] + offset;
    float* __restrict right = out.channels[1] + offset;
    for (std::uint32_t i = 0; i < frames; ++i) {
      left[i] = src[2 * i];
      right[i] = src[2 * i + 1];
    }
  } else {
    for (std::uint32_t c = 0; c < channels; ++c) {
      float* __restrict dst = out.channels[c] + offset;
      for (std::uint32_t i = 0; i < frames; ++i) dst[i] = src[std::size_t(i) * channels + c];
    }
  }
}

/// Frames [0, in.num_frames) of planar `in` into interleaved `dst`.
inline void interleave(const ConstAudioView& in, float* __restrict dst) noexcept {
  const std::uint32_t channels = in.num_channels, frames = in.num_frames;
  if (channels == 1) {
    std::memcpy(dst, in.channels[0], frames * sizeof(float));
  } else if (channels == 2) {
    const float* __restrict left = in.channels[0];
    const float* __restrict right = in.channels[1];
    for (std::uint32_t i = 0; i < frames; ++i) {
      dst[2 * i] = left[i];
      dst[2 * i + 1] = right[i];
    }
  } else {
    for (std::uint32_t c = 0; c < channels; ++c) {
      const float* __restrict src = in.channels[c];
      for (std::uint32_t i = 0; i < frames; ++i) dst[std::size_t(i) * channels + c] = src[i];
    }
  }
}

}  // namespace fxgraph
