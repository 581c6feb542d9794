#pragma once
// AudioBackend: the edge of the engine where audio enters and leaves in real time.
//
// Aims
//   One small interface for every live audio driver (JACK, the clock-driven null
//   backend, ...), so the engine core (RealtimeProcessor) never includes a driver
//   header. The engine hands the backend a plain function pointer (ProcessFn) and a
//   `void*`; the backend calls it once per period with planar views of its input and
//   output buffers. Nothing else crosses on the audio thread.
//
// Threads (who may call what)
//   - control thread: set_hooks(), open(), start(), stop(), close(). One thread at a
//     time; these are not safe to call concurrently with each other.
//   - audio thread: the ProcessFn, once per period, between start() and stop().
//     It must not allocate, lock, log or throw (it is `noexcept`).
//   - notification thread: the BackendHooks (period size / rate change, shutdown).
//     A backend calls them off the audio thread where the driver allows it (JACK:
//     its notification thread; see io/jack_backend.h for the one exception).
//   - any thread: state(), sample_rate(), buffer_size(), xruns() (atomics).
//
// Lifecycle
//   closed --open()--> open --start()--> running --stop()--> stopped --start()--> ...
//   close() returns to closed from any state. `error` is entered asynchronously when
//   the stream is lost (the JACK server died): the ProcessFn is no longer called,
//   start() throws StreamError, and stop()/close() stay safe to call.
//   After stop() returns, the ProcessFn is not running and will not be called again
//   until the next start(); the engine may then free what `user` points to.
//
// Public non-virtual methods check the state machine in one place and call the
// protected do_*() hooks each backend implements. Implementations call close() in
// their destructor (the base destructor cannot reach do_close()).

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parallel_runner.h"
#include "fxgraph/engine/stream_config.h"

namespace fxgraph {

/// Audio thread: called once per period with the backend's buffers.
/// `in` has config.channels_in channels, `out` has config.channels_out, both
/// `buffer_size()` frames. `in` is read-only (for JACK it may be another client's
/// buffer); every sample of `out` must be written (its contents on entry are
/// unspecified). Must not allocate, lock or throw.
using ProcessFn = void (*)(void* user, const AudioView& in, const AudioView& out) noexcept;

/// Notifications the engine registers before open(). Each may be empty. They run on
/// a thread of the backend's (its notification thread; see each backend for
/// exceptions), never on the control thread, so they must be thread-safe with respect
/// to it. They must not call open/start/stop/close on the same backend (for JACK that
/// deadlocks: the client cannot be closed from its own threads); set a flag or signal
/// another thread instead. An exception thrown by a hook moves the stream to the
/// error state.
struct BackendHooks {
  /// The period size is about to change; the next ProcessFn call has `frames` frames.
  /// Runs before that call, never concurrently with the ProcessFn, so the engine may
  /// re-prepare (and allocate) here.
  std::function<void(std::uint32_t frames)> buffer_size_changed = {};
  /// The device's sample rate changed to `hz`.
  std::function<void(double hz)> sample_rate_changed = {};
  /// The stream was lost (state() is already `error`); `reason` is the driver's text.
  /// Called at most once per open().
  std::function<void(std::string_view reason)> shutdown = {};
};

/// The interface every live audio backend implements. Not copyable.
class AudioBackend {
 public:
  AudioBackend() = default;
  AudioBackend(const AudioBackend&) = delete;
  AudioBackend& operator=(const AudioBackend&) = delete;
  virtual ~AudioBackend() = default;

  // ---- Description (any thread) ---------------------------------------------------

  /// Short lowercase name: "jack", "null".
  virtual std::string name() const = 0;
  /// Whether open() can succeed now (JACK: a server is running).
  virtual bool is_available() const = 0;
  /// Devices this backend could connect to (JACK: the physical ports,
  /// "system:capture_1", ...). Empty when none or unavailable.
  virtual std::vector<std::string> devices() const = 0;

  // ---- Control (control thread) ---------------------------------------------------

  /// Replaces the notification hooks. Only while closed (throws StreamError otherwise).
  void set_hooks(BackendHooks hooks) {
    if (state() != StreamState::closed)
      throw StreamError("set_hooks(): the stream is " + std::string(to_string(state())) +
                        "; set hooks before open()");
    hooks_ = std::move(hooks);
  }

  /// Validates `config` (ConfigError), connects to the device and prepares buffers.
  /// `process(user, in, out)` will run on the audio thread after start().
  /// Throws BackendNotAvailableError (no device/server) or StreamError; on a throw
  /// the backend stays closed.
  void open(const StreamConfig& config, ProcessFn process, void* user) {
    if (state() != StreamState::closed)
      throw StreamError("open(): the stream is already " + std::string(to_string(state())) +
                        "; close() it first");
    config.validate();
    if (process == nullptr) throw ConfigError("open(): the process function is null");
    failed_.store(false);
    error_reason_[0] = '\0';
    config_ = config;
    do_open(config, process, user);
    StreamState expected = StreamState::closed;  // a shutdown during open() wins
    state_.compare_exchange_strong(expected, StreamState::open);
  }

