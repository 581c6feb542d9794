#include "fxgraph/io/scratch_audio_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace fs = std::filesystem;

namespace {
std::string reason(int error) {
  return std::strerror(error);
}
}  // namespace

ScratchAudioFile::ScratchAudioFile(const std::string& next_to, std::uint32_t channels)
    : channels_(channels) {
  if (channels == 0) throw IoError("a scratch audio file needs at least one channel");
  const fs::path target(next_to);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // mkstemp needs a writable char buffer holding the template.
  std::string templ =
      (folder / ("." + target.filename().string() + ".fxgraph-cache-XXXXXX")).string();
  fd_ = ::mkstemp(templ.data());
  if (fd_ < 0) {
    const int error = errno;
    throw IoError("cannot create a scratch file in folder '" + folder.string() +
                  "': " + reason(error));
  }
  path_ = templ;
  // Unlinked at once: the descriptor keeps the data, and no exit path — exception,
  // signal, crash — can leave the file behind.
  if (::unlink(path_.c_str()) != 0) {
    const int error = errno;
    ::close(fd_);
    throw IoError("cannot unlink scratch file '" + path_ + "': " + reason(error));
  }
}

ScratchAudioFile::~ScratchAudioFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ScratchAudioFile::reserve(std::uint32_t max_frames) {
  interleaved_.resize(std::size_t(max_frames) * channels_);
}

void ScratchAudioFile::write(const ConstAudioView& in) {
  if (in.num_channels != channels_)
    throw IoError("scratch file '" + path_ + "' holds " + std::to_string(channels_) +
                  " channels, not " + std::to_string(in.num_channels));
  const std::size_t samples = std::size_t(in.num_frames) * channels_;
  if (interleaved_.size() < samples) interleaved_.resize(samples);
  for (std::uint32_t c = 0; c < channels_; ++c)
    for (std::uint32_t i = 0; i < in.num_frames; ++i)
      interleaved_[std::size_t(i) * channels_ + c] = in.channels[c][i];
  // pwrite at the end of what was written: reads and writes keep separate positions.
  const auto* bytes = reinterpret_cast<const char*>(interleaved_.data());
  std::size_t left = samples * sizeof(float);
  off_t offset = off_t(frames_ * channels_ * sizeof(float));
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, bytes, left, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      throw IoError("cannot write scratch file '" + path_ + "': " + reason(error));
    }
    bytes += n;
    left -= std::size_t(n);
    offset += n;
  }
  frames_ += in.num_frames;
}

void ScratchAudioFile::rewind() {
  read_frame_ = 0;
}

std::uint32_t ScratchAudioFile::read(const AudioView& out) {
  if (out.num_channels != channels_)
    throw IoError("scratch file '" + path_ + "' holds " + std::to_string(channels_) +
                  " channels, not " + std::to_string(out.num_channels));
  const auto frames = std::uint32_t(std::min<std::uint64_t>(out.num_frames, frames_ - read_frame_));
  const std::size_t samples = std::size_t(frames) * channels_;
  if (interleaved_.size() < samples) interleaved_.resize(samples);
  auto* bytes = reinterpret_cast<char*>(interleaved_.data());
  std::size_t left = samples * sizeof(float);
  off_t offset = off_t(read_frame_ * channels_ * sizeof(float));
  while (left > 0) {
    const ssize_t n = ::pread(fd_, bytes, left, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;  // 0: shorter than written, should not happen
      throw IoError("cannot read scratch file '" + path_ + "': " + reason(error));
    }
    bytes += n;
    left -= std::size_t(n);
    offset += n;
  }
  for (std::uint32_t c = 0; c < channels_; ++c) {
    for (std::uint32_t i = 0; i < frames; ++i)
      out.channels[c][i] = interleaved_[std::size_t(i) * channels_ + c];
    std::fill(out.channels[c] + frames, out.channels[c] + out.num_frames, 0.0f);
  }
  read_frame_ += frames;
  return frames;
}

}  // namespace fxgraph
