#include "stdio_audio.h"

#include <fcntl.h>
#include <signal.h>
#include <sndfile.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/file_format.h"

namespace fxgraph::cli {

namespace fs = std::filesystem;

namespace {

/// libsndfile subtypes of the raw encodings --encoding names.
const std::map<std::string, int>& raw_encodings() {
  static const std::map<std::string, int> encodings{{"f32", SF_FORMAT_FLOAT},
                                                    {"f64", SF_FORMAT_DOUBLE},
                                                    {"s16", SF_FORMAT_PCM_16},
                                                    {"s24", SF_FORMAT_PCM_24},
                                                    {"s32", SF_FORMAT_PCM_32}};
  return encodings;
}

std::string temp_folder() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

[[noreturn]] void throw_system_error(const std::string& what, int error) {
  throw IoError(what + ": " + std::strerror(error));
}

/// Writes all of `data` to `fd`, retrying short writes.
void write_all(int fd, const char* data, std::size_t size, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_system_error(what, errno);
    }
    data += n;
    size -= std::size_t(n);
  }
}

/// Copies standard input, byte for byte, to `fd`; returns the bytes copied.
std::uint64_t copy_stdin(int fd, const std::string& scratch) {
  std::vector<char> buffer(1 << 16);
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n == 0) return total;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_system_error("cannot read standard input", errno);
    }
    write_all(fd, buffer.data(), std::size_t(n), "cannot write '" + scratch + "'");
    total += std::uint64_t(n);
  }
}

/// Reads the raw samples in `raw_fd` (from its start) and stores them in `fd` as a WAV
/// of the same encoding (RF64 beyond 4 GiB); libsndfile converts the byte order. PCM
/// goes through int and floats through their own type, so every sample arrives exactly.
void convert_raw(int raw_fd, int fd, const RawInputFlags& flags, const std::string& scratch) {
  const int subtype = raw_encodings().at(flags.encoding);
  SF_INFO in_info{};
  in_info.format = SF_FORMAT_RAW | subtype;
  in_info.samplerate = int(flags.rate);
  in_info.channels = int(flags.channels);
  ::lseek(raw_fd, 0, SEEK_SET);
  SNDFILE* in = sf_open_fd(raw_fd, SFM_READ, &in_info, SF_FALSE);
  if (!in)
    throw UsageError(std::string("cannot read raw samples from standard input: ") +
                     sf_strerror(nullptr));
  SF_INFO out_info{};
  out_info.format = SF_FORMAT_RF64 | subtype;
  out_info.samplerate = in_info.samplerate;
  out_info.channels = in_info.channels;
  SNDFILE* out = sf_open_fd(fd, SFM_WRITE, &out_info, SF_FALSE);
  if (!out) {
    sf_close(in);
    throw IoError("cannot write '" + scratch + "': " + sf_strerror(nullptr));
  }
  sf_command(out, SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);  // a WAV when it fits
  const bool floating = subtype == SF_FORMAT_FLOAT || subtype == SF_FORMAT_DOUBLE;
  constexpr sf_count_t kFrames = 4096;
  std::vector<int> ints(floating ? 0 : std::size_t(kFrames) * flags.channels);
  std::vector<double> doubles(floating ? std::size_t(kFrames) * flags.channels : 0);
  std::string failure;
  for (;;) {
    const sf_count_t got = floating ? sf_readf_double(in, doubles.data(), kFrames)
                                    : sf_readf_int(in, ints.data(), kFrames);
    if (got <= 0) break;
    const sf_count_t put = floating ? sf_writef_double(out, doubles.data(), got)
                                    : sf_writef_int(out, ints.data(), got);
    if (put != got) {
      failure = "cannot write '" + scratch + "': " + sf_strerror(out);
      break;
    }
  }
  sf_close(in);
  if (sf_close(out) != 0 && failure.empty()) failure = "cannot finish '" + scratch + "'";
  if (!failure.empty()) throw IoError(failure);
}

