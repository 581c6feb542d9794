#include "fxgraph/io/sndfile_reader.h"

#include <sndfile.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/interleave.h"

namespace fxgraph {
namespace {

// libsndfile's name for a major format or a subtype, via SFC_GET_FORMAT_INFO.
std::string format_name(int format) {
  SF_FORMAT_INFO info{};
  info.format = format;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name)
    return info.name;
  char hex[32];
  std::snprintf(hex, sizeof(hex), "unknown (0x%x)", static_cast<unsigned>(format));
  return hex;
}

}  // namespace

SndfileReader::SndfileReader(std::string path) : path_(std::move(path)) {
  // libsndfile opens a directory without complaint on some systems and then fails
  // oddly; say what is wrong instead.
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec))
    throw IoError("cannot open audio file '" + path_ + "': it is a directory");

  SF_INFO info{};
  file_ = sf_open(path_.c_str(), SFM_READ, &info);
  if (!file_) throw IoError("cannot open audio file '" + path_ + "': " + sf_strerror(nullptr));
  if (info.channels <= 0 || info.samplerate <= 0 || info.frames < 0) {
    close();
    throw IoError("cannot open audio file '" + path_ + "': invalid header (" +
                  std::to_string(info.channels) + " channels, " + std::to_string(info.samplerate) +
                  " Hz)");
  }
  sample_rate_ = static_cast<std::uint32_t>(info.samplerate);
  channels_ = static_cast<std::uint32_t>(info.channels);
  frames_ = static_cast<std::uint64_t>(info.frames);
  sndfile_format_ = info.format;
  major_name_ = format_name(info.format & SF_FORMAT_TYPEMASK);
  subtype_name_ = format_name(info.format & SF_FORMAT_SUBMASK);
}

SndfileReader::~SndfileReader() {
  close();
}

SndfileReader::SndfileReader(SndfileReader&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::exchange(other.file_, nullptr)),
      sample_rate_(other.sample_rate_),
      channels_(other.channels_),
      frames_(other.frames_),
      sndfile_format_(other.sndfile_format_),
      major_name_(std::move(other.major_name_)),
      subtype_name_(std::move(other.subtype_name_)),
      position_(other.position_),
      interleaved_(std::move(other.interleaved_)) {}

SndfileReader& SndfileReader::operator=(SndfileReader&& other) noexcept {
  if (this != &other) {
    close();
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
    sample_rate_ = other.sample_rate_;
    channels_ = other.channels_;
    frames_ = other.frames_;
    sndfile_format_ = other.sndfile_format_;
    major_name_ = std::move(other.major_name_);
    subtype_name_ = std::move(other.subtype_name_);
    position_ = other.position_;
    interleaved_ = std::move(other.interleaved_);
  }
  return *this;
}

void SndfileReader::close() noexcept {
  if (file_) sf_close(file_);
  file_ = nullptr;
}

double SndfileReader::duration_seconds() const noexcept {
  return static_cast<double>(frames_) / static_cast<double>(sample_rate_);
}

std::string SndfileReader::format_description() const {
  return major_name_ + ", " + subtype_name_;
}

std::optional<SampleFormat> SndfileReader::subtype() const noexcept {
  return sample_format_from_sndfile(sndfile_format_);
}

std::optional<ContainerFormat> SndfileReader::container() const noexcept {
  return container_from_sndfile(sndfile_format_);
}

void SndfileReader::reserve(std::uint32_t max_frames) {
  const std::size_t needed = static_cast<std::size_t>(max_frames) * channels_;
  if (interleaved_.size() < needed) interleaved_.resize(needed);
}

std::uint32_t SndfileReader::read(const AudioView& out) {
  if (!file_) throw IoError("cannot read '" + path_ + "': the reader was moved from");
  if (out.num_channels != channels_)
    throw IoError("cannot read '" + path_ + "': the file has " + std::to_string(channels_) +
                  " channels but the buffer has " + std::to_string(out.num_channels));
  reserve(out.num_frames);

  // sf_readf_float may return short reads before the end; loop until the view is full
  // or the file has nothing more (end of data, or a truncated data chunk).
  std::uint32_t done = 0;
  while (done < out.num_frames) {
    const sf_count_t got =
        sf_readf_float(file_, interleaved_.data(), static_cast<sf_count_t>(out.num_frames - done));
    if (got <= 0) break;
    const auto n = static_cast<std::uint32_t>(got);
    deinterleave(interleaved_.data(), out, done, n);
    done += n;
  }
  position_ += done;

  if (done < out.num_frames) {
    const int error = sf_error(file_);
    if (error != SF_ERR_NO_ERROR)
      throw IoError("cannot read '" + path_ + "': " + sf_error_number(error));
    for (std::uint32_t c = 0; c < channels_; ++c)
      std::fill(out.channels[c] + done, out.channels[c] + out.num_frames, 0.0f);
  }
  return done;
}

void SndfileReader::seek(std::uint64_t frame) {
  if (!file_) throw IoError("cannot seek in '" + path_ + "': the reader was moved from");
  if (frame > frames_)
    throw IoError("cannot seek to frame " + std::to_string(frame) + " in '" + path_ + "': it has " +
                  std::to_string(frames_) + " frames");
  if (sf_seek(file_, static_cast<sf_count_t>(frame), SEEK_SET) < 0)
    throw IoError("cannot seek to frame " + std::to_string(frame) + " in '" + path_ +
                  "': " + sf_strerror(file_));
  position_ = frame;
}

}  // namespace fxgraph
