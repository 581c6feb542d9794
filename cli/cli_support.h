#pragma once
// What every `fxgraph` subcommand shares: the two error kinds that decide the exit
// status (see main.cpp for the policy), strict number parsing, the checks that run
// before anything is written, and the progress bar.
//
// The rule behind the checks: everything that can be found wrong with the user's
// request (a missing or truncated input, an output folder that does not exist, output
// equal to input, a bad format name) is found before the first sample is written, so
// it is reported as bad input (exit 2) and never leaves a file behind. What fails after
// that is a runtime failure (exit 1).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/io/clip_count.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/tail_render.h"
#include "fxgraph/io/truncation_check.h"  // truncation_problem, for check_input_file's users

namespace fxgraph::cli {

/// Bad usage or bad input found by the CLI itself (exit 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// Something failed while the work was under way, e.g. a write error (exit 1).
class RuntimeFailure : public Error {
 public:
  using Error::Error;
};

/// Runs `work`, the part of a command that writes output. An IoError thrown there is a
/// runtime failure (the request was checked beforehand), so it becomes RuntimeFailure;
/// every other exception passes through unchanged.
void run_output_phase(const std::function<void()>& work);

/// Parses the whole of `text` as a number ("1.5", "-6", "1e3", "inf", "nan"); nullopt
/// when anything else is in it (" 1", "1x", "", "1,5").
std::optional<double> parse_number(std::string_view text);

/// "0.5", "48000", "-6.02": a number as people write it (up to 6 significant digits).
std::string format_number(double value);

/// Type names (not aliases) close to `name`, best first: "gian" → {"gain"}, where the
/// registry's close_matches would give both "Gain" and "gain".
std::vector<std::string> close_type_names(const NodeRegistry& registry, const std::string& name);

/// Checks an input audio file before it is used: it opens (UsageError otherwise, with
/// libsndfile's reason) and its data is not cut short (UsageError naming the sizes).
void check_input_file(const std::string& path);

/// Checks an output path before anything is written: its folder exists and is a
/// folder, the path is not itself a folder, and the extension and `sample_format`
/// make a format fxgraph can write. Throws UsageError.
void check_output_path(const std::string& path, const std::string& sample_format = "");

/// Checks a --format value ("pcm16", "float", …); throws UsageError listing the choices.
void check_sample_format(const std::string& sample_format);

/// Warns on stderr when samples went beyond full scale, SoX style:
///   fxgraph: warning: clipped 12345 samples (37.2%), peak 3.98 (+12.0 dBFS)
/// ("… N samples above full scale …, kept in the float file" for float formats);
/// `label` (a file name) prefixes the count when a command writes several files.
/// Says nothing when no sample was beyond full scale. The exit status is not affected.
void warn_if_clipped(const ClipCount& clipping, SampleFormat format, const std::string& label = "");

/// `--tail SECONDS` and `--no-tail` of the commands that render files.
struct TailFlags {
  double seconds = 0.0;
  bool off = false;
  CLI::Option* seconds_option = nullptr;

  /// Adds both options to `command`.
  void add_to(CLI::App& command);
  /// The renderer's options; throws UsageError for a negative or non-finite --tail.
  TailOptions options() const;
};

/// A progress bar on stderr, `\r[########            ]  40%  31.2x  ETA 0:07`, drawn
/// only when stderr is a terminal and the user did not ask for quiet. Speed (seconds of
/// audio per second, when the audio's length is known) and time left come from the
/// time since the bar was made. Redraws only when the percentage moves.
class ProgressBar {
 public:
  /// `audio_seconds`: the length of what is rendered, for the speed (0: not shown).
  explicit ProgressBar(bool quiet, double audio_seconds = 0.0);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(double fraction);
  /// Ends the bar's line (once), so the next message starts on a fresh line.
  void finish();
  /// A callback for RenderOptions::progress / StreamProcessor::set_progress.
  std::function<void(double)> callback();

 private:
  bool enabled_;
  double audio_seconds_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  int shown_ = -1;  // last percentage drawn
};

}  // namespace fxgraph::cli
