#include "session_commands.h"

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "parameter_settings.h"

namespace fxgraph::cli {

namespace {

std::string percent(double load) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << load * 100.0 << " %";
  return out.str();
}

}  // namespace

void print_line(const std::string& line) {
  std::cout << line << std::endl;
}

std::string show_value(const std::string& path, const ParameterSpec& spec, double value) {
  if (spec.kind == ParameterKind::choice) {
    const auto index = std::size_t(value);
    if (value >= 0 && index < spec.choices.size()) return path + " = " + spec.choices[index];
  }
  return path + " = " + format_number(value);
}

SessionCommands::SessionCommands(RealtimeProcessor& rt) : rt_(rt) {
  add_builtin_commands();
}

void SessionCommands::add(SessionCommand command) {
  if (find_session_command_help(command.name) == nullptr)
    throw std::logic_error("session command '" + command.name +
                           "' has no row in session_command_table.cpp");
  for (SessionCommand& existing : commands_)
    if (existing.name == command.name) {
      existing = std::move(command);
      return;
    }
  commands_.push_back(std::move(command));
}

const SessionCommand* SessionCommands::find_command(const std::string& name) const {
  for (const SessionCommand& command : commands_)
    if (command.name == name) return &command;
  return nullptr;
}

std::string SessionCommands::usage_list() const {
  std::string list;
  for (const SessionCommandHelp& row : session_command_table())
    if (row.name == "quit" || find_command(std::string(row.name)) != nullptr)
      list += (list.empty() ? "" : " | ") + std::string(row.usage);
  return list;
}

bool SessionCommands::handle(const std::string& line, const Reply& reply) {
  std::istringstream words(line);
  std::string name;
  words >> name;
  if (name.empty() || name[0] == '#') return true;
  std::vector<std::string> args;
  for (std::string word; words >> word;) args.push_back(word);
  if (name == "quit" || name == "exit") {
    if (args.empty()) return false;
    reply("error: 'quit' takes no arguments");
    return true;
  }
  try {
    const SessionCommand* command = nullptr;
    for (const SessionCommand& candidate : commands_)
      if (candidate.name == name) command = &candidate;
    if (command == nullptr)
      throw UsageError("unknown command '" + name + "'; commands: " + usage_list());
    if (args.size() < command->min_args || args.size() > command->max_args) {
      const std::string count =
          command->min_args == command->max_args
              ? std::to_string(command->min_args)
              : std::to_string(command->min_args) + " to " + std::to_string(command->max_args);
      throw UsageError("'" + name + "' takes " + count + " argument" +
                       (command->max_args == 1 ? "" : "s") + ", got " +
                       std::to_string(args.size()) +
                       "; usage: " + std::string(find_session_command_help(name)->usage));
    }
    command->run(SessionCall{args, reply});
  } catch (const StreamError&) {
    throw;  // the stream is lost: the session ends (the session loop reports it)
  } catch (const Error& e) {
    reply(std::string("error: ") + e.what());
  }
  return true;
}

const ParameterSpec& SessionCommands::find_spec(const std::string& path) const {
  const auto parsed = ParameterPath::parse(path);  // throws on a malformed path
  for (const ParameterInfo& info : rt_.parameters())
    if (info.path == parsed.str()) return *info.spec;
  (void)rt_.get_parameter(path);  // throws the engine's own message for the unknown path
  throw ParameterError("unknown parameter '" + path + "'");
}

std::string SessionCommands::set_from_text(const std::string& path, const std::string& text) {
  const ParameterSpec& spec = find_spec(path);
  double value = 0.0;
  if (const auto number = parse_number(text))
    value = *number;
  else if (spec.kind == ParameterKind::choice)
    value = choice_index(spec, text, path);
  else
    throw UsageError("'" + text + "' is not a number (for '" + path + "', allowed " +
                     describe_range(spec) + ")");
  rt_.set_parameter(path, value);
  return "ok " + show_value(path, spec, value);
}

void SessionCommands::add_builtin_commands() {
  add({.name = "set", .min_args = 2, .max_args = 2, .run = [this](const SessionCall& call) {
         call.reply(set_from_text(call.args[0], call.args[1]));
       }});
  add({.name = "get", .min_args = 1, .max_args = 1, .run = [this](const SessionCall& call) {
         const ParameterSpec& spec = find_spec(call.args[0]);
         call.reply(show_value(call.args[0], spec, rt_.get_parameter(call.args[0])));
       }});
  add({.name = "params", .run = [this](const SessionCall& call) {
         const auto all = rt_.parameters();
         if (all.empty()) call.reply("(the graph has no parameters)");
         for (const ParameterInfo& info : all) {
           const ParameterSpec& spec = *info.spec;
           std::string line = show_value(info.path, spec, info.value);
           std::string range = describe_range(spec);
           if (!spec.unit.empty() && spec.kind != ParameterKind::choice) {
             line += " " + spec.unit;  // the unit once, after the value
             const std::string suffix = " " + spec.unit;
             if (range.size() > suffix.size() &&
                 range.compare(range.size() - suffix.size(), suffix.size(), suffix) == 0)
               range.resize(range.size() - suffix.size());
           }
           call.reply(line + "  " + range);
         }
       }});
  add({.name = "stats", .run = [this](const SessionCall& call) {
         const RealtimeStats s = rt_.take_stats();
         call.reply("xruns " + std::to_string(s.xruns) + ", blocks " + std::to_string(s.blocks) +
                    ", dsp load mean " + percent(s.dsp_load_mean) + ", max " +
                    percent(s.dsp_load_max) + " (since the last stats " +
                    percent(s.dsp_load_max_window) + ")");
       }});
  add({.name = "help",
       .run = [this](const SessionCall& call) { call.reply("commands: " + usage_list()); }});
}

}  // namespace fxgraph::cli
