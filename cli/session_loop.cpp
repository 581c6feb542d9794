#include "session_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph::cli {

namespace {

int g_signal_pipe[2] = {-1, -1};
struct sigaction g_previous_int = {};
struct sigaction g_previous_term = {};

extern "C" void on_stop_signal(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(g_signal_pipe[1], &byte, 1);
  errno = saved;
}

[[noreturn]] void report_lost_stream(RealtimeProcessor& rt, const SessionHooks& hooks) {
  if (hooks.describe_lost_stream) throw RuntimeFailure(hooks.describe_lost_stream());
  throw RuntimeFailure(rt.failure_reason());  // e.g. the graph cannot run at a new rate
}

/// True when the session may go on: the stream plays, or a hook brought it back.
bool stream_alive(RealtimeProcessor& rt, const SessionHooks& hooks) {
  if (rt.state() != StreamState::error) return true;
  return hooks.on_stream_lost && hooks.on_stream_lost();
}

}  // namespace

StopSignals::StopSignals() {
  if (::pipe(g_signal_pipe) != 0) throw RuntimeFailure("cannot create a pipe for signals");
  for (int fd : g_signal_pipe) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  struct sigaction action = {};
  action.sa_handler = &on_stop_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &g_previous_int);
  ::sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignals::~StopSignals() {
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
  for (int& fd : g_signal_pipe) {
    ::close(fd);
    fd = -1;
  }
}

int StopSignals::fd() const noexcept {
  return g_signal_pipe[0];
}

void run_session(SessionCommands& commands, const StopSignals& signals, const SessionHooks& hooks) {
  RealtimeProcessor& rt = commands.processor();
  // Carries out one line; false when the session is to end.
  auto handle = [&](const std::string& line) {
    try {
      return commands.handle(line);
    } catch (const StreamError&) {
      if (!stream_alive(rt, hooks)) report_lost_stream(rt, hooks);
    }
    // A hook (--reconnect) took over the lost stream: the command can be carried out now.
    try {
      return commands.handle(line);
    } catch (const StreamError&) {
      report_lost_stream(rt, hooks);
    }
  };
  std::string pending;  // bytes read after the last newline
  bool input_open = true;
  std::vector<pollfd> fds;
  for (;;) {
    if (!stream_alive(rt, hooks)) report_lost_stream(rt, hooks);
    fds.assign({{signals.fd(), POLLIN, 0}, {input_open ? STDIN_FILENO : -1, POLLIN, 0}});
    for (const SessionSource& source : hooks.sources) fds.push_back({source.fd, POLLIN, 0});
    const int ready = ::poll(fds.data(), fds.size(), 100);
    if (ready < 0 && errno != EINTR) throw RuntimeFailure("poll() failed on standard input");
    if (hooks.on_tick) hooks.on_tick();
    if (ready <= 0) continue;
    if (fds[0].revents & POLLIN) return;  // SIGINT / SIGTERM
    for (std::size_t i = 0; i < hooks.sources.size(); ++i)
      if (fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR)) hooks.sources[i].on_readable();
    if (!input_open || !(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      input_open = false;
    } else if (n == 0) {
      input_open = false;
    } else {
      pending.append(chunk, std::size_t(n));
    }
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!handle(line)) return;
    }
    if (!input_open) {  // end of input: a last line without newline, then quit
      if (!pending.empty() && !handle(pending)) return;
      pending.clear();
      if (hooks.quit_at_end_of_input) return;
    }
  }
}

}  // namespace fxgraph::cli
