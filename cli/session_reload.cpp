#include "session_reload.h"

#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <utility>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/graph_reload.h"

namespace fxgraph::cli {

namespace {

/// How long the file must stay quiet before it is reloaded: an editor's save is a
/// burst of events (write, close, rename) that should reload once, after the last.
constexpr long kDebounceNanoseconds = 100'000'000;

/// Loads the file again and swaps its graph in; remembers it for the next reload.
class Reloader {
 public:
  Reloader(ReloadSource source, RealtimeProcessor& rt) : source_(std::move(source)), rt_(rt) {}

  /// The answer line; throws fxgraph::Error, located in the file, for a refused edit.
  std::string reload() {
    GraphDocument edited = load_graph_file(source_.running.path);  // file:line:col already
    try {
      if (source_.prepare) source_.prepare(edited);
      const ReloadSummary summary = reload_graph(
          source_.running, edited, [this](Graph graph, std::span<const ParameterChange> changes) {
            rt_.replace_graph(std::move(graph), changes);
          });
      source_.running = std::move(edited);
      return "ok reload: " + describe(summary);
    } catch (Error& error) {
      locate_error(error, edited);  // a compile error names a node: point at its line
      throw;
    }
  }

 private:
  ReloadSource source_;
  RealtimeProcessor& rt_;
};

/// An inotify watch on a file's folder, filtered by its name, and a debounce timer.
class FileWatch {
 public:
  explicit FileWatch(const std::string& path) {
    const std::filesystem::path file(path);
    name_ = file.filename().string();
    const std::string folder = file.has_parent_path() ? file.parent_path().string() : ".";
    events_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    timer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    // IN_MOVED_TO: saved by rename; IN_CLOSE_WRITE / IN_MODIFY: written in place.
    if (events_ < 0 || timer_ < 0 ||
        ::inotify_add_watch(events_, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY) <
            0) {
      const int error = errno;
      close_all();
      throw RuntimeFailure("--watch: cannot watch '" + folder + "' for changes to '" + name_ +
                           "': " + std::strerror(error));
    }
  }
  ~FileWatch() { close_all(); }
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;

  int events_fd() const noexcept { return events_; }
  int timer_fd() const noexcept { return timer_; }

  /// Reads the pending events; one about the file (re)starts the debounce timer.
  void read_events() {
    alignas(inotify_event) char buffer[4096];
    ssize_t n;
    while ((n = ::read(events_, buffer, sizeof buffer)) > 0) {
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        if (event->len > 0 && name_ == event->name) arm_timer();
        at += ssize_t(sizeof(inotify_event) + event->len);
      }
    }
  }

  /// Consumes the timer's expiry: true when the file has been quiet long enough.
  bool quiet() {
    std::uint64_t expirations = 0;
    return ::read(timer_, &expirations, sizeof expirations) == ssize_t(sizeof expirations);
  }

 private:
  void arm_timer() {
    itimerspec when{};
    when.it_value.tv_nsec = kDebounceNanoseconds;
    ::timerfd_settime(timer_, 0, &when, nullptr);
  }
  void close_all() {
    if (events_ >= 0) ::close(events_);
    if (timer_ >= 0) ::close(timer_);
    events_ = timer_ = -1;
  }

  std::string name_;
  int events_ = -1;
  int timer_ = -1;
};

/// Where a reload started by the watch answers: the session's output like any answer,
/// and an error also on standard error, for the user who saved the file.
void watch_reply(const std::string& line) {
  print_line(line);
  const std::string error = "error: ";
  if (line.compare(0, error.size(), error) == 0)
    std::fprintf(stderr, "fxgraph: reload: %s\n", line.c_str() + error.size());
}

}  // namespace

void add_reload_options(CLI::App* app, ReloadOptions& options) {
  app->add_flag("--watch", options.watch,
                "reload the graph when its file is saved (as the `reload` command does)");
}

void install_reload(const ReloadOptions& options, ReloadSource source, SessionCommands& commands,
                    SessionHooks& hooks) {
  const std::string path = source.running.path;
  auto reloader = std::make_shared<Reloader>(std::move(source), commands.processor());
  commands.add({.name = "reload",
                .run = [reloader](const SessionCall& call) { call.reply(reloader->reload()); }});
  if (!options.watch) return;
  auto watch = std::make_shared<FileWatch>(path);
  hooks.sources.push_back({watch->events_fd(), [watch] { watch->read_events(); }});
  hooks.sources.push_back({watch->timer_fd(), [watch, &commands] {
                             if (!watch->quiet()) return;
                             try {
                               commands.handle("reload", watch_reply);
                             } catch (const StreamError&) {
                               // The session loop notices the lost stream next.
                             }
                           }});
}

}  // namespace fxgraph::cli
