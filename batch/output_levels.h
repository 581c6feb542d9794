#pragma once
// OutputLevels: the peak and RMS of the audio a batch writes, measured on the writer
// thread as the chunks go by (StreamProcessor::set_output_tap), so the manifest gets
// them without reading the file again.
//
// RMS is over every sample of every channel. The sum of squares is kept in double, in
// eight independent partial sums per chunk so the loop vectorises (one running sum
// would be a chain of dependent adds): float's 24-bit mantissa would lose the small
// squares of a long, loud file.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

class OutputLevels {
 public:
  void add(const ConstAudioView& chunk) noexcept {
    for (std::uint32_t c = 0; c < chunk.num_channels; ++c) add(chunk.channel(c), chunk.num_frames);
  }

  void clear() noexcept { *this = {}; }

  double peak() const noexcept { return peak_; }
  /// sqrt(mean of the squares); 0 before any sample.
  double rms() const noexcept {
    return samples_ == 0 ? 0.0 : std::sqrt(sum_squares_ / double(samples_));
  }

 private:
  static constexpr std::size_t kLanes = 8;

  void add(const float* data, std::uint32_t count) noexcept {
    std::array<double, kLanes> sums{};
    std::array<float, kLanes> peaks{};
    std::uint32_t i = 0;
    for (; i + kLanes <= count; i += kLanes)
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const float x = data[i + lane];
        sums[lane] += double(x) * double(x);
        peaks[lane] = std::max(peaks[lane], std::fabs(x));
      }
    for (; i < count; ++i) {
      sums[0] += double(data[i]) * double(data[i]);
      peaks[0] = std::max(peaks[0], std::fabs(data[i]));
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      sum_squares_ += sums[lane];
      peak_ = std::max(peak_, double(peaks[lane]));
    }
    samples_ += count;
  }

  double sum_squares_ = 0.0;
  double peak_ = 0.0;
  std::uint64_t samples_ = 0;
};

}  // namespace fxgraph
