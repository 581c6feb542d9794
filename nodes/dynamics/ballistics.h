#pragma once
// How the dynamics nodes move their gain over time: a peak-holding, two-speed smoother
// of a value in dB (a compressor's reduction, an expander's or gate's gain).
//
// Definition of the time constants (what attack_ms and release_ms mean for the
// compressor, expander and gate; the limiter's release is the same τ on its linear
// gain, limiter.h): each is the τ of a one-pole exponential in dB. After the target value
// steps, the smoothed value covers 1 - 1/e ≈ 63.2% of the step in τ, 86.5% in 2τ, and
// so on (coefficient exp(-1/(τ·fs)) per sample, exact for any block size). "Rise" is
// the direction the node names its attack (a compressor's reduction growing, a gate
// opening); "fall" the other (its release).
//
// Why the peak hold: a detector that follows |x| sample by sample sees a steady sine
// fall to zero twice a cycle. Smoothing that directly lets the value sag between the
// peaks and the steady gain depends on the frequency (by a dB or more at 1 kHz).
// Here a first stage holds the peak, jumping up at once and falling with the fall τ;
// the output follows it down exactly and rises towards it with the rise τ. For a step
// both constants are exact; for a steady sine of period P the held value sags by at
// most (P/2)/τ_fall of the swing, e.g. 0.005 dB for a 1 kHz tone, 10 dB swing, 1 s.

#include <cmath>

namespace fxgraph::dynamics {

/// The share of the remaining distance a one-pole with time constant `ms` covers per
/// sample at `sample_rate`, 1 - exp(-1/(τ·fs)); 1 (follow at once) for ms ≤ 0. Kept
/// as the step rather than the pole because 1 - pole is then exact to the last bit.
inline double one_pole_step(double ms, double sample_rate) noexcept {
  return ms <= 0.0 ? 1.0 : -std::expm1(-1000.0 / (ms * sample_rate));
}

class PeakHoldBallistics {
 public:
  /// Sets both time constants (see above). Control or audio thread (no allocation).
  void set_times(double rise_ms, double fall_ms, double sample_rate) noexcept {
    rise_ = one_pole_step(rise_ms, sample_rate);
    fall_ = one_pole_step(fall_ms, sample_rate);
  }

  /// Starts from `value` with nothing held. Audio thread.
  void reset(float value = 0.0f) noexcept { held_ = smoothed_ = value; }

  /// Smooths `values` in place (one value per sample). Audio thread.
  ///
  /// The state is double: a float one stops short of its target once a step's move
  /// rounds to nothing (for τ = 1 s at 48 kHz, 0.05 dB short of a 20 dB target).
  void run(float* values, unsigned count) noexcept {
    double held = held_, smoothed = smoothed_;
    const double rise = rise_, fall = fall_;
    for (unsigned i = 0; i < count; ++i) {
      const double target = values[i];
      const double decayed = held + fall * (target - held);
      held = target > decayed ? target : decayed;
      smoothed = held > smoothed ? smoothed + rise * (held - smoothed) : held;
      values[i] = float(smoothed);
    }
    held_ = held;
    smoothed_ = smoothed;
  }

  double value() const noexcept { return smoothed_; }

 private:
  double rise_ = 1.0;  // one_pole_step of each direction
  double fall_ = 1.0;
  double held_ = 0.0;
  double smoothed_ = 0.0;
};

}  // namespace fxgraph::dynamics
