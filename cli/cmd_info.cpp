// `fxgraph info FILE`: an audio file's format, length and levels.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "fxgraph/io/audio_file_info.h"

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

void run(const std::string& path) {
  std::optional<std::string> truncated;
  AudioFileInfo info;
  try {
    info = analyze_file(path);
    truncated = truncation_problem(path);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  std::printf("file:         %s\n", info.path.c_str());
  std::printf("format:       %s\n", info.format.c_str());
  std::printf("sample rate:  %u Hz\n", info.sample_rate);
  std::printf("channels:     %u\n", info.channels);
  std::printf("frames:       %llu\n", static_cast<unsigned long long>(info.frames));
  std::printf("duration:     %.3f s\n", info.duration_seconds);
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

}  // namespace

Command add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("info", "Show an audio file's format, length and levels");
  sub->add_option("file", *path, "the audio file")->required();
  sub->footer(
      "Prints format, sample rate, channels, frames and duration, then the peak and RMS\n"
      "level of each channel and overall, linear and in dBFS (1.0 = 0 dBFS).\n"
      "\n"
      "Example:\n"
      "  fxgraph info out/demo.wav");
  return {sub, [path] { run(*path); }};
}

}  // namespace fxgraph::cli
