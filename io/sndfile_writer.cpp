#include "fxgraph/io/sndfile_writer.h"

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/interleave.h"

namespace fxgraph {
namespace fs = std::filesystem;

namespace {

// The temporary's name around the target's: `.<target>.fxgraph-tmp-XXXXXX` (mkstemp).
constexpr std::string_view kTemporaryInfix = ".fxgraph-tmp-";
constexpr std::size_t kMkstempSuffixLength = 6;

std::string errno_text(int error) {
  return std::strerror(error);
}

// The process umask without changing it (umask(2) can only set it, racing with other
// threads): Linux reports it in /proc/self/status. Falls back to the usual 022.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  return 022;
}

// Permissions for the committed file: those of the file it replaces, else 0666 & ~umask.
mode_t final_mode(const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) return st.st_mode & 07777;
  return 0666 & ~current_umask();
}

bool is_pcm(SampleFormat sample) {
  return sample == SampleFormat::pcm16 || sample == SampleFormat::pcm24 ||
         sample == SampleFormat::pcm32;
}

}  // namespace

void check_output_differs(const std::string& input, const std::string& output) {
  bool same = false;
  std::error_code ec;
  // equivalent() catches hard links and symlinks when both exist.
  if (fs::exists(input, ec) && fs::exists(output, ec)) same = fs::equivalent(input, output, ec);
  if (!same) {
    std::error_code ec_in, ec_out;
    const fs::path a = fs::weakly_canonical(input, ec_in);
    const fs::path b = fs::weakly_canonical(output, ec_out);
    if (!ec_in && !ec_out)
      same = a == b;
    else
      same =
          fs::absolute(input, ec).lexically_normal() == fs::absolute(output, ec).lexically_normal();
  }
  if (same) throw IoError("output path '" + output + "' is the input file; choose another output");
}

bool is_writer_temporary_name(std::string_view name, std::string_view target_name) noexcept {
  const std::size_t length = 1 + target_name.size() + kTemporaryInfix.size() + kMkstempSuffixLength;
  return name.size() == length && name.front() == '.' &&
         name.substr(1, target_name.size()) == target_name &&
         name.substr(1 + target_name.size(), kTemporaryInfix.size()) == kTemporaryInfix;
}

SndfileWriter::SndfileWriter(std::string path, std::uint32_t sample_rate, std::uint32_t channels,
                             FileFormat format)
    : path_(std::move(path)), sample_rate_(sample_rate), channels_(channels), format_(format) {
  if (sample_rate == 0) throw IoError("cannot write '" + path_ + "': sample rate must be > 0");
  if (channels == 0) throw IoError("cannot write '" + path_ + "': channels must be > 0");
  validate_file_format(format_);
  dithered_ = format_.dither && format_.sample == SampleFormat::pcm16;

  const fs::path target(path_);
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..")
    throw IoError("cannot write '" + path_ + "': the path names a folder, not a file");
  std::error_code ec;
  if (fs::is_directory(target, ec))
    throw IoError("cannot write '" + path_ + "': a folder of that name exists");
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");

  SF_INFO info{};
  info.samplerate = static_cast<int>(sample_rate);
  info.channels = static_cast<int>(channels);
  info.format = to_sndfile_format(format_);
  if (!sf_format_check(&info))
    throw IoError("cannot write '" + path_ + "': the " + std::string(to_string(format_.container)) +
                  " format does not accept " + std::to_string(channels) + " channels of " +
                  std::string(to_string(format_.sample)) + " at " + std::to_string(sample_rate) +
                  " Hz");

  // mkstemp needs a writable char buffer holding the template.
  std::string templ = (folder / ("." + name + std::string(kTemporaryInfix) + "XXXXXX")).string();
  static_assert(std::string_view("XXXXXX").size() == kMkstempSuffixLength);
  fd_ = ::mkstemp(templ.data());
  if (fd_ < 0) {
    const int error = errno;
    throw IoError("cannot write to folder '" + folder.string() + "': " + errno_text(error));
  }
  temp_path_ = templ;

  try {
    if (::fchmod(fd_, final_mode(path_)) != 0) {
      const int error = errno;
      throw IoError("cannot set permissions of '" + temp_path_ + "': " + errno_text(error));
    }
    // SF_FALSE: we keep the descriptor, to fsync it after libsndfile finalises the header.
    file_ = sf_open_fd(fd_, SFM_WRITE, &info, SF_FALSE);
    if (!file_) throw IoError("cannot write '" + path_ + "': " + std::string(sf_strerror(nullptr)));
    if (is_pcm(format_.sample)) sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    // No PEAK chunk in float WAV/AIFF: libsndfile would scan every sample written for it
    // (a tenth of the CPU of a plain copy), and nothing reads it back (`fxgraph info`
    // measures the peak itself; most tools ignore the chunk).
    sf_command(file_, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    if (format_.flac_compression_level) {
      // libsndfile takes 0.0 (fastest) .. 1.0 (smallest); FLAC's levels are 0 .. 8.
      double level = *format_.flac_compression_level / 8.0;
      if (sf_command(file_, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level)) != SF_TRUE)
        throw IoError("cannot write '" + path_ + "': libsndfile refused compression level " +
                      std::to_string(*format_.flac_compression_level));
    }
  } catch (...) {
    discard();
    throw;
  }
}

