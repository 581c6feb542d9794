#include "session_reconnect.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/jack_backend.h"
#include "session_memory_lock.h"

namespace fxgraph::cli {

namespace {

using Clock = std::chrono::steady_clock;

/// How often a missing server (or a missing port of a remembered connection) is
/// looked for: often enough to resume soon after a restart, rarely enough that the
/// probing clients stay out of the way.
constexpr auto kPollInterval = std::chrono::milliseconds(500);

/// The state of one session's reconnection; lives as long as the hooks holding it.
class Reconnector {
 public:
  Reconnector(JackBackend& jack, RealtimeProcessor& rt) : jack_(jack), rt_(rt) {}

  /// on_stream_lost: remembers the connections, lets go of the dead client. Not for a
  /// graph that could not follow a sample-rate change: no server restart mends that.
  bool lost() {
    if (rt_.backend().state() != StreamState::error) return false;
    if (!waiting_) {
      remembered_ = jack_.connections();
      unmade_.clear();
      std::fprintf(stderr, "fxgraph: JACK server lost; waiting for it (--reconnect)\n");
      waiting_ = true;
      next_try_ = Clock::now();
    }
    rt_.release_lost_stream();
    return true;
  }

  /// on_tick: every kPollInterval, try the server (while waiting) or the connections
  /// whose other end was missing.
  void tick() {
    const Clock::time_point now = Clock::now();
    if (now < next_try_) return;
    next_try_ = now + kPollInterval;
    if (waiting_) {
      try_to_resume();
    } else if (!unmade_.empty()) {
      unmade_ = jack_.connect(unmade_);
    }
  }

 private:
  void try_to_resume() {
    try {
      rt_.start();
    } catch (const BackendNotAvailableError&) {
      return;  // not back yet
    } catch (const StreamError&) {
      rt_.release_lost_stream();  // back but gone again, or still starting: next time
      return;
    }
    waiting_ = false;
    lock_session_memory();  // the new client's shared memory, ports and threads
    unmade_ = jack_.connect(remembered_);
    std::fprintf(stderr,
                 "fxgraph: JACK server back; client '%s' reconnected, %zu of %zu connections "
                 "restored%s\n",
                 jack_.client_name().c_str(), remembered_.size() - unmade_.size(),
                 remembered_.size(),
                 unmade_.empty() ? "" : " (the others when their ports appear)");
  }

  JackBackend& jack_;
  RealtimeProcessor& rt_;
  bool waiting_ = false;
  Clock::time_point next_try_{};
  std::vector<JackConnection> remembered_;  // at the time of the loss
  std::vector<JackConnection> unmade_;      // remembered, but a port was missing
};

}  // namespace

void add_reconnect_options(CLI::App* app, ReconnectOptions& options) {
  app->add_flag("--reconnect", options.enabled,
                "when the JACK server goes away, wait for it and reconnect (ports, "
                "connections, parameter values) instead of exiting");
}

void install_reconnect(const ReconnectOptions& options, JackBackend& jack,
                       SessionCommands& commands, SessionHooks& hooks) {
  if (!options.enabled) return;
  auto reconnector = std::make_shared<Reconnector>(jack, commands.processor());
  hooks.on_stream_lost = [reconnector, previous = std::move(hooks.on_stream_lost)] {
    return (previous && previous()) || reconnector->lost();
  };
  hooks.on_tick = [reconnector, previous = std::move(hooks.on_tick)] {
    if (previous) previous();
    reconnector->tick();
  };
}

}  // namespace fxgraph::cli
