#include "fxgraph/nodes/dynamics/true_peak_detector.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fxgraph::dynamics {

namespace {

/// The zeroth-order modified Bessel function of the first kind (Kaiser window).
double bessel_i0(double x) {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

constexpr double kKaiserBeta = 7.0;

}  // namespace

TruePeakDetector::TruePeakDetector() {
  // A windowed sinc sampled at the points t = (tap - centre) + fraction: the phases
  // of one 4×-rate low-pass, each normalised to unity gain at DC so a constant
  // interpolates to itself.
  constexpr double centre = double(kTapsPerPhase) / 2.0 - 1.0;
  const double half_width = double(kTapsPerPhase) / 2.0;
  for (std::uint32_t p = 0; p < kFactor - 1; ++p) {
    const double fraction = double(p + 1) / kFactor;
    double sum = 0.0;
    std::array<double, kTapsPerPhase> taps{};
    for (std::uint32_t k = 0; k < kTapsPerPhase; ++k) {
      // Tap k weighs history sample (oldest first) k, at distance t from the point.
      const double t = double(k) - centre - fraction;
      const double sinc = std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
      const double r = t / half_width;
      const double window =
          r * r < 1.0 ? bessel_i0(kKaiserBeta * std::sqrt(1.0 - r * r)) / bessel_i0(kKaiserBeta)
                      : 0.0;
      taps[k] = sinc * window;
      sum += taps[k];
    }
    for (std::uint32_t k = 0; k < kTapsPerPhase; ++k) phase_[p][k] = float(taps[k] / sum);
  }
}

void TruePeakDetector::prepare(std::uint32_t channels) {
  history_.assign(std::size_t(channels) * 2 * kTapsPerPhase, 0.0f);
  position_.assign(channels, 0);
  previous_.assign(channels, 0.0f);
}

void TruePeakDetector::reset() noexcept {
  std::fill(history_.begin(), history_.end(), 0.0f);
  std::fill(position_.begin(), position_.end(), 0u);
  std::fill(previous_.begin(), previous_.end(), 0.0f);
}

void TruePeakDetector::run(const ConstAudioView& in, std::uint32_t frames, float* peak) noexcept {
  std::fill(peak, peak + frames, 0.0f);
  // The history holds samples oldest first; with `centre` = taps/2 - 1, the points lie
  // between history samples centre and centre + 1: the interval ending at frame
  // i - (delay() - 1). The largest of it and the previous interval covers both sides
  // of frame i - delay().
  constexpr std::uint32_t centre = kTapsPerPhase / 2 - 1;
  const std::uint32_t channels = std::uint32_t(position_.size());
  for (std::uint32_t c = 0; c < channels && c < in.num_channels; ++c) {
    float* ring = history_.data() + std::size_t(c) * 2 * kTapsPerPhase;
    std::uint32_t pos = position_[c];
    const float* x = in.channels[c];
    for (std::uint32_t i = 0; i < frames; ++i) {
      ring[pos] = ring[pos + kTapsPerPhase] = x[i];
      pos = pos + 1 == kTapsPerPhase ? 0 : pos + 1;
      const float* window = ring + pos;  // oldest first
      float largest = std::fabs(window[centre + 1]);
      for (const auto& taps : phase_) {
        float sum = 0.0f;
        for (std::uint32_t k = 0; k < kTapsPerPhase; ++k) sum += taps[k] * window[k];
        largest = std::max(largest, std::fabs(sum));
      }
      peak[i] = std::max({peak[i], largest, previous_[c]});
      previous_[c] = largest;
    }
    position_[c] = pos;
  }
}

}  // namespace fxgraph::dynamics
