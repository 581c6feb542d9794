#include "fxgraph/batch/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

/// Length of the valid UTF-8 sequence at the start of `text`, or 0 when it is not one
/// (overlong forms, surrogates and code points above U+10FFFF are not valid).
std::size_t utf8_sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xd800 && code <= 0xdfff;
  if (overlong || surrogate || code > 0x10ffff) return 0;
  return length;
}

void append_escape(std::string& out, unsigned code) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 0xf];
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  std::array<char, 32> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), ec == std::errc() ? end : digits.data());
}

template <class T>
void append_field(std::string& out, std::string_view key, const std::optional<T>& value) {
  out += ",\"";
  out += key;
  out += "\":";
  if (!value)
    out += "null";
  else if constexpr (std::is_floating_point_v<T>)
    append_number(out, *value);
  else
    out += std::to_string(*value);
}

std::string errno_text(int error) {
  return std::strerror(error);
}

}  // namespace

std::string_view to_string(FileStatus status) noexcept {
  switch (status) {
    case FileStatus::done:
      return "done";
    case FileStatus::skipped:
      return "skipped";
    case FileStatus::failed:
      return "failed";
  }
  return "failed";
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  while (!text.empty()) {
    const auto c = static_cast<unsigned char>(text.front());
    const std::size_t length = utf8_sequence_length(text);
    if (length == 0) {
      append_escape(out, 0xdc00 | c);  // surrogateescape
      text.remove_prefix(1);
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      append_escape(out, c);
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  out += '"';
  return out;
}

std::string to_json_line(const ManifestRow& row) {
  std::string out = "{\"input\":" + json_string(row.input);
  out += ",\"output\":" + json_string(row.output);
  out += ",\"status\":" + json_string(to_string(row.status));
  out += ",\"error\":";
  out += row.status == FileStatus::failed ? json_string(row.error) : "null";
  append_field(out, "frames", row.frames);
  append_field(out, "sample_rate", row.sample_rate);
  append_field(out, "channels", row.channels);
  append_field(out, "peak", row.peak);
  append_field(out, "rms", row.rms);
  append_field(out, "seconds", std::optional<double>(row.seconds));
  out += "}\n";
  return out;
}

ManifestWriter::ManifestWriter(std::string path) : path_(std::move(path)) {
  // Read too: the last byte tells whether a crash cut the last line short.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int error = errno;
    throw IoError("cannot open manifest '" + path_ + "': " + errno_text(error));
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && st.st_size > 0) {
    char last = '\n';
    if (::pread(fd_, &last, 1, st.st_size - 1) == 1 && last != '\n') write_text("\n");
  }
}

ManifestWriter::~ManifestWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void ManifestWriter::write(const ManifestRow& row) {
  const std::string line = to_json_line(row);
  const std::lock_guard lock(mutex_);
  write_text(line);
}

void ManifestWriter::write_text(std::string_view text) {
  while (!text.empty()) {
    const ssize_t done = ::write(fd_, text.data(), text.size());
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) {
      const int error = errno;
      throw IoError("cannot write manifest '" + path_ + "': " + errno_text(error));
    }
    text.remove_prefix(std::size_t(done));
  }
}

}  // namespace fxgraph
