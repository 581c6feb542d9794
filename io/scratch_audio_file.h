#pragma once
// ScratchAudioFile: a driver's intermediate signal on disk — written once, read back
// from the start as many times as needed — with flat memory however long it is.
//
// Used to keep the signal arriving at a multi-pass node (normalize) during its
// measuring pass, so the later passes need not run the DSP upstream of it again
// (engine/multipass_split.h).
//
// - The file is created next to a given path (the output file), not in /tmp: it is as
//   big as the signal (4 bytes per sample), and /tmp is often small or in RAM. It is
//   named `.<name>.fxgraph-cache-XXXXXX` (mkstemp) and unlinked at once, keeping only
//   the open descriptor: nothing is ever left behind — not on success, not on an
//   exception, not even if the process is killed. Its blocks are freed on destruction.
// - Samples are raw interleaved float32 in the machine's byte order: what the graph
//   produced, bit for bit (a float buffer round-trips exactly), with no header to get
//   wrong and no size limit (a WAV header would stop at 4 GiB).
// - write() and read() convert through a scratch buffer sized by reserve() (or grown on
//   first use), so they do not allocate once the block size is known.
// - Every failure is an IoError naming the file and the system's reason (an
//   unwritable folder, a full disk).
//
// Not for the audio thread (file I/O); drivers call it from their reader and writer
// threads. One thread at a time.

#include <cstdint>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

class ScratchAudioFile {
 public:
  /// Creates (and unlinks) the file in the folder of `next_to`. Throws IoError.
  ScratchAudioFile(const std::string& next_to, std::uint32_t channels);
  ~ScratchAudioFile();
  ScratchAudioFile(const ScratchAudioFile&) = delete;
  ScratchAudioFile& operator=(const ScratchAudioFile&) = delete;

  /// The name the file had when created (for messages; it no longer exists).
  const std::string& path() const noexcept { return path_; }
  std::uint32_t channels() const noexcept { return channels_; }
  /// Frames written so far.
  std::uint64_t frames() const noexcept { return frames_; }

  /// Sizes the conversion buffer for blocks of up to `max_frames`, so write() and
  /// read() will not allocate.
  void reserve(std::uint32_t max_frames);
  /// Appends `in` (in.num_channels must equal channels()). Throws IoError.
  void write(const ConstAudioView& in);
  /// Moves the read position back to the first frame.
  void rewind();
  /// Reads up to out.num_frames frames into `out` and returns the number read (0 at the
  /// end); the rest of `out` is filled with silence. Throws IoError.
  std::uint32_t read(const AudioView& out);

 private:
  std::string path_;
  int fd_ = -1;
  std::uint32_t channels_;
  std::uint64_t frames_ = 0;      // written
  std::uint64_t read_frame_ = 0;  // next frame read() returns
  std::vector<float> interleaved_;
};

}  // namespace fxgraph
