#pragma once
// TPDF dither for integer output: before float samples are rounded to 16 bits, each
// gets noise with a triangular distribution spanning ±1 LSB (the sum of two uniform
// values), which turns the rounding error into a constant, signal-independent noise
// floor instead of distortion correlated with the signal (what SoX does by default).
//
// Deterministic: a fixed-seed generator consumed sample by sample in file order, so a
// file written in any chunk sizes gets the same bits. Allocation-free.

#include <cstddef>
#include <cstdint>

namespace fxgraph {

class TpdfDither {
 public:
  /// `bits`: the integer format's width (16); LSB = 1 / (2^(bits-1) - 1), libsndfile's
  /// float scaling.
  explicit TpdfDither(int bits, std::uint64_t seed = 0x9E3779B97F4A7C15ull) noexcept
      : lsb_(1.0f / float((std::uint64_t{1} << (bits - 1)) - 1)), state_(seed) {}

  /// Adds the dither to `count` samples in place.
  void apply(float* samples, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) samples[i] += lsb_ * (uniform() + uniform() - 1.0f);
  }

  float lsb() const noexcept { return lsb_; }

 private:
  // xorshift64*: fast, and plenty random for dither.
  float uniform() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return float((state_ * 0x2545F4914F6CDD1Dull) >> 40) * (1.0f / 16777216.0f);  // [0, 1)
  }

  float lsb_;
  std::uint64_t state_;
};

}  // namespace fxgraph
