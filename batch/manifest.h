#pragma once
// The manifest of a batch: one row per file, written as JSON lines (`--manifest
// FILE.jsonl`), read back by anything that reads JSON (pandas.read_json(lines=True)).
//
//   {"input":"data/a.wav","output":"out/a.wav","status":"done","error":null,
//    "frames":2880000,"sample_rate":48000,"channels":2,"peak":0.7071,"rms":0.3536,
//    "seconds":0.031}
//
// Fields
//   input, output  the paths as the batch used them
//   status         "done" (processed), "skipped" (a complete output was there:
//                  --skip-existing) or "failed"
//   error          why it failed (the same text the command prints); null otherwise
//   frames, sample_rate, channels
//                  of the output: as written (done) or as found (skipped); null for a
//                  failed file
//   peak, rms      of the output's samples as processed (before conversion to the
//                  file's sample format, so a peak above 1 shows clipping); null unless
//                  done — a skipped file is not read
//   seconds        wall-clock time spent on the file (open, compile, process, write)
// Numbers that JSON cannot hold (NaN, infinity) are written as null.
//
// File names on Linux are bytes, JSON text is UTF-8: a byte that is not part of valid
// UTF-8 is written as the lone surrogate \udcXX, Python's "surrogateescape" convention,
// so os.fsencode(row["input"]) gives back the exact name.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace fxgraph {

enum class FileStatus { done, skipped, failed };

/// "done", "skipped", "failed".
std::string_view to_string(FileStatus status) noexcept;

struct ManifestRow {
  std::string input;
  std::string output;
  FileStatus status = FileStatus::failed;
  std::string error;  ///< failed: why; empty otherwise
  std::optional<std::uint64_t> frames;
  std::optional<std::uint32_t> sample_rate;
  std::optional<std::uint32_t> channels;
  std::optional<double> peak;
  std::optional<double> rms;
  double seconds = 0.0;
};

/// The row as one line of JSON, '\n' included.
std::string to_json_line(const ManifestRow& row);

/// `text` as a JSON string literal, quotes included (see above for non-UTF-8 bytes).
std::string json_string(std::string_view text);

/// Appends rows to a JSON-lines file. The file is opened for appending, so a resumed
/// batch (--skip-existing) adds to the manifest of the run it resumes; each row goes out
/// in one write(2), so a run killed outright leaves whole lines. Thread-safe.
class ManifestWriter {
 public:
  /// Opens (creates) `path`. Throws IoError naming it and the system's reason. When the
  /// file does not end with a newline (a line cut short by a crash), one is added first.
  explicit ManifestWriter(std::string path);
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  /// Appends the row. Throws IoError when the write fails (disk full).
  void write(const ManifestRow& row);

  const std::string& path() const noexcept { return path_; }

 private:
  void write_text(std::string_view text);

  std::string path_;
  int fd_ = -1;
  std::mutex mutex_;
};

}  // namespace fxgraph
