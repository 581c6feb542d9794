#pragma once
// ClipCount: how many samples written to a file were beyond full scale, and the peak.
//
// An integer file cannot hold |x| > 1: libsndfile clips such samples (SFC_SET_CLIPPING)
// and the overshoot is lost; a float file keeps them, but they clip wherever the file
// is played or converted. Either way the user should hear about it, as SoX says
// "clipped N samples". SndfileWriter counts on the thread that writes (never the audio
// thread of live code); the CLI turns the count into a warning.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace fxgraph {

struct ClipCount {
  std::uint64_t samples = 0;  ///< samples seen (frames × channels)
  std::uint64_t clipped = 0;  ///< samples with |x| > 1
  float peak = 0.0f;          ///< the largest |x| seen

  /// Counts `count` samples. A loop the compiler vectorises.
  void add(const float* data, std::size_t count) noexcept {
    std::uint64_t over = 0;
    float top = peak;
    for (std::size_t i = 0; i < count; ++i) {
      const float magnitude = std::fabs(data[i]);
      over += magnitude > 1.0f ? 1 : 0;
      top = std::max(top, magnitude);
    }
    samples += count;
    clipped += over;
    peak = top;
  }
  /// Adds another count (several outputs, several passes).
  void merge(const ClipCount& other) noexcept {
    samples += other.samples;
    clipped += other.clipped;
    peak = std::max(peak, other.peak);
  }
};

}  // namespace fxgraph
