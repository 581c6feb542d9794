#pragma once
// `-` as the input or output of `process` and `run`: audio on standard input or output,
// so fxgraph sits in a pipe (`sox in.flac -t wav - | fxgraph process - - --chain … | aplay`).
//
// Both go through a file on disk, not straight through the pipe, because the renderers
// need what a pipe cannot give: they seek (normalize measures the whole input, then reads
// it again), check the input is whole before writing anything, and write the output to a
// temporary that only becomes the output once complete. So:
//   - StdinAudio copies standard input to a scratch file first (any format libsndfile
//     reads, byte for byte; or raw samples, described by --type raw --encoding --input-rate
//     --input-channels, stored as a WAV of that encoding). The file is unlinked at once and
//     opened by /proc/self/fd/N: nothing is left behind, even when the process is killed.
//   - StdoutAudio gives the renderer a path in a private folder of its own, and copies
//     the finished file to standard output: WAV (its header complete, the sizes right),
//     in --format's sample format. A render that fails or is interrupted writes nothing
//     to standard output. The folder is removed on destruction.
// Both live in $TMPDIR (else /tmp): give it room for the audio.
//
// With `-` as the output nothing but the audio goes to standard output: progress,
// warnings and the summary are on stderr, as always.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace fxgraph::cli {

/// The path that names standard input or output.
inline constexpr const char* kStdioPath = "-";
inline bool is_stdio(const std::string& path) {
  return path == kStdioPath;
}

/// `--type raw --encoding f32 --input-rate 48000 --input-channels 2`: what raw samples on standard
/// input are. Without --type, the input's own header says (WAV, FLAC, …).
struct RawInputFlags {
  std::string type;
  std::string encoding = "f32";
  double rate = 0.0;
  std::uint32_t channels = 0;
  CLI::Option* rate_option = nullptr;
  CLI::Option* channels_option = nullptr;

  /// Adds the four options to `command`.
  void add_to(CLI::App& command);
  bool raw() const { return type == "raw"; }
  /// Throws UsageError when the flags do not describe raw input completely, or are
  /// given for an input that is not standard input (`input_path`).
  void check(const std::string& input_path) const;
};

/// Standard input, copied to an unlinked scratch file (see the top of this header).
class StdinAudio {
 public:
  /// Reads all of standard input. Throws UsageError when it is empty, not audio
  /// libsndfile reads (without --type raw), cut short, or raw data that ends inside a
  /// frame; IoError when the scratch file cannot be written (a full disk).
  explicit StdinAudio(const RawInputFlags& format);
  ~StdinAudio();
  StdinAudio(const StdinAudio&) = delete;
  StdinAudio& operator=(const StdinAudio&) = delete;

  /// A path that opens the copy while this object lives ("/proc/self/fd/N").
  const std::string& path() const noexcept { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

/// Where a render writes what goes to standard output (see the top of this header).
class StdoutAudio {
 public:
  /// Makes the private folder. `sample_format` is --format's value ("" for the default);
  /// throws UsageError when WAV cannot hold it.
  explicit StdoutAudio(const std::string& sample_format);
  ~StdoutAudio();
  StdoutAudio(const StdoutAudio&) = delete;
  StdoutAudio& operator=(const StdoutAudio&) = delete;

  /// The file the renderer writes (a WAV in the private folder).
  const std::string& path() const noexcept { return path_; }
  /// Copies the finished file to standard output. Throws IoError when that fails (the
  /// reader of the pipe went away: "Broken pipe").
  void send() const;

 private:
  std::string folder_;
  std::string path_;
};

/// How messages name a path: "standard input" / "standard output" for `-`, else the
/// path in quotes.
std::string display_path(const std::string& path, bool output);

}  // namespace fxgraph::cli
