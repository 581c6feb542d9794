#pragma once
// The progress line of `fxgraph batch` on stderr,
//   `\r 12/64 files, 1 failed   38.5x realtime   ETA 0:42`
// drawn only when stderr is a terminal and the user did not ask for quiet. Speed is the
// audio written per second of wall clock since the batch began; the time left assumes
// the remaining files take as long as the finished ones did on average.
// Messages about single files (a failure) go through message(), which clears the line
// first so they do not run into it. Called from the worker threads one at a time
// (run_batch serialises its row callback).

#include <chrono>
#include <cstddef>
#include <string>

#include "fxgraph/batch/manifest.h"

namespace fxgraph::cli {

class BatchProgress {
 public:
  BatchProgress(bool quiet, std::size_t total);
  ~BatchProgress();
  BatchProgress(const BatchProgress&) = delete;
  BatchProgress& operator=(const BatchProgress&) = delete;

  /// Counts a finished file and redraws the line.
  void finished(const ManifestRow& row);
  /// Prints `text` (a whole line, no newline) on stderr, always; the line is redrawn after.
  void message(const std::string& text);
  /// Clears the line (once), so what follows starts on a fresh line.
  void finish();

  /// Seconds of audio written so far (done files).
  double audio_seconds() const noexcept { return audio_seconds_; }
  /// Seconds since the batch began.
  double elapsed() const;

 private:
  void draw();
  void clear_line();

  bool enabled_;
  std::size_t total_;
  std::size_t finished_ = 0;
  std::size_t failed_ = 0;
  double audio_seconds_ = 0.0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace fxgraph::cli
