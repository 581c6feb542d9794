#pragma once
// analyze_file(): what `fxgraph info` prints about an audio file — its format and
// length, and the peak and RMS level of each channel and of the whole file.
//
// The file is streamed in fixed-size chunks, so memory stays flat whatever its length.
// Levels are linear amplitudes relative to full scale (1.0 = 0 dBFS); to_dbfs()
// converts. Sums are accumulated in double so long files keep their precision.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace fxgraph {

/// Peak (largest absolute sample) and RMS (root mean square) of a run of samples.
struct LevelStats {
  double peak = 0.0;
  double rms = 0.0;
};

struct AudioFileInfo {
  std::string path;
  std::string format;  ///< e.g. "WAV (Microsoft), 32 bit float"
  std::uint32_t sample_rate = 0;
  std::uint32_t channels = 0;
  /// Frames actually read: for a truncated file, fewer than its header announces.
  std::uint64_t frames = 0;
  double duration_seconds = 0.0;           ///< frames / sample_rate
  std::vector<LevelStats> channel_levels;  ///< one per channel
  LevelStats overall;  ///< peak over all channels; RMS over all samples of all channels
};

/// Reads `path` once, `chunk_frames` frames at a time, and measures it. Throws IoError
/// when the file cannot be opened or read.
AudioFileInfo analyze_file(const std::string& path, std::uint32_t chunk_frames = 65536);

/// Decibels relative to full scale: 20 log10(amplitude); -infinity for silence.
inline double to_dbfs(double amplitude) noexcept {
  return amplitude > 0.0 ? 20.0 * std::log10(amplitude) : -std::numeric_limits<double>::infinity();
}

}  // namespace fxgraph
