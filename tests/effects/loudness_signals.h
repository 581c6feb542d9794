#pragma once
// Test signals for the loudness tests: speech-like and music-like stereo programmes,
// synthesised from a seed (no recordings in the repository), written as float WAV, and
// ffmpeg's ebur128 filter as the independent reference meter.

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fxgraph::test {

/// Planar stereo samples.
using Programme = std::vector<std::vector<float>>;

/// A voice-like signal: a buzzy harmonic source (f0 gliding 110 … 190 Hz, 12 harmonics
/// falling 6 dB/octave, some breath noise) under 4 Hz syllable envelopes, in 2.5 s
/// phrases with 0.6 s pauses of near-silence (which the R128 gate must skip).
inline Programme speech_like(double rate, double seconds, unsigned seed) {
  const auto frames = std::size_t(rate * seconds);
  Programme p(2, std::vector<float>(frames));
  std::mt19937 rng(seed);
  std::normal_distribution<double> breath(0.0, 0.02);
  double phase = 0.0;
  for (std::size_t n = 0; n < frames; ++n) {
    const double t = double(n) / rate;
    const double phrase = std::fmod(t, 3.1);
    const double f0 = 150.0 + 40.0 * std::sin(2 * std::numbers::pi * 0.7 * t);
    phase += 2 * std::numbers::pi * f0 / rate;
    double voice = 0.0;
    for (int h = 1; h <= 12; ++h) voice += std::sin(h * phase) / h;
    const double syllable = std::pow(std::sin(std::numbers::pi * 4.0 * t), 2);
    const double envelope = phrase < 2.5 ? syllable : 0.0;
    const double x = 0.25 * envelope * (voice + breath(rng)) + 0.0005 * breath(rng);
    p[0][n] = float(x);
    p[1][n] = float(0.8 * x);
  }
  return p;
}

/// A music-like signal: a chord progression of sawtooth-ish tones, a decaying kick every
/// 0.5 s and a clipped-square hi-hat accent (inter-sample peaks above the sample peak),
/// panned differently left and right.
inline Programme music_like(double rate, double seconds, unsigned seed) {
  const auto frames = std::size_t(rate * seconds);
  Programme p(2, std::vector<float>(frames));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> hiss(-1.0, 1.0);
  const double chords[4][3] = {{220.0, 277.18, 329.63},
                               {196.0, 246.94, 293.66},
                               {174.61, 220.0, 261.63},
                               {196.0, 246.94, 311.13}};
  for (std::size_t n = 0; n < frames; ++n) {
    const double t = double(n) / rate;
    const auto& chord = chords[std::size_t(t / 2.0) % 4];
    double pad = 0.0;
    for (double f : chord)
      for (int h = 1; h <= 6; ++h) pad += std::sin(2 * std::numbers::pi * f * h * t) / (h * 3.0);
    const double beat = std::fmod(t, 0.5);
    const double kick =
        std::exp(-beat * 18.0) *
        std::sin(2 * std::numbers::pi * (50.0 + 60.0 * std::exp(-beat * 30.0)) * beat);
    const double hat = std::fmod(t + 0.25, 0.5) < 0.02 ? 0.15 * hiss(rng) : 0.0;
    // A square wave at fs/4 with a phase offset: sample peak 0.7 x, true peak 0.7 x √2.
    const double accent =
        std::fmod(t, 4.0) < 0.01 ? 0.45 * (((n + 0) / 2) % 2 == 0 ? 1.0 : -1.0) : 0.0;
    p[0][n] = float(0.18 * pad + 0.5 * kick + hat + accent);
    p[1][n] = float(0.12 * pad + 0.5 * kick + 0.6 * hat + accent);
  }
  return p;
}

inline void write_float_wav(const std::filesystem::path& path, int rate, const Programme& p) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = int(p.size());
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) throw std::runtime_error("cannot write " + path.string());
  std::vector<float> interleaved;
  interleaved.reserve(p.size() * p[0].size());
  for (std::size_t n = 0; n < p[0].size(); ++n)
    for (const auto& channel : p) interleaved.push_back(channel[n]);
  sf_writef_float(file, interleaved.data(), sf_count_t(p[0].size()));
  sf_close(file);
}

/// What ffmpeg's ebur128 filter measures (its last per-frame metadata: integrated
/// loudness to 0.001 LU, true peak as a linear value to 0.001).
struct FfmpegLoudness {
  double integrated = 0.0;
  double true_peak_db = 0.0;
};

/// ffmpeg's reading of `path`, or nothing when ffmpeg is not installed.
inline std::optional<FfmpegLoudness> ffmpeg_loudness(const std::filesystem::path& path) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) return std::nullopt;
  const std::string command = "ffmpeg -nostats -hide_banner -i '" + path.string() +
                              "' -af ebur128=peak=true:metadata=1,ametadata=print:file=- "
                              "-f null - 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  FfmpegLoudness result;
  double peak = 0.0;
  bool seen = false;
  char line[256];
  while (std::fgets(line, sizeof line, pipe)) {
    double v = 0.0;
    if (std::sscanf(line, "lavfi.r128.I=%lf", &v) == 1) {
      result.integrated = v;
      seen = true;
    }
    if (std::sscanf(line, "lavfi.r128.true_peak=%lf", &v) == 1) peak = v;
  }
  if (pclose(pipe) != 0 || !seen)
    throw std::runtime_error("ffmpeg could not measure " + path.string());
  result.true_peak_db = 20.0 * std::log10(peak);
  return result;
}

}  // namespace fxgraph::test
