#pragma once
// A linear ramp towards a target value, for gains and mixes (no zipper noise).
// Why linear over a fixed time rather than over one block: the ramp then sounds the
// same whatever the block size, and a 32-frame block does not turn a gain step into
// a click.

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace fxgraph {

class SmoothedValue {
 public:
  /// Sets the ramp length; call from prepare (not realtime-critical, but allocation-free).
  void prepare(double sample_rate, double ramp_seconds) noexcept {
    ramp_samples_ =
        std::max<std::uint32_t>(1, std::uint32_t(std::lround(sample_rate * ramp_seconds)));
    prepared_ = true;
    jump_to(target_);
  }

  /// Jumps to `value` at once (start-up, reset). Audio thread.
  void jump_to(double value) noexcept {
    current_ = target_ = value;
    remaining_ = 0;
  }

  /// Starts a ramp from the current value to `value`. Audio thread. Before prepare()
  /// (a node being configured) there is nothing to ramp from: it jumps.
  void set_target(double value) noexcept {
    if (!prepared_) {
      jump_to(value);
      return;
    }
    if (value == target_) return;
    target_ = value;
    remaining_ = ramp_samples_;
    step_ = (target_ - current_) / double(ramp_samples_);
  }

  bool is_ramping() const noexcept { return remaining_ != 0; }
  double current() const noexcept { return current_; }
  double target() const noexcept { return target_; }
  std::uint32_t ramp_samples() const noexcept { return ramp_samples_; }

  /// Advances one sample and returns the new value. Audio thread.
  double next() noexcept {
    if (remaining_ == 0) return current_;
    if (--remaining_ == 0) {
      current_ = target_;
    } else {
      current_ += step_;
    }
    return current_;
  }

 private:
  double current_ = 0.0;
  double target_ = 0.0;
  double step_ = 0.0;
  std::uint32_t remaining_ = 0;
  std::uint32_t ramp_samples_ = 1;
  bool prepared_ = false;
};

}  // namespace fxgraph
