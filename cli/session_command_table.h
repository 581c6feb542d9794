#pragma once
// The table of every command a live session can have: name, usage, one line of help,
// and the flag that brings it (`learn` and `midi` need --midi). Written once, here:
// SessionCommands::add() takes a command's usage from it (and refuses a command it
// lacks), `fxgraph jack --help` / `fxgraph live --help` print it, and the session's
// `help` answers from it. A feature adds its row here and its behaviour in its own file
// (session_presets.cpp, …).

#include <span>
#include <string>
#include <string_view>

namespace fxgraph::cli {

/// What help says about one session command.
struct SessionCommandHelp {
  std::string_view name;     ///< the first word of the line, e.g. "set"
  std::string_view usage;    ///< e.g. "set PATH VALUE"; also shown in errors
  std::string_view summary;  ///< one line, e.g. "change a parameter"
  std::string_view needs;    ///< the flag that brings the command ("--midi"), or empty
};

/// Every session command, in the order help lists them; `quit` last.
std::span<const SessionCommandHelp> session_command_table();

/// The row of the command `name`, or nullptr.
const SessionCommandHelp* find_session_command_help(std::string_view name);

/// "Commands on stdin, one per line:" and then a line per row: usage, summary, and the
/// flag it needs; for the live commands' --help footers.
std::string session_commands_help();

}  // namespace fxgraph::cli
