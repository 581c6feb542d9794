#include "fxgraph/engine/stream_config.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <system_error>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

const char* to_string(StreamState state) noexcept {
  switch (state) {
    case StreamState::closed:
      return "closed";
    case StreamState::open:
      return "open";
    case StreamState::running:
      return "running";
    case StreamState::stopped:
      return "stopped";
    case StreamState::error:
      return "error";
  }
  return "unknown";
}

const char* to_string(StreamDirection direction) noexcept {
  switch (direction) {
    case StreamDirection::input:
      return "input";
    case StreamDirection::output:
      return "output";
    case StreamDirection::duplex:
      return "duplex";
  }
  return "unknown";
}

namespace {

// Shortest text that reads back to the same double ("0.01", not "0.010000").
std::string format_number(double value) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec != std::errc{}) return "?";
  return std::string(text, end);
}

[[noreturn]] void invalid(const char* field, const std::string& value, const char* expected) {
  std::ostringstream message;
  message << "StreamConfig." << field << " = " << value << " is invalid: expected " << expected;
  throw ConfigError(message.str());
}

bool is_power_of_two(std::uint32_t n) noexcept {
  return n != 0 && (n & (n - 1)) == 0;
}

}  // namespace

Latency Latency::from_string(std::string_view text) {
  if (text == "low") return low();
  if (text == "high") return high();
  double s = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(s) ||
      s <= 0.0) {
    throw ConfigError("latency \"" + std::string(text) +
                      "\" is invalid: expected \"low\", \"high\" or a number of seconds > 0 "
                      "(e.g. \"0.01\")");
  }
  return of_seconds(s);
}

std::string Latency::to_string() const {
  switch (kind) {
    case Kind::low:
      return "low";
    case Kind::high:
      return "high";
    case Kind::seconds:
      return format_number(seconds);
  }
  return "unknown";
}

void StreamConfig::validate() const {
  if (!(sample_rate >= min_sample_rate && sample_rate <= max_sample_rate))  // also rejects NaN
    invalid("sample_rate", format_number(sample_rate), "a rate from 8000 to 384000 Hz");
  if (!is_power_of_two(buffer_size) || buffer_size < min_buffer_size ||
      buffer_size > max_buffer_size)
    invalid("buffer_size", std::to_string(buffer_size), "a power of two from 16 to 8192 frames");
  if (channels_in > max_channels)
    invalid("channels_in", std::to_string(channels_in), "0 to 64 channels");
  if (channels_out > max_channels)
    invalid("channels_out", std::to_string(channels_out), "0 to 64 channels");
  if (channels_in == 0 && channels_out == 0)
    invalid("channels_in/channels_out", "0/0",
            "at least one input or output channel (each 0 to 64)");
  if (latency.kind == Latency::Kind::seconds &&
      !(latency.seconds > 0.0 && latency.seconds <= max_latency_seconds))
    invalid("latency", format_number(latency.seconds), "\"low\", \"high\" or seconds in (0, 10]");
}

StreamDirection StreamConfig::direction() const noexcept {
  if (channels_in > 0 && channels_out > 0) return StreamDirection::duplex;
  if (channels_in > 0) return StreamDirection::input;
  return StreamDirection::output;
}

double StreamConfig::latency_ms() const noexcept {
  const double period_ms = static_cast<double>(buffer_size) / sample_rate * 1000.0;
  switch (latency.kind) {
    case Latency::Kind::low:
      return period_ms;
    case Latency::Kind::high:
      return 2.0 * period_ms;
    case Latency::Kind::seconds:
      return latency.seconds * 1000.0;
  }
  return period_ms;
}

}  // namespace fxgraph
