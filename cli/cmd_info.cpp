// `fxgraph info FILE…`: audio files' format, length and levels (and with --loudness,
// EBU R128 loudness measured by libebur128).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.h"
#include "commands.h"
#include "fxgraph/io/audio_file_info.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/nodes/dsp/loudness_meter.h"

namespace fxgraph::cli {

namespace {

/// "0.501187 (-6.00 dBFS)"; silence reads "0 (-inf dBFS)".
std::string level_text(double amplitude) {
  const double db = to_dbfs(amplitude);
  char text[64];
  if (std::isinf(db))
    std::snprintf(text, sizeof text, "%.6f (-inf dBFS)", amplitude);
  else
    std::snprintf(text, sizeof text, "%.6f (%.2f dBFS)", amplitude, db);
  return text;
}

/// A length as h:mm:ss.mmm.
std::string clock_text(std::uint64_t frames, std::uint32_t sample_rate) {
  // Rounded to the millisecond once, so 59.9996 s reads 0:01:00.000, not 0:00:60.000.
  const std::uint64_t ms =
      sample_rate == 0 ? 0 : (frames * 1000 + sample_rate / 2) / std::uint64_t(sample_rate);
  char text[48];
  std::snprintf(
      text, sizeof text, "%llu:%02llu:%02llu.%03llu", static_cast<unsigned long long>(ms / 3600000),
      static_cast<unsigned long long>(ms / 60000 % 60),
      static_cast<unsigned long long>(ms / 1000 % 60), static_cast<unsigned long long>(ms % 1000));
  return text;
}

void print_info(const std::string& path) {
  const AudioFileInfo info = analyze_file(path);
  const std::optional<std::string> truncated = truncation_problem(path);
  std::printf("file:         %s\n", info.path.c_str());
  std::printf("format:       %s\n", info.format.c_str());
  std::printf("sample rate:  %u Hz\n", info.sample_rate);
  std::printf("channels:     %u\n", info.channels);
  std::printf("frames:       %llu\n", static_cast<unsigned long long>(info.frames));
  std::printf("duration:     %s (%.3f s)\n", clock_text(info.frames, info.sample_rate).c_str(),
              info.duration_seconds);
  if (truncated) std::printf("damaged:      %s\n", truncated->c_str());
  std::printf("%-13s %-26s %s\n", "levels:", "peak", "RMS");
  for (std::size_t c = 0; c < info.channel_levels.size(); ++c) {
    const std::string name = "  channel " + std::to_string(c + 1);
    std::printf("%-13s %-26s %s\n", name.c_str(), level_text(info.channel_levels[c].peak).c_str(),
                level_text(info.channel_levels[c].rms).c_str());
  }
  std::printf("%-13s %-26s %s\n", "  overall", level_text(info.overall.peak).c_str(),
              level_text(info.overall.rms).c_str());
}

/// "-23.04 LUFS"; silence (or under 400 ms of audio) reads "-inf LUFS".
std::string loudness_text(double value, const char* unit) {
  char text[48];
  if (std::isinf(value))
    std::snprintf(text, sizeof text, "-inf %s", unit);
  else
    std::snprintf(text, sizeof text, "%.2f %s", value, unit);
  return text;
}

void print_loudness(const std::string& path) {
  SndfileReader reader(path);
  constexpr std::uint32_t kChunk = 65536;
  dsp::LoudnessMeter meter;
  meter.prepare(reader.channels(), reader.sample_rate(), kChunk);
  AudioBuffer chunk(reader.channels(), kChunk);
  reader.reserve(kChunk);
  while (const std::uint32_t got = reader.read(chunk.view())) meter.add(chunk.view(got), got);
  const dsp::LoudnessReading r = meter.read();
  std::printf("loudness:     (EBU R128, libebur128)\n");
  std::printf("  integrated  %s\n", loudness_text(r.integrated, "LUFS").c_str());
  std::printf("  range       %s\n", loudness_text(r.range, "LU").c_str());
  std::printf("  true peak   %s\n", loudness_text(r.true_peak_db, "dBTP").c_str());
}

/// Each file in turn, a blank line between them. A file that cannot be read is reported
/// on stderr and the rest are still shown; then the command fails (exit 2) naming how
/// many could not be read.
void run(const std::vector<std::string>& paths, bool loudness) {
  std::size_t failed = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i > 0) std::printf("\n");
    try {
      print_info(paths[i]);
      if (loudness) print_loudness(paths[i]);
    } catch (const IoError& e) {
      if (paths.size() == 1) throw UsageError(e.what());
      std::fflush(stdout);
      std::fprintf(stderr, "fxgraph: error: %s\n", e.what());
      ++failed;
    }
  }
  if (failed > 0)
    throw UsageError(std::to_string(failed) + " of " + std::to_string(paths.size()) +
                     " files could not be read (see above)");
}

}  // namespace

Command add_info_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto loudness = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("info", "Show audio files' format, length and levels");
  sub->add_option("files", *paths, "one or more audio files")->required();
  sub->add_flag("--loudness", *loudness,
                "also measure EBU R128 loudness: integrated (LUFS), range (LU), true peak "
                "(dBTP)");
  sub->footer(
      "Prints format, sample rate, channels, frames and duration (h:mm:ss.mmm), then the\n"
      "peak and RMS level of each channel and overall, linear and in dBFS (1.0 = 0 dBFS).\n"
      "With several files, a file that cannot be read is reported and the others shown;\n"
      "the exit status is then 2. --loudness adds the EBU R128 measures (libebur128).\n"
      "\n"
      "Examples:\n"
      "  fxgraph info out/demo.wav\n"
      "  fxgraph info takes/*.wav\n"
      "  fxgraph info --loudness podcast.flac");
  return {sub, [paths, loudness] { run(*paths, *loudness); }};
}

}  // namespace fxgraph::cli
