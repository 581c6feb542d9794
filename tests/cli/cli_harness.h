#pragma once
// Running the real `fxgraph` executable from a test: a private working folder, the
// command's exit status, stdout and stderr, and audio files written and read back.
// Namespace fxgraph::test::cli.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"

#ifndef FXGRAPH_CLI
#error "FXGRAPH_CLI (the path of the built fxgraph executable) must be defined"
#endif

namespace fxgraph::test::cli {

/// A folder of its own under /tmp for one test, removed afterwards.
class CliDir {
 public:
  CliDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fxgraph-cli-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~CliDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  CliDir(const CliDir&) = delete;
  CliDir& operator=(const CliDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

  /// Every name in the folder, sorted, for "nothing was left behind" checks.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

struct CliRun {
  int status = -1;  ///< exit status; -1 when killed by a signal
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Runs `fxgraph <args>` (shell words) in `dir`; stdout and stderr are captured in
/// files outside `dir`. `stdin_redirect` is the shell redirection for stdin.
inline CliRun run_fxgraph(const CliDir& dir, const std::string& args,
                          const std::string& stdin_redirect = "</dev/null") {
  static CliDir capture;
  const std::string out = capture / "stdout", err = capture / "stderr";
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && " +
                              shell_quote(FXGRAPH_CLI) + " " + args + " >" + shell_quote(out) +
                              " 2>" + shell_quote(err) + " " + stdin_redirect;
  const int raw = std::system(command.c_str());
  CliRun result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

/// Writes planar `audio` as a WAV (or whatever the extension says) in `sample_format`.
inline void write_audio(const std::string& path, const std::vector<std::vector<float>>& audio,
                        std::uint32_t rate = 48000, const std::string& sample_format = "float") {
  const auto channels = std::uint32_t(audio.size());
  const auto frames = std::uint32_t(audio.front().size());
  AudioBuffer buffer(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    std::copy(audio[c].begin(), audio[c].end(), buffer.channel(c));
  SndfileWriter writer(path, rate, channels, make_file_format(path, sample_format));
  writer.write(buffer.view());
  writer.commit();
}

/// Every sample of a file, planar.
inline std::vector<std::vector<float>> read_audio(const std::string& path) {
  SndfileReader reader(path);
  AudioBuffer buffer(reader.channels(), std::uint32_t(reader.frames()));
  const std::uint32_t got = reader.read(buffer.view());
  std::vector<std::vector<float>> audio(reader.channels());
  for (std::uint32_t c = 0; c < reader.channels(); ++c)
    audio[c].assign(buffer.channel(c), buffer.channel(c) + got);
  return audio;
}

/// `frames` frames of a 440 Hz sine at `amplitude`, `channels` channels.
inline std::vector<std::vector<float>> sine_audio(std::uint32_t channels, std::uint32_t frames,
                                                  double amplitude = 0.5, double rate = 48000) {
  std::vector<std::vector<float>> audio(channels, std::vector<float>(frames));
  for (auto& channel : audio)
    for (std::uint32_t i = 0; i < frames; ++i)
      channel[i] = float(amplitude * std::sin(2.0 * M_PI * 440.0 * double(i) / rate));
  return audio;
}

}  // namespace fxgraph::test::cli
