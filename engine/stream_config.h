#pragma once
// What a live stream asks of a backend: rate, period, channel counts and latency,
// plus the states a stream moves through. Mirrors torchfx's StreamConfig/StreamState.
//
// A StreamConfig is a request. Backends that own the clock (JACK) decide the actual
// sample rate and period; ask the backend (`AudioBackend::sample_rate()`,
// `buffer_size()`) after open() for the values in force.
//
// Build one with designated initialisers and validate it once, where it is built:
//
//   StreamConfig config{.sample_rate = 44100, .buffer_size = 256, .channels_in = 1};
//   config.validate();  // throws ConfigError naming the field and its allowed range

#include <cstdint>
#include <string>
#include <string_view>

namespace fxgraph {

/// The life of a stream:  closed -> open -> running <-> stopped -> closed.
/// `error` is entered asynchronously when the stream is lost (e.g. the JACK server
/// died); from there only close() is useful.
enum class StreamState { closed, open, running, stopped, error };

/// "closed", "open", "running", "stopped" or "error".
const char* to_string(StreamState state) noexcept;

/// Which way audio flows, derived from the channel counts.
enum class StreamDirection { input, output, duplex };

/// "input", "output" or "duplex".
const char* to_string(StreamDirection direction) noexcept;

/// The latency a stream asks for: torchfx's "low" / "high" presets, or a number of
/// seconds. What the presets mean is defined by StreamConfig::latency_ms().
struct Latency {
  enum class Kind { low, high, seconds };

  Kind kind = Kind::low;
  double seconds = 0.0;  ///< only meaningful when kind == Kind::seconds

  static Latency low() noexcept { return {Kind::low, 0.0}; }
  static Latency high() noexcept { return {Kind::high, 0.0}; }
  static Latency of_seconds(double s) noexcept { return {Kind::seconds, s}; }

  /// Parses "low", "high" or a number of seconds ("0.01"). Throws ConfigError
  /// naming the text and what was expected; the number must be finite and > 0.
  static Latency from_string(std::string_view text);

  /// "low", "high" or the seconds as a number ("0.01"); from_string() reads it back.
  std::string to_string() const;

  bool operator==(const Latency&) const = default;
};

/// A request for a live stream. Plain data; validate() checks it.
struct StreamConfig {
  double sample_rate = 48000;       ///< Hz, 8000 to 384000
  std::uint32_t buffer_size = 512;  ///< frames per period: a power of two, 16 to 8192
  std::uint32_t channels_in = 2;    ///< 0 to 64
  std::uint32_t channels_out = 2;   ///< 0 to 64; at least one of in/out is > 0
  Latency latency = Latency::low();

  static constexpr double min_sample_rate = 8000;
  static constexpr double max_sample_rate = 384000;
  static constexpr std::uint32_t min_buffer_size = 16;
  static constexpr std::uint32_t max_buffer_size = 8192;
  static constexpr std::uint32_t max_channels = 64;
  static constexpr double max_latency_seconds = 10.0;

  /// Throws ConfigError if a field is out of range; the message names the field,
  /// the value and the allowed range, e.g.
  /// "StreamConfig.buffer_size = 100 is invalid: expected a power of two from 16 to 8192".
  /// Power-of-two periods are what JACK and most sound-card drivers accept.
  void validate() const;

  /// input if only channels_in > 0, output if only channels_out > 0, duplex if both.
  /// A config with no channels at all fails validate(); direction() calls it `output`.
  StreamDirection direction() const noexcept;

  /// The latency this config asks for, in milliseconds:
  ///  - low:     one period,  buffer_size / sample_rate * 1000
  ///  - high:    two periods, 2 * buffer_size / sample_rate * 1000 (double buffering,
  ///             the usual safe setting for a loaded machine)
  ///  - seconds: seconds * 1000, whatever the period.
  double latency_ms() const noexcept;

  bool operator==(const StreamConfig&) const = default;
};

}  // namespace fxgraph
