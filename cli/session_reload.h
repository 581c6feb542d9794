#pragma once
// Hot reload in a live session: the `reload` command and `--watch`.
//
//   reload   ->  ok reload: kept 4, rebuilt 0, added 1 (echo), removed 0; 1 value from
//                the file (drive.gain = 0.25)
//
// The file is loaded and compiled on the session's control thread while the stream
// plays on; the new graph is swapped in at a block boundary (graphs/graph_reload.h:
// which nodes keep their state, which values set live are kept). A bad edit (YAML
// syntax, an unknown type, a cycle, a refused value …) answers `error: file:line:col:
// …` and the running graph plays on unchanged.
//
// --watch: an inotify watch on the file's folder (editors save by writing a new file and
// renaming it over the old one, which a watch on the file itself would lose), filtered
// by the file's name; a burst of events (write, close, rename) within 100 ms reloads
// once, 100 ms after the last. Its answers go to standard output like a typed
// `reload`'s; an error is also written to standard error, where a user watching the
// terminal sees it.
//
// Backend-neutral: what the backend needs of a new graph (its ports) is the command's
// `prepare` step, which refuses an edit it cannot follow with a message saying so.
// OSC's /fxgraph/reload runs the same `reload` command (SessionCommands::handle).

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "fxgraph/graphs/yaml_loader.h"
#include "session_commands.h"
#include "session_loop.h"

namespace fxgraph::cli {

struct ReloadOptions {
  bool watch = false;  ///< --watch: reload when the file is saved
};

/// Adds --watch to a live command.
void add_reload_options(CLI::App* app, ReloadOptions& options);

/// What a reload needs from the command that runs the graph.
struct ReloadSource {
  /// The document the running graph was loaded from: its path is the file reloaded,
  /// its graph holds the running nodes (copied before the processor took the graph),
  /// its node sources are the values live values are compared with.
  GraphDocument running;
  /// Turns a freshly loaded document into the graph the command runs (a chain file's
  /// ends, port binding, connectivity checks); throws fxgraph::Error to refuse an edit
  /// the backend cannot follow (a changed set of JACK ports). May be empty.
  std::function<void(GraphDocument&)> prepare;
};

/// Adds the `reload` command and, with options.watch, the file watch (a SessionSource
/// pair: the inotify fd and the debounce timer). Throws RuntimeFailure when the watch
/// cannot be set up.
void install_reload(const ReloadOptions& options, ReloadSource source, SessionCommands& commands,
                    SessionHooks& hooks);

}  // namespace fxgraph::cli