  /// Starts calling the ProcessFn. From open or stopped; running is a no-op.
  /// Throws StreamError from closed or error, or if the device refuses to start.
  void start() {
    StreamState current = state();
    if (current == StreamState::running) return;
    if (current != StreamState::open && current != StreamState::stopped)
      throw StreamError(current == StreamState::error
                            ? "start(): the stream failed (" + error_message() +
                                  "); close() and open() it again"
                            : "start(): the stream is closed; open() it first");
    do_start();
    state_.compare_exchange_strong(current, StreamState::running);
  }

  /// Stops calling the ProcessFn and waits for a call in progress to return.
  /// No-op unless running; in the error state it releases what it can and the state
  /// stays `error`. Never throws.
  void stop() noexcept {
    StreamState current = state();
    if (current != StreamState::running && current != StreamState::error) return;
    do_stop();
    if (current == StreamState::running)  // a failure meanwhile keeps `error`
      state_.compare_exchange_strong(current, StreamState::stopped);
  }

  /// Stops if needed and disconnects from the device. Safe in every state (also
  /// after the device died), idempotent, never throws.
  void close() noexcept {
    if (state() == StreamState::closed) return;
    do_close();
    state_.store(StreamState::closed);
  }

  // ---- Status ---------------------------------------------------------------------

  /// Any thread.
  StreamState state() const noexcept { return state_.load(std::memory_order_acquire); }
  /// Why the stream entered the error state ("" when it has not). Control thread.
  std::string error_message() const {
    return state() == StreamState::error ? std::string(error_reason_) : std::string();
  }
  /// The config passed to the last open(). Control thread.
  const StreamConfig& config() const noexcept { return config_; }
  /// Actual sample rate in Hz (the device's, which may differ from the config's:
  /// JACK's server decides). 0 before the first open(). Any thread.
  virtual double sample_rate() const noexcept = 0;
  /// Actual frames per period (the device's). 0 before the first open(). Any thread.
  virtual std::uint32_t buffer_size() const noexcept = 0;
  /// Periods the device missed (under/overruns) since open(). Any thread.
  virtual std::uint64_t xruns() const noexcept = 0;
  /// The frames the processing adds between capture and playback (the graph's
  /// compensated latency), for backends that publish it to the rest of the system (JACK
  /// sets its ports' latency ranges from it). Any time, from a control thread; the
  /// default ignores it.
  virtual void set_processing_latency(std::uint32_t frames) { (void)frames; }
  /// How to start the engine's worker threads so they run like the audio thread (JACK:
  /// jack_client_create_thread at the client's realtime priority). Empty: std::thread.
  /// Valid while open. Control thread.
  virtual ThreadStarter thread_starter() { return {}; }

 protected:
  /// Implementations: connect, allocate, register `process`. Called while closed
  /// with a validated config. Throw BackendNotAvailableError/StreamError, leaving
  /// nothing open.
  virtual void do_open(const StreamConfig& config, ProcessFn process, void* user) = 0;
  /// From open or stopped: begin calling the ProcessFn. Throw StreamError on failure.
  virtual void do_start() = 0;
  /// From running or error: stop calling the ProcessFn, wait for a call in progress.
  virtual void do_stop() noexcept = 0;
  /// From any state but closed: stop if needed and release the device.
  virtual void do_close() noexcept = 0;

  /// Notification thread: forwards to the hook (if set).
  void notify_buffer_size_changed(std::uint32_t frames) noexcept {
    if (!hooks_.buffer_size_changed) return;
    try {
      hooks_.buffer_size_changed(frames);
    } catch (const std::exception& e) {
      fail("the buffer_size_changed hook threw: ", e.what());
    } catch (...) {
      fail("the buffer_size_changed hook threw", "");
    }
  }
  /// Notification thread: forwards to the hook (if set).
  void notify_sample_rate_changed(double hz) noexcept {
    if (!hooks_.sample_rate_changed) return;
    try {
      hooks_.sample_rate_changed(hz);
    } catch (const std::exception& e) {
      fail("the sample_rate_changed hook threw: ", e.what());
    } catch (...) {
      fail("the sample_rate_changed hook threw", "");
    }
  }
  /// Any thread but the audio thread: the stream is lost. The first call after an
  /// open() records `prefix` + `detail` (truncated, no allocation), moves the state
  /// to error and calls the shutdown hook; later calls do nothing.
  void fail(const char* prefix, const char* detail) noexcept {
    if (failed_.exchange(true)) return;
    std::size_t n = 0;
    for (const char* s : {prefix, detail})
      for (; s != nullptr && *s != '\0' && n + 1 < sizeof error_reason_; ++s)
        error_reason_[n++] = *s;
    error_reason_[n] = '\0';
    state_.store(StreamState::error, std::memory_order_release);
    if (!hooks_.shutdown) return;
    try {
      hooks_.shutdown(std::string_view(error_reason_, n));
    } catch (...) {
      // Already in the error state; nothing more to report from this thread.
    }
  }

 private:
  std::atomic<StreamState> state_{StreamState::closed};
  std::atomic<bool> failed_{false};
  char error_reason_[256] = {};
  BackendHooks hooks_;
  StreamConfig config_;
};

}  // namespace fxgraph
