#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP during `process` and `run`: stop the render
// cleanly instead of dying with a temporary output file on disk.
//
// While an InterruptSignals exists, the three signals do not kill the process: the
// handler only records which one came (an atomic store, async-signal-safe, no
// allocation). The render polls stop_requested() between chunks and throws Stopped
// (io/stop_request.h); unwinding stops the reader and writer threads and removes the
// temporary output, and main() exits with 128 + the signal number (130, 143, 129), as
// a shell reports a process killed by it.
//
// The handler is installed with SA_RESETHAND: a second signal of the same kind kills
// the process the usual way, for a user who does not want to wait for the cleanup.
// (The scratch file of a normalize pass is unlinked when created, so it is gone even
// then; only a temporary output can be left by that second signal.)

#include "fxgraph/io/stop_request.h"

namespace fxgraph::cli {

class InterruptSignals {
 public:
  /// Installs the handlers (and forgets any signal recorded before).
  InterruptSignals();
  /// Restores the previous handlers. A recorded signal stays readable by received().
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  /// A StopRequested that says yes once one of the signals came.
  static StopRequested stop_requested();
};

/// The first of SIGINT/SIGTERM/SIGHUP received while handlers were installed, or 0.
int received_signal() noexcept;

/// The exit status for a process stopped by `signal_number`: 128 + the number.
constexpr int exit_status_for_signal(int signal_number) {
  return 128 + signal_number;
}

}  // namespace fxgraph::cli
