#pragma once
// SndfileReader: reads any audio file libsndfile can open into planar float views.
//
// - Opening is where errors surface: a missing file, a text file named .wav, a header
//   cut short all throw IoError naming the path and libsndfile's reason.
// - read() de-interleaves into the caller's planar view through a scratch buffer that
//   is sized by reserve() (or grows on the first read of a larger size), so reading is
//   allocation-free once the block size is known. Not meant for the audio thread
//   (it does file I/O); stream through a MultichannelRingBuffer for that.
// - A file whose data ends early (truncated download, full disk at record time) does
//   not crash: reads simply return fewer frames than frames() promised.
// - Integer files read as floats in [-1, 1) (libsndfile's normalisation); float files
//   read bit-exactly.
//
// The header does not include <sndfile.h>: libsndfile is a private dependency.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/io/file_format.h"

struct sf_private_tag;  // libsndfile's SNDFILE

namespace fxgraph {

class SndfileReader {
 public:
  /// Opens `path` for reading. Throws IoError "cannot open audio file '<path>': <reason>".
  explicit SndfileReader(std::string path);
  ~SndfileReader();

  SndfileReader(SndfileReader&& other) noexcept;
  SndfileReader& operator=(SndfileReader&& other) noexcept;
  SndfileReader(const SndfileReader&) = delete;
  SndfileReader& operator=(const SndfileReader&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::uint32_t sample_rate() const noexcept { return sample_rate_; }
  std::uint32_t channels() const noexcept { return channels_; }
  /// Frames the header announces. A truncated file may deliver fewer.
  std::uint64_t frames() const noexcept { return frames_; }
  /// Seconds the header announces: frames() / sample_rate().
  double duration_seconds() const noexcept;

  /// libsndfile's name of the container, e.g. "WAV (Microsoft)".
  const std::string& major_format_name() const noexcept { return major_name_; }
  /// libsndfile's name of the sample format, e.g. "32 bit float", "Signed 16 bit PCM".
  const std::string& subtype_name() const noexcept { return subtype_name_; }
  /// Both, e.g. "WAV (Microsoft), 32 bit float".
  std::string format_description() const;
  /// The sample format as one fxgraph can write, or nullopt (8-bit, u-law, ADPCM, ...).
  std::optional<SampleFormat> subtype() const noexcept;
  /// The container as one fxgraph can write, or nullopt (e.g. NIST, WAVEX, RAW).
  std::optional<ContainerFormat> container() const noexcept;
  /// Raw libsndfile SF_FORMAT_* bits.
  int sndfile_format() const noexcept { return sndfile_format_; }

  /// Sizes the interleave scratch buffer for reads of up to `max_frames` frames, so
  /// read() will not allocate.
  void reserve(std::uint32_t max_frames);

  /// Reads up to out.num_frames frames from the current position into `out`
  /// (out.num_channels must equal channels(); IoError otherwise) and returns the
  /// number read: fewer at the end of the file (0 once there), and then the rest of
  /// `out` is filled with silence. Throws IoError when libsndfile reports a read error.
  std::uint32_t read(const AudioView& out);

  /// Moves the read position to `frame` (0 = start). Throws IoError when the file is
  /// not seekable or `frame` is past the end.
  void seek(std::uint64_t frame);

  /// Frames read (or sought) since the start of the file.
  std::uint64_t position() const noexcept { return position_; }

 private:
  void close() noexcept;

  std::string path_;
  sf_private_tag* file_ = nullptr;
  std::uint32_t sample_rate_ = 0;
  std::uint32_t channels_ = 0;
  std::uint64_t frames_ = 0;
  int sndfile_format_ = 0;
  std::string major_name_;
  std::string subtype_name_;
  std::uint64_t position_ = 0;
  std::vector<float> interleaved_;  // scratch: channels_ * block frames
};

}  // namespace fxgraph