/// An unlinked scratch file in $TMPDIR, open for reading and writing; `name` gets the
/// name it had (for messages).
int make_scratch_file(std::string& name) {
  name = (fs::path(temp_folder()) / "fxgraph-stdin-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw_system_error("cannot create a scratch file in '" + temp_folder() + "'", errno);
  ::unlink(name.c_str());  // the descriptor keeps it; nothing is ever left behind
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

/// Bytes per frame of the raw encoding, to tell whether the input ended inside a frame.
std::uint64_t raw_frame_bytes(const RawInputFlags& flags) {
  const std::string& e = flags.encoding;
  const std::uint64_t sample = e == "s16" ? 2 : e == "s24" ? 3 : e == "f64" ? 8 : 4;
  return sample * flags.channels;
}

/// Fills the scratch file `fd` (opened as `path`, created as `name`) from standard
/// input and checks that libsndfile reads it whole (see StdinAudio's constructor).
void spool_stdin(int fd, const std::string& name, const std::string& path,
                 const RawInputFlags& format) {
  if (!format.raw()) {
    if (copy_stdin(fd, name) == 0)
      throw UsageError(
          "standard input is empty: expected audio such as a WAV stream (or raw "
          "samples with --type raw)");
  } else {
    // The bytes first: libsndfile would drop a partial last frame without a word.
    std::string raw_name;
    const int raw_fd = make_scratch_file(raw_name);
    try {
      const std::uint64_t bytes = copy_stdin(raw_fd, raw_name);
      if (bytes == 0) throw UsageError("standard input is empty: expected raw samples");
      if (bytes % raw_frame_bytes(format) != 0)
        throw UsageError("standard input holds " + std::to_string(bytes) +
                         " bytes, not a whole number of frames of " +
                         std::to_string(format.channels) + " " + format.encoding +
                         " samples: are --encoding and --input-channels right?");
      convert_raw(raw_fd, fd, format, name);
    } catch (...) {
      ::close(raw_fd);
      throw;
    }
    ::close(raw_fd);
  }

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file)
    throw UsageError(
        std::string("standard input is not audio fxgraph can read (") + sf_strerror(nullptr) +
        "); for bare samples give --type raw with --encoding, --input-rate and --input-channels");
  sf_close(file);
  if (const auto problem = truncation_problem(path))
    throw UsageError("standard input is damaged: " + *problem);
}

}  // namespace

void RawInputFlags::add_to(CLI::App& command) {
  std::vector<std::string> encodings;
  for (const auto& [name, subtype] : raw_encodings()) encodings.push_back(name);
  command
      .add_option("--type", type,
                  "raw: standard input holds bare samples, described by --encoding, --input-rate "
                  "and --input-channels (without it, the input's header says)")
      ->check(CLI::IsMember({"raw"}));
  command
      .add_option("--encoding", encoding,
                  "raw samples: " + join_names(encodings) + " (in the machine's byte order)")
      ->capture_default_str()
      ->check(CLI::IsMember(encodings));
  rate_option = command.add_option("--input-rate", rate, "raw samples: the sample rate in Hz");
  channels_option =
      command.add_option("--input-channels", channels, "raw samples: channels per frame")
          ->check(CLI::Range(1u, 64u));
}

void RawInputFlags::check(const std::string& input_path) const {
  const bool described = rate_option->count() || channels_option->count();
  if (!raw()) {
    if (described)
      throw UsageError(
          "--input-rate and --input-channels describe raw samples; give --type raw with them");
    return;
  }
  if (!is_stdio(input_path))
    throw UsageError(
        "--type raw reads standard input: give '-' as the input (e.g. `fxgraph "
        "process - out.wav --type raw … < samples.raw`)");
  if (!rate_option->count() || !channels_option->count())
    throw UsageError(
        "--type raw needs --input-rate and --input-channels (e.g. --input-rate 48000 "
        "--input-channels 2)");
  if (!(rate >= 1.0 && rate <= 768000.0 && rate == double(int(rate))))
    throw UsageError("--input-rate must be a whole number of Hz from 1 to 768000, not " +
                     format_number(rate));
}

StdinAudio::StdinAudio(const RawInputFlags& format) {
  if (::isatty(STDIN_FILENO) == 1)
    throw UsageError(
        "the input is '-' (standard input), which is a terminal: pipe audio into "
        "it, e.g. `fxgraph process - out.wav --chain … < in.wav`");
  std::string name;
  fd_ = make_scratch_file(name);
  path_ = "/proc/self/fd/" + std::to_string(fd_);

  try {
    spool_stdin(fd_, name, path_, format);
  } catch (...) {
    ::close(fd_);  // no destructor runs for an object whose constructor threw
    throw;
  }
}

StdinAudio::~StdinAudio() {
  if (fd_ >= 0) ::close(fd_);
}

StdoutAudio::StdoutAudio(const std::string& sample_format) {
  try {
    (void)make_file_format("stdout.wav", sample_format);
  } catch (const IoError& e) {
    throw UsageError("standard output is written as WAV: " + std::string(e.what()));
  }
  std::string folder = (fs::path(temp_folder()) / "fxgraph-stdout-XXXXXX").string();
  if (!::mkdtemp(folder.data()))
    throw_system_error("cannot create a scratch folder in '" + temp_folder() + "'", errno);
  folder_ = folder;
  path_ = (fs::path(folder_) / "stdout.wav").string();
}

StdoutAudio::~StdoutAudio() {
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

void StdoutAudio::send() const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_system_error("cannot read '" + path_ + "'", errno);
  // A reader that goes away (`| head -c 100`) must give an error, not kill the process
  // with SIGPIPE before it cleans up.
  ::signal(SIGPIPE, SIG_IGN);
  std::array<char, 1 << 16> buffer;
  try {
    for (;;) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_system_error("cannot read '" + path_ + "'", errno);
      }
      write_all(STDOUT_FILENO, buffer.data(), std::size_t(n), "cannot write to standard output");
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

std::string display_path(const std::string& path, bool output) {
  if (!is_stdio(path)) return "'" + path + "'";
  return output ? "standard output" : "standard input";
}

}  // namespace fxgraph::cli
