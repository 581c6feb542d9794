#pragma once
// LoudnessMeter: EBU R128 / ITU-R BS.1770 loudness through libebur128, the reference
// implementation (Debian's libebur128), not a re-implementation of our own.
//
// What it measures: momentary (400 ms) and short-term (3 s) loudness, integrated
// (gated) loudness, loudness range (LU) and true peak (4x oversampled, dBTP), all
// channels together; channels follow the ITU order L R C LFE Ls Rs (the LFE is not
// counted), as ffmpeg's ebur128 filter does.
//
// Realtime
//   add() runs on the audio thread. libebur128 allocates a list entry per 100 ms block
//   unless its histogram mode is on, so the states are created in histogram mode: add()
//   and the readings then never allocate (tests/engine/test_realtime_safety.cpp counts
//   it). Samples are interleaved into a buffer sized in prepare(). libebur128 has no
//   reset, and re-creating a state allocates, so prepare() builds a few spare states and
//   reset() (audio thread) moves on to the next spare; once they are used up, reset()
//   sets `exhausted` and the meter keeps measuring without forgetting (prepare again to
//   get fresh spares). Offline users reset on the control thread with restart().

#include <cstdint>
#include <memory>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::dsp {

/// One reading of every measure. Loudness in LUFS (-inf for silence or too little
/// audio), range in LU, true peak in dBTP (-inf for silence).
struct LoudnessReading {
  double momentary = 0.0;
  double short_term = 0.0;
  double integrated = 0.0;
  double range = 0.0;
  double true_peak_db = 0.0;
};

class LoudnessMeter {
 public:
  /// Spare states prepare() builds for allocation-free resets.
  static constexpr std::size_t kSpareStates = 4;

  LoudnessMeter();
  ~LoudnessMeter();
  LoudnessMeter(LoudnessMeter&&) noexcept;
  LoudnessMeter& operator=(LoudnessMeter&&) noexcept;

  /// Creates the states for `channels` at `sample_rate`, `max_block` frames per add().
  /// Control thread. Throws ParameterError for a rate or channel count libebur128 refuses.
  void prepare(std::uint32_t channels, double sample_rate, std::uint32_t max_block);
  /// Forgets everything measured (control thread; allocates).
  void restart();

  /// Adds `frames` frames (at most max_block) of `in`'s first channels(). Audio thread.
  void add(const ConstAudioView& in, std::uint32_t frames) noexcept;
  /// Forgets everything measured, using a spare state. Audio thread.
  void reset() noexcept;
  /// Every measure now. Audio thread or, between blocks, any thread.
  LoudnessReading read() const noexcept;
  /// Integrated loudness and true peak only (cheaper than read()).
  double integrated() const noexcept;
  double true_peak_db() const noexcept;

  std::uint32_t channels() const noexcept { return channels_; }
  bool exhausted() const noexcept { return spare_ == spares_.size(); }

 private:
  struct Ebur128;  // owns one libebur128 state (loudness_meter.cpp)
  using State = std::unique_ptr<Ebur128>;
  State make_state() const;

  std::uint32_t channels_ = 0;
  double sample_rate_ = 0.0;
  State state_;
  std::vector<State> spares_;
  std::size_t spare_ = 0;  // next unused spare
  std::vector<float> interleaved_;
};

}  // namespace fxgraph::dsp
