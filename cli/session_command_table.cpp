#include "session_command_table.h"

#include <algorithm>
#include <array>

namespace fxgraph::cli {

namespace {

constexpr std::array kTable = {
    SessionCommandHelp{"set", "set PATH VALUE",
                       "change a parameter (a choice by name); NODE.bypass 1 bypasses a node", ""},
    SessionCommandHelp{"get", "get PATH", "show a parameter's or a meter's value", ""},
    SessionCommandHelp{"ramp", "ramp PATH VALUE SECONDS",
                       "move a parameter to VALUE in a straight line over SECONDS, "
                       "sample-accurate",
                       ""},
    SessionCommandHelp{"params", "params", "every parameter with value, unit and range", ""},
    SessionCommandHelp{"stats", "stats",
                       "xruns, blocks, DSP load (mean, max; max since the last stats)", ""},
    SessionCommandHelp{"save", "save FILE",
                       "write every parameter to a preset file (YAML, the --params format)", ""},
    SessionCommandHelp{"load", "load FILE", "set the parameters of a preset file (all or nothing)",
                       ""},
    SessionCommandHelp{"reload", "reload",
                       "load the graph file again; unchanged nodes keep their state", ""},
    SessionCommandHelp{"learn", "learn PATH",
                       "map the next MIDI controller moved to PATH (its whole range)", "--midi"},
    SessionCommandHelp{"midi", "midi", "the MIDI input <client>:midi_in and its mappings",
                       "--midi"},
    SessionCommandHelp{"help", "help", "list the session's commands", ""},
    SessionCommandHelp{"quit", "quit", "stop (so do end of input and Ctrl-C)", ""},
};

}  // namespace

std::span<const SessionCommandHelp> session_command_table() {
  return kTable;
}

const SessionCommandHelp* find_session_command_help(std::string_view name) {
  for (const SessionCommandHelp& row : kTable)
    if (row.name == name) return &row;
  return nullptr;
}

std::string session_commands_help() {
  std::size_t width = 0;
  for (const SessionCommandHelp& row : kTable) width = std::max(width, row.usage.size());
  std::string text = "Commands on stdin, one per line:\n";
  for (const SessionCommandHelp& row : kTable) {
    text += "  ";
    text += row.usage;
    text.append(width + 2 - row.usage.size(), ' ');
    if (!row.needs.empty()) {
      text += "(";
      text += row.needs;
      text += ") ";
    }
    text += row.summary;
    text += "\n";
  }
  return text;
}

}  // namespace fxgraph::cli
