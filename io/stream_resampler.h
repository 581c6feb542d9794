#pragma once
// StreamResampler: sample-rate conversion of a stream with libsoxr (SoX's resampler) at
// its very-high-quality setting (linear phase, passband to 95% of Nyquist as in SoX's
// `rate -v`, > 140 dB stop band), for file inputs at another rate than the graph's.
//
// Promises
//   - Aligned: soxr removes its filter's delay, so output frame k is input time
//     k / to_rate (an impulse at 10 ms in comes out at 10 ms); the converted stream has
//     round(input frames x to / from) frames.
//   - Bit-identical whatever the chunking: input is handed to soxr in fixed chunks of
//     kChunk frames, whatever sizes push() and pull() are called with, so soxr sees the
//     same calls and produces the same bits.
//   - Streaming: memory stays bounded by a few chunks.
//
// Threads: a file-reading thread (it allocates as its queues grow); never the audio thread.

#include <cstdint>
#include <memory>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

class StreamResampler {
 public:
  /// Input frames handed to soxr per call.
  static constexpr std::uint32_t kChunk = 4096;

  /// Throws ConfigError for rates soxr refuses (not positive, or a ratio beyond 1:256).
  StreamResampler(double from_rate, double to_rate, std::uint32_t channels);
  ~StreamResampler();
  StreamResampler(const StreamResampler&) = delete;
  StreamResampler& operator=(const StreamResampler&) = delete;

  /// Appends input frames (the first channels() channels of `in`).
  void push(const ConstAudioView& in);
  /// Ends the input: the converted stream's last frames become available.
  void finish();
  /// Moves up to out.num_frames converted frames into `out`; returns how many.
  std::uint32_t pull(const AudioView& out);
  /// Converted frames ready to pull.
  std::size_t available() const noexcept { return output_[0].size() - read_; }
  bool finished() const noexcept { return finished_; }
  /// Back to the start of a new stream.
  void reset();

  std::uint32_t channels() const noexcept { return channels_; }
  double from_rate() const noexcept { return from_; }
  double to_rate() const noexcept { return to_; }
  /// round(frames x to / from): the converted length of `frames` input frames.
  std::uint64_t converted_frames(std::uint64_t frames) const noexcept;

 private:
  struct Soxr;
  void convert(std::uint32_t frames, bool last);

  double from_;
  double to_;
  std::uint32_t channels_;
  std::unique_ptr<Soxr> soxr_;
  std::vector<std::vector<float>> pending_;  // input not yet handed over (< kChunk)
  std::vector<std::vector<float>> output_;   // converted, from read_ on
  std::vector<float> scratch_;               // one soxr call's output, per channel
  std::size_t read_ = 0;
  std::uint64_t input_frames_ = 0;
  std::uint64_t output_frames_ = 0;
  bool finished_ = false;
};

}  // namespace fxgraph