SndfileWriter::~SndfileWriter() {
  discard();
}

SndfileWriter::SndfileWriter(SndfileWriter&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::exchange(other.temp_path_, std::string())),
      sample_rate_(other.sample_rate_),
      channels_(other.channels_),
      format_(other.format_),
      file_(std::exchange(other.file_, nullptr)),
      fd_(std::exchange(other.fd_, -1)),
      frames_written_(other.frames_written_),
      clip_count_(other.clip_count_),
      committed_(other.committed_),
      failed_(other.failed_),
      interleaved_(std::move(other.interleaved_)),
      dithered_(other.dithered_),
      dither_(other.dither_) {}

SndfileWriter& SndfileWriter::operator=(SndfileWriter&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    temp_path_ = std::exchange(other.temp_path_, std::string());
    sample_rate_ = other.sample_rate_;
    channels_ = other.channels_;
    format_ = other.format_;
    file_ = std::exchange(other.file_, nullptr);
    fd_ = std::exchange(other.fd_, -1);
    frames_written_ = other.frames_written_;
    clip_count_ = other.clip_count_;
    committed_ = other.committed_;
    failed_ = other.failed_;
    interleaved_ = std::move(other.interleaved_);
    dithered_ = other.dithered_;
    dither_ = other.dither_;
  }
  return *this;
}

void SndfileWriter::discard() noexcept {
  if (file_) sf_close(file_);
  file_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

void SndfileWriter::require_open(const char* action) const {
  if (committed_)
    throw IoError(std::string("cannot ") + action + " '" + path_ + "': already committed");
  if (failed_)
    throw IoError(std::string("cannot ") + action + " '" + path_ + "': an earlier write failed");
  if (!file_)
    throw IoError(std::string("cannot ") + action + " '" + path_ + "': the writer was moved from");
}

void SndfileWriter::reserve(std::uint32_t max_frames) {
  const std::size_t needed = static_cast<std::size_t>(max_frames) * channels_;
  if (interleaved_.size() < needed) interleaved_.resize(needed);
}

void SndfileWriter::write(const ConstAudioView& in) {
  require_open("write");
  if (in.num_channels != channels_)
    throw IoError("cannot write '" + path_ + "': the file has " + std::to_string(channels_) +
                  " channels but the buffer has " + std::to_string(in.num_channels));
  if (in.num_frames == 0) return;
  reserve(in.num_frames);

  interleave(in, interleaved_.data());
  clip_count_.add(interleaved_.data(), std::size_t(in.num_frames) * channels_);
  if (dithered_) {
    // libsndfile's float to pcm16 conversion truncates towards -inf (measured: +0.7 LSB
    // is written as 0, -0.7 LSB as -1); half an LSB on top of the dither makes it round,
    // so the error is the dither's zero-mean triangle and not a -0.5 LSB offset.
    const std::size_t count = std::size_t(in.num_frames) * channels_;
    dither_.apply(interleaved_.data(), count);
    const float half = 0.5f * dither_.lsb();
    for (std::size_t i = 0; i < count; ++i) interleaved_[i] += half;
  }

  errno = 0;
  const sf_count_t done = sf_writef_float(file_, interleaved_.data(), in.num_frames);
  if (done != static_cast<sf_count_t>(in.num_frames)) {
    failed_ = true;
    const int error = errno;  // libsndfile's own text is often just "System error"
    std::string reason = sf_strerror(file_);
    if (error != 0 && reason.find(errno_text(error)) == std::string::npos)
      reason += " (" + errno_text(error) + ")";
    throw IoError("cannot write '" + path_ + "': " + reason);
  }
  frames_written_ += in.num_frames;
}

void SndfileWriter::commit() {
  require_open("commit");
  failed_ = true;  // until the rename succeeds; the destructor then removes the temporary

  // sf_close writes the final header (sizes); a failure here is a write failure too.
  const int close_error = sf_close(file_);
  file_ = nullptr;
  if (close_error != 0)
    throw IoError("cannot write '" + path_ + "': " + sf_error_number(close_error));
  if (::fsync(fd_) != 0) {
    const int error = errno;
    throw IoError("cannot write '" + path_ + "': " + errno_text(error));
  }
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    const int error = errno;
    throw IoError("cannot write '" + path_ + "': " + errno_text(error));
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    throw IoError("cannot rename '" + temp_path_ + "' to '" + path_ + "': " + errno_text(error));
  }
  committed_ = true;
  failed_ = false;
  temp_path_.clear();

  // Make the rename itself durable; best effort (some file systems refuse to fsync a folder).
  const fs::path folder = fs::path(path_).has_parent_path() ? fs::path(path_).parent_path() : ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace fxgraph
