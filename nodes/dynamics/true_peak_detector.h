#pragma once
// A 4× oversampling peak detector (what ITU-R BS.1770 calls true peak): the largest
// |x| of the signal between its samples, as a band-limited interpolation sees it.
//
// Each frame, a polyphase FIR computes the three points between the previous sample
// and the current one (a Kaiser-windowed sinc, 32 taps per phase, cut off at the
// input's Nyquist frequency; the fourth phase is the sample itself). The estimate for
// frame m covers the intervals on both sides of it (m-1, m+1) and is ready `delay()`
// frames later. Channels are combined (largest of all), which is what a linked
// limiter needs.

#include <array>
#include <cstdint>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::dynamics {

class TruePeakDetector {
 public:
  static constexpr std::uint32_t kFactor = 4;
  static constexpr std::uint32_t kTapsPerPhase = 32;

  TruePeakDetector();

  /// Sizes the history for `channels` (control thread; allocates).
  void prepare(std::uint32_t channels);
  /// Clears the history. Audio thread.
  void reset() noexcept;
  /// Frames by which the estimate lags the input.
  static constexpr std::uint32_t delay() noexcept { return kTapsPerPhase / 2; }

  /// Writes, for each of `frames` frames of `in`, the largest |x| over all channels of
  /// the interpolated signal between frames i - delay() - 1 and i - delay() + 1. Audio
  /// thread.
  void run(const ConstAudioView& in, std::uint32_t frames, float* peak) noexcept;

 private:
  // phase_[p][k]: tap k of fractional position (p + 1) / 4, for p = 0, 1, 2.
  std::array<std::array<float, kTapsPerPhase>, kFactor - 1> phase_{};
  // Per channel: the last kTapsPerPhase inputs twice over (a mirrored ring), so each
  // dot product reads kTapsPerPhase contiguous samples.
  std::vector<float> history_;
  std::vector<std::uint32_t> position_;
  std::vector<float> previous_;  // per channel: the last interval's peak
};

}  // namespace fxgraph::dynamics
