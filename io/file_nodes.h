#pragma once
// file_in / file_out: audio files at the edges of a graph.
//
// The nodes themselves do no file I/O — their process() stays realtime-clean. A
// driver (the offline renderer, or a file-playing backend) stages the next block of a
// file_in from its reader before the block runs, and flushes each file_out's block to
// its writer after it. The file is opened when the node is built, so a missing or
// unreadable input is reported while loading the graph, not half-way through it.
//
// A file_in at another rate than the graph's is refused by the drivers, unless it was
// built with `resample: true` or the driver was asked to convert (`--rate R`): then
// convert_to() puts a StreamResampler (libsoxr, aligned, chunking-independent) between
// the file and the staging buffer.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fxgraph/engine/node.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_resampler.h"

namespace fxgraph {

class FileInNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "file_in";

  /// Opens `path` (throws IoError). The output has the file's channel count.
  /// `resample`: the file may be converted to the graph's rate (see convert_to).
  explicit FileInNode(std::string path, bool resample = false);

  const std::string& path() const noexcept { return reader_.path(); }
  double file_sample_rate() const noexcept { return reader_.sample_rate(); }
  std::uint64_t file_frames() const noexcept { return reader_.frames(); }
  const SndfileReader& reader() const noexcept { return reader_; }
  /// Whether the graph asked for this file to be converted to the graph's rate.
  bool resample_requested() const noexcept { return resample_; }

  /// Converts the file to `rate` from now on (nothing to do at the file's own rate).
  /// Driver thread, before the first stage(). Throws ConfigError for a rate soxr refuses.
  void convert_to(double rate);
  /// The rate stage() delivers: the file's, or the one convert_to() set.
  double output_rate() const noexcept {
    return resampler_ ? resampler_->to_rate() : file_sample_rate();
  }
  /// The length stage() delivers, in frames at output_rate().
  std::uint64_t output_frames() const noexcept {
    return resampler_ ? resampler_->converted_frames(file_frames()) : file_frames();
  }

  /// Reads the next `frames` frames into the staging buffer (silence past the end).
  /// Driver thread, before the block runs. Returns frames actually read.
  std::uint32_t stage(std::uint32_t frames);
  /// Back to the start of the file (a second pass, e.g. for normalize).
  void rewind();

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  std::uint32_t stage_converted(const AudioView& view);

  SndfileReader reader_;
  bool resample_ = false;
  AudioBuffer staged_;
  std::unique_ptr<StreamResampler> resampler_;
  AudioBuffer file_chunk_;  // file frames on their way into the resampler
};

/// Where and how a file_out writes.
struct FileOutOptions {
  std::string path;
  std::string sample_format;            ///< "pcm16", "float", …; empty: default
  std::optional<int> flac_compression;  ///< 0 … 8, FLAC only
  bool dither = true;                   ///< TPDF dither for pcm16 (io/tpdf_dither.h)
};

class FileOutNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "file_out";

  explicit FileOutNode(FileOutOptions options);

  const std::string& path() const noexcept { return options_.path; }
  /// Creates the writer (a temporary file next to the target). Call after prepare.
  /// `input_sample` keeps the input's sample format when the options give none.
  void open(std::uint32_t sample_rate, std::optional<SampleFormat> input_sample);
  /// Writes frames [from, frames) of the block the graph just produced (a render drops
  /// the graph's latency from the start with `from`). Driver thread, after the block.
  void flush(std::uint32_t frames, std::uint32_t from = 0);
  /// The block the graph just produced (its first `frames` frames), before flush.
  ConstAudioView staged_block(std::uint32_t frames) noexcept { return staged_.view(frames); }
  /// Renames the finished file onto its path.
  void commit();
  /// Drops the temporary (also what destruction without commit does).
  void abandon() noexcept { writer_.reset(); }
  /// Samples beyond full scale written so far (kept after commit), and the peak.
  const ClipCount& clip_count() const noexcept {
    return writer_ ? writer_->clip_count() : clip_count_;
  }
  /// The sample format of the file opened (valid after open()).
  SampleFormat sample_format() const noexcept { return sample_format_; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  FileOutOptions options_;
  std::unique_ptr<SndfileWriter> writer_;
  ClipCount clip_count_;  // the committed writer's
  SampleFormat sample_format_ = SampleFormat::float32;
  AudioBuffer staged_;
};

}  // namespace fxgraph
