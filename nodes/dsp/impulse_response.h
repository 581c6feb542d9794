#pragma once
// Impulse responses read from audio files, for the convolver.
//
// An IR is read whole when the node is built (so a missing or unreadable file is
// reported while loading the graph) and shaped for a sample rate when the node is
// prepared: resampled with libsoxr's very-high-quality converter when the file's rate
// differs, pre-delayed and truncated. All of it is control-thread
// work; the audio thread only sees the finished taps.

#include <cstdint>
#include <string>
#include <vector>

namespace fxgraph::dsp {

/// Planar samples of an impulse-response file at the file's rate.
struct ImpulseResponse {
  std::vector<std::vector<float>> channels;
  double sample_rate = 0.0;
  std::string path;  ///< for messages

  std::size_t frames() const noexcept { return channels.empty() ? 0 : channels[0].size(); }
};

/// How an IR is shaped for use (ConvolverNode's options).
struct ImpulseShaping {
  double delay_ms = 0.0;      ///< silence put before the IR (a pre-delay)
  double max_length_s = 0.0;  ///< 0: keep it all; else truncate (after the delay)
};

/// Reads `path` with libsndfile (any format it reads). Throws ConfigError naming the file
/// when it cannot be opened, is empty, or holds more than 16 channels or 2^20 frames.
ImpulseResponse read_impulse_response(const std::string& path);

/// The IR at `sample_rate`, shaped. Resampling uses soxr_oneshot (very high quality,
/// linear phase, its group delay removed, so the IR's onset stays in place).
ImpulseResponse shape_impulse_response(const ImpulseResponse& ir, double sample_rate,
                                       const ImpulseShaping& shaping);

}  // namespace fxgraph::dsp
