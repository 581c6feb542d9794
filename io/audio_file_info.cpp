#include "fxgraph/io/audio_file_info.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/sndfile_reader.h"

namespace fxgraph {

AudioFileInfo analyze_file(const std::string& path, std::uint32_t chunk_frames) {
  if (chunk_frames == 0) throw IoError("analyze_file: chunk size must be at least 1 frame");
  SndfileReader reader(path);

  AudioFileInfo info;
  info.path = path;
  info.format = reader.format_description();
  info.sample_rate = reader.sample_rate();
  info.channels = reader.channels();

  AudioBuffer chunk(reader.channels(), chunk_frames);
  reader.reserve(chunk_frames);
  std::vector<double> sum_squares(reader.channels(), 0.0);
  std::vector<double> peaks(reader.channels(), 0.0);

  std::uint64_t frames = 0;
  while (const std::uint32_t n = reader.read(chunk.view())) {
    for (std::uint32_t c = 0; c < reader.channels(); ++c) {
      const float* samples = chunk.channel(c);
      double peak = peaks[c];
      double sum = 0.0;  // per chunk first, then into the total: less rounding drift
      for (std::uint32_t i = 0; i < n; ++i) {
        const double s = samples[i];
        peak = std::max(peak, std::fabs(s));
        sum += s * s;
      }
      peaks[c] = peak;
      sum_squares[c] += sum;
    }
    frames += n;
  }

  info.frames = frames;
  info.duration_seconds = static_cast<double>(frames) / static_cast<double>(info.sample_rate);
  info.channel_levels.resize(info.channels);
  double total_squares = 0.0;
  for (std::uint32_t c = 0; c < info.channels; ++c) {
    info.channel_levels[c].peak = peaks[c];
    info.channel_levels[c].rms =
        frames ? std::sqrt(sum_squares[c] / static_cast<double>(frames)) : 0.0;
    info.overall.peak = std::max(info.overall.peak, peaks[c]);
    total_squares += sum_squares[c];
  }
  const double total_samples = static_cast<double>(frames) * info.channels;
  info.overall.rms = frames ? std::sqrt(total_squares / total_samples) : 0.0;
  return info;
}

}  // namespace fxgraph
