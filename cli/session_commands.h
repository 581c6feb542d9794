#pragma once
// SessionCommands: the command interpreter of a live session (`fxgraph jack`): one command
// per line, one answer per line. It knows the built-in commands (set, get, params, stats,
// help, quit); features add theirs with add(), each in a file of its own
// (session_presets.cpp, …), so the session grows without one growing switch. What help
// says about a command (usage, summary) is its row in session_command_table.h.
//
//   SessionCommands commands(rt);
//   commands.add({.name = "save", .min_args = 1, .max_args = 1,
//                 .run = [&](const SessionCall& call) { … call.reply(…); }});
//   commands.handle("set drive.gain 2", print_line);   // -> "ok drive.gain = 2"
//
// Promises
//   - A bad command, wrong argument count or rejected value answers `error: <message>`
//     and handle() returns true: the session goes on. Only a lost stream (StreamError)
//     propagates, for the session loop to report.
//   - Answers go to the Reply given to handle(), so a command coming from elsewhere than
//     stdin (an OSC message) is answered to its sender.
//   - Blank lines and lines starting with '#' are ignored (scripts may comment).
// Runs on a control thread (never the audio thread): commands may allocate and throw.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "fxgraph/engine/parameters.h"
#include "fxgraph/engine/realtime_processor.h"
#include "session_command_table.h"

namespace fxgraph::cli {

/// Where a command's answer lines go.
using Reply = std::function<void(const std::string& line)>;

/// Writes a line to standard output and flushes it (a program driving the session
/// through a pipe sees each answer at once).
void print_line(const std::string& line);

/// One invocation of a command: its arguments and where to answer.
struct SessionCall {
  const std::vector<std::string>& args;
  const Reply& reply;
};

/// A command of the session; its usage and summary are its row in
/// session_command_table.h.
struct SessionCommand {
  std::string name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  /// Carries the command out; throws fxgraph::Error (UsageError, ParameterError …)
  /// to answer `error: …`.
  std::function<void(const SessionCall&)> run;
};

class SessionCommands {
 public:
  /// The built-in commands, acting on `rt`.
  explicit SessionCommands(RealtimeProcessor& rt);

  /// Adds (or replaces, by name) a command. Throws std::logic_error when the command
  /// has no row in session_command_table.h (a command help would not show).
  void add(SessionCommand command);

  /// The command called `name`, or nullptr. A feature that extends a command (e.g.
  /// appends its counters to `stats`) copies it, then add()s a wrapper.
  const SessionCommand* find_command(const std::string& name) const;

  /// Carries out one line; false when it asks to quit.
  bool handle(const std::string& line, const Reply& reply = print_line);

  /// "set PATH VALUE | get PATH | … | quit": the session's commands in the table's
  /// order (what `help` answers, and the banner shows).
  std::string usage_list() const;

  /// Parses a value for `path` (a number, or a choice's name) as `set` does and sets it;
  /// returns the answer line ("ok drive.gain = 2"). For features that set parameters
  /// from text (presets, OSC, MIDI learn).
  std::string set_from_text(const std::string& path, const std::string& text);

  /// The spec of "node.param"; throws ParameterError (listing valid names) when unknown.
  const ParameterSpec& find_spec(const std::string& path) const;

  RealtimeProcessor& processor() noexcept { return rt_; }

 private:
  void add_builtin_commands();

  RealtimeProcessor& rt_;
  std::vector<SessionCommand> commands_;
};

/// "PATH = VALUE", with a choice parameter's value shown by name.
std::string show_value(const std::string& path, const ParameterSpec& spec, double value);

}  // namespace fxgraph::cli
