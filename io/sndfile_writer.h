#pragma once
// SndfileWriter: writes planar float audio to a file, with "nothing lost" semantics.
//
// - The constructor creates a temporary file next to the target, named
//   `.<name>.fxgraph-tmp-XXXXXX` (mkstemp), in the same folder so the final rename is
//   atomic (same file system).
// - write() interleaves and appends. commit() finalises the header, flushes the data
//   to disk (fsync), closes, and renames the temporary onto the target path.
// - Without commit() — an exception anywhere, a cancelled render — the destructor
//   removes the temporary. So a failure never leaves a partial file, and a previous
//   file at the target path stays untouched until the new one is complete.
// - Every failure is an IoError: an unwritable or missing folder (naming the folder and
//   the system's reason), a format the container cannot store, a write error such as a
//   full disk (naming the file and libsndfile's reason).
// - format.dither: pcm16 output gets TPDF dither (io/tpdf_dither.h) before rounding.
// - Float to integer conversion clips (SFC_SET_CLIPPING) instead of wrapping around.
//   clip_count() tells how many samples were beyond full scale (clipped in an integer
//   file, kept in a float one) and the peak, for a warning.
// - A committed file gets the permissions of the file it replaces, or the usual
//   0666 & ~umask for a new file (mkstemp alone would leave it private, 0600).
//
// Not for the audio thread (file I/O); feed it from a MultichannelRingBuffer.
// The header does not include <sndfile.h>: libsndfile is a private dependency.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/io/clip_count.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/tpdf_dither.h"

struct sf_private_tag;  // libsndfile's SNDFILE

namespace fxgraph {

/// Throws IoError "output path '<output>' is the input file; choose another output" when
/// both paths name the same file (compared as canonical paths, so "./a.wav" and "a.wav",
/// symlinks and hard links all count as the same). Call it before creating the writer.
void check_output_differs(const std::string& input, const std::string& output);

/// Whether `name` (a file name, no folder) is one of the temporaries SndfileWriter makes
/// for a target file named `target_name`: `.<target_name>.fxgraph-tmp-XXXXXX`. A run
/// killed outright (SIGKILL, power loss) leaves one behind; `fxgraph batch` removes them
/// for its own outputs before it starts.
bool is_writer_temporary_name(std::string_view name, std::string_view target_name) noexcept;

class SndfileWriter {
 public:
  /// Prepares to write `path`; creates the temporary file. Throws IoError.
  SndfileWriter(std::string path, std::uint32_t sample_rate, std::uint32_t channels,
                FileFormat format);
  /// Removes the temporary file unless commit() succeeded.
  ~SndfileWriter();

  SndfileWriter(SndfileWriter&& other) noexcept;
  SndfileWriter& operator=(SndfileWriter&& other) noexcept;
  SndfileWriter(const SndfileWriter&) = delete;
  SndfileWriter& operator=(const SndfileWriter&) = delete;

  /// Sizes the interleave scratch buffer for writes of up to `max_frames` frames, so
  /// write() will not allocate.
  void reserve(std::uint32_t max_frames);

  /// Appends `in` (in.num_channels must equal channels()). Throws IoError on a channel
  /// mismatch, a write error (disk full, ...), or after commit().
  void write(const ConstAudioView& in);

  /// Finishes the file and renames it onto path(). Throws IoError on failure, in which
  /// case the target path is left as it was and the temporary is removed by the
  /// destructor. Calling it twice, or after a failed write, throws IoError.
  void commit();

  const std::string& path() const noexcept { return path_; }
  /// The temporary file being written (empty after commit()).
  const std::string& temp_path() const noexcept { return temp_path_; }
  std::uint32_t sample_rate() const noexcept { return sample_rate_; }
  std::uint32_t channels() const noexcept { return channels_; }
  const FileFormat& format() const noexcept { return format_; }
  std::uint64_t frames_written() const noexcept { return frames_written_; }
  /// Samples written so far with |x| > 1, and the peak.
  const ClipCount& clip_count() const noexcept { return clip_count_; }
  bool committed() const noexcept { return committed_; }

 private:
  void discard() noexcept;  // closes and removes the temporary
  void require_open(const char* action) const;

  std::string path_;
  std::string temp_path_;
  std::uint32_t sample_rate_ = 0;
  std::uint32_t channels_ = 0;
  FileFormat format_;
  sf_private_tag* file_ = nullptr;
  int fd_ = -1;
  std::uint64_t frames_written_ = 0;
  ClipCount clip_count_;
  bool committed_ = false;
  bool failed_ = false;
  std::vector<float> interleaved_;  // scratch: channels_ * block frames
  bool dithered_ = false;           // format_.dither on a pcm16 file
  TpdfDither dither_{16};
};

}  // namespace fxgraph
