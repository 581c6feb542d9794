#pragma once
// The main loop of a live session: reads command lines from standard input and hands
// them to SessionCommands while the stream plays, until `quit`, the end of input, SIGINT
// / SIGTERM, or a lost stream.
//
// Why poll(): the control thread waits on several file descriptors at once — stdin, a
// self-pipe the signal handler writes to (the one async-signal-safe way to wake it), and
// the features' own (an OSC queue's wake-up fd, an inotify fd …: SessionSources) — with
// a timeout, so a lost server is noticed within a tenth of a second even when nobody
// types, and features get a regular tick (reconnecting, polling).

#include <functional>
#include <vector>

#include "fxgraph/engine/realtime_processor.h"
#include "session_commands.h"

namespace fxgraph::cli {

/// Routes SIGINT and SIGTERM to a self-pipe while it exists; restores the previous
/// handlers afterwards. Install it before the stream starts: a Ctrl-C while a client
/// connects must stop it cleanly too.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// Readable once a signal arrived.
  int fd() const noexcept;
};

/// A file descriptor the loop watches besides stdin; `on_readable` runs on the loop's
/// thread when it is readable (it must consume what made it readable).
struct SessionSource {
  int fd = -1;
  std::function<void()> on_readable;
};

/// What the loop watches and calls besides stdin and the signals.
struct SessionHooks {
  std::vector<SessionSource> sources;
  /// Called about every 100 ms and after each batch of input (e.g. to reconnect).
  std::function<void()> on_tick;
  /// When the stream fails: return true when the hook recovered it (the session goes
  /// on); false to end the session with the stream's failure. Unset: the session ends.
  std::function<bool()> on_stream_lost;
  /// The failure to report when the session ends on a lost stream ("JACK server shut
  /// down"); unset: RealtimeProcessor::failure_reason().
  std::function<std::string()> describe_lost_stream;
  /// Whether the end of standard input ends the session (a session driven only by
  /// OSC or MIDI may run with stdin closed until a signal).
  bool quit_at_end_of_input = true;
};

/// Runs the session until quit, end of input or a signal. Throws RuntimeFailure when
/// the stream is lost (and on_stream_lost does not recover it).
void run_session(SessionCommands& commands, const StopSignals& signals,
                 const SessionHooks& hooks = {});

}  // namespace fxgraph::cli
