#pragma once
// FirConvolver: streaming multichannel FIR filtering (convolution with a fixed
// impulse response) with zero added latency.
//
// Aims
//   - The output equals direct convolution, y[n] = sum_k taps[k] x[n - k], sample for
//     sample from the first sample on: no latency, whatever the block size.
//   - Exact streaming: any sequence of block sizes gives the same output bits.
//   - Realtime: process() and reset() never allocate, lock or throw.
//
// Design
//   The taps are split into a head (the first P taps) and a tail (the rest), where P is
//   the partition size.
//   - Head: direct form, computed per sample, so the newest input reaches the output at
//     once. Short filters (fewer than kFftThreshold taps) are all head.
//   - Tail: uniformly partitioned overlap-save FFT convolution (FFTW, real transforms
//     of 2P points): the tail is cut into partitions of P taps whose spectra are
//     computed in prepare(); every P input samples, one forward FFT, a multiply-add of
//     the spectra against a delay line of the last input spectra, and one inverse FFT
//     give the tail's contribution to the *next* P output samples. That contribution
//     only involves inputs at least P samples old, so it is ready before it is
//     needed, and the FFT stage adds no latency.
//   Input is gathered into the current partition as blocks arrive, so blocks need not
//   be multiples of P. P grows with the filter (about 2 sqrt(taps), a power of two
//   between 16 and 1024), balancing the per-sample head cost against the FFT cost.
//   Arithmetic is single precision (float accumulators; FFTW's float transforms).
//
// Threads
//   prepare() on a control thread: it creates FFTW plans, and FFTW's planner is not
//   thread-safe, so every planner call in fxgraph's FIR code holds one process-wide
//   mutex. Plans use FFTW_ESTIMATE: deterministic (FFTW_MEASURE could pick a different
//   algorithm on every run, and so different rounding, breaking bit-exact reruns).
//   process() and reset() on the audio thread.

#include <cstdint>
#include <memory>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::dsp {

class FirConvolver {
 public:
  /// Filters with at least this many taps use the FFT tail; shorter ones are direct.
  static constexpr std::uint32_t kFftThreshold = 64;

  FirConvolver();
  ~FirConvolver();
  FirConvolver(FirConvolver&&) noexcept;
  FirConvolver& operator=(FirConvolver&&) noexcept;
  FirConvolver(const FirConvolver&) = delete;
  FirConvolver& operator=(const FirConvolver&) = delete;

  /// Sets up channels x taps (allocates, plans FFTs) and clears the state. Throws
  /// fxgraph::ParameterError for 0 or more than 1024 channels, no taps, more than
  /// 2^20 taps, a non-finite tap, or max_block 0.
  void prepare(std::uint32_t channels, std::vector<float> taps, std::uint32_t max_block);

  /// Clears the input history (audio thread).
  void reset() noexcept;

  /// Filters in into out (audio thread); in and out may be the same memory. Any number
  /// of frames per call (max_block is the size the caller promised, not a limit of the
  /// algorithm). Precondition: in and out have num_channels() channels and the same
  /// frame count. (Defensively: extra channels are ignored, only the common frames are
  /// processed, and with too few channels nothing is done, since all channels share
  /// one partition clock.)
  void process(const ConstAudioView& in, const AudioView& out) noexcept;

  std::uint32_t num_channels() const noexcept { return channels_; }
  std::uint32_t num_taps() const noexcept { return num_taps_; }
  /// P: head length and FFT partition size (FFT size 2P).
  std::uint32_t partition_size() const noexcept { return partition_; }
  bool uses_fft() const noexcept { return tail_partitions_ > 0; }

 private:
  struct Fft;  // FFTW plans and their buffers (fir_convolver.cpp)
  struct AlignedFree {
    void operator()(float* p) const noexcept;
  };
  using AlignedFloats = std::unique_ptr<float[], AlignedFree>;
  static AlignedFloats allocate(std::size_t count);

  void run_tail(std::uint32_t channel, std::uint32_t newest_slot) noexcept;

  std::uint32_t channels_ = 0;
  std::uint32_t num_taps_ = 0;
  std::uint32_t partition_ = 0;        // P
  std::uint32_t head_length_ = 0;      // min(taps, P)
  std::uint32_t tail_partitions_ = 0;  // tail taps / P, rounded up
  std::uint32_t bins_ = 0;             // P + 1 spectrum bins of a 2P-point real FFT

  std::vector<float> head_;            // taps[0, head_length)
  AlignedFloats history_;              // per channel: 2P samples [previous P | current P]
  AlignedFloats tail_out_;             // per channel: P samples of tail output
  AlignedFloats tail_re_, tail_im_;    // [partition][bin], pre-scaled by 1/(2P)
  AlignedFloats delay_re_, delay_im_;  // per channel: [partition][bin] input spectra
  AlignedFloats acc_;                  // P head accumulators
  AlignedFloats sum_re_, sum_im_;      // bins: spectrum accumulators
  std::unique_ptr<Fft> fft_;

  std::uint32_t fill_ = 0;        // samples of the current partition already received
  std::uint32_t delay_head_ = 0;  // delay-line slot the next input spectrum goes to
};

}  // namespace fxgraph::dsp
