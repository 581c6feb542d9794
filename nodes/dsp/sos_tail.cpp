#include "fxgraph/nodes/dsp/sos_tail.h"

#include <array>
#include <cmath>
#include <vector>

namespace fxgraph::dsp {

namespace {

/// The impulse response of a cascade, one sample at a time (transposed direct form II).
class ImpulseResponse {
 public:
  explicit ImpulseResponse(std::span<const Biquad> sections)
      : sections_(sections), state_(sections.size()) {}

  double next() noexcept {
    double x = first_ ? 1.0 : 0.0;
    first_ = false;
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      const Biquad& b = sections_[i];
      auto& s = state_[i];
      const double y = b.b0 * x + s[0];
      s[0] = b.b1 * x - b.a1 * y + s[1];
      s[1] = b.b2 * x - b.a2 * y;
      x = y;
    }
    return x;
  }

 private:
  std::span<const Biquad> sections_;
  std::vector<std::array<double, 2>> state_;
  bool first_ = true;
};

// A window of this many samples summing to almost nothing means the response is over:
// longer than the slowest oscillation a filter at 10 Hz and 192 kHz makes.
constexpr std::uint64_t kWindow = 1 << 15;

}  // namespace

std::uint64_t sos_tail_frames(std::span<const Biquad> sections, double threshold,
                              std::uint64_t max_frames) {
  if (sections.empty()) return 0;
  // Pass 1: the whole sum, until a window contributes a negligible part of the threshold.
  ImpulseResponse pass1(sections);
  double total = 0.0, window = 0.0;
  std::uint64_t n = 0;
  for (;; ++n) {
    if (n >= max_frames) return UINT64_MAX;
    const double magnitude = std::fabs(pass1.next());
    if (!std::isfinite(magnitude)) return UINT64_MAX;
    total += magnitude;
    window += magnitude;
    if ((n + 1) % kWindow == 0) {
      if (window < threshold * 1e-6) break;
      window = 0.0;
    }
  }
  // Pass 2: the first k whose remaining sum is below the threshold.
  ImpulseResponse pass2(sections);
  double remaining = total;
  for (std::uint64_t k = 0; k <= n; ++k) {
    if (remaining < threshold) return k;
    remaining -= std::fabs(pass2.next());
  }
  return n + 1;
}

}  // namespace fxgraph::dsp
