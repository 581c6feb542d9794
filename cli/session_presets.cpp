#include "session_presets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <vector>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "parameter_settings.h"

namespace fxgraph::cli {

namespace {

/// A value checked against its spec, ready to set.
struct CheckedValue {
  const ParameterFileEntry* entry;
  double value;
};

double value_of(const ParameterSpec& spec, const ParameterFileEntry& entry) {
  double value = 0.0;
  if (const auto number = parse_number(entry.value))
    value = *number;
  else if (spec.kind == ParameterKind::choice)
    value = choice_index(spec, entry.value, entry.path);
  else
    throw ParameterError("'" + entry.value + "' is not a number (allowed " + describe_range(spec) +
                         ")");
  validate_parameter_value(spec, value, entry.path);
  return value;
}

/// Every entry checked against the running graph's tables; sets nothing.
std::vector<CheckedValue> check_all(SessionCommands& commands,
                                    const std::vector<ParameterFileEntry>& entries) {
  std::vector<CheckedValue> checked;
  checked.reserve(entries.size());
  for (const ParameterFileEntry& entry : entries) {
    const ParameterSpec* spec = nullptr;
    try {
      spec = &commands.find_spec(entry.path);
    } catch (ParameterError& e) {
      locate_entry_error(e, entry, /*at_key=*/true);
      throw;
    }
    try {
      checked.push_back({&entry, value_of(*spec, entry)});
    } catch (ParameterError& e) {
      locate_entry_error(e, entry);
      throw;
    }
  }
  return checked;
}

/// A value as YAML text that reads back as the same double (shortest round trip), or
/// the choice's name.
std::string preset_text(const ParameterSpec& spec, double value) {
  if (spec.kind == ParameterKind::choice) {
    const auto index = std::size_t(value);
    if (value >= 0 && index < spec.choices.size()) return spec.choices[index];
  }
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : format_number(value);
}

[[noreturn]] void throw_write_error(const std::string& path, const std::string& what, int error) {
  throw IoError("save: cannot " + what + " '" + path + "': " + std::strerror(error));
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename.
void write_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) throw_write_error(path, "write a file beside", errno);
  const auto fail = [&](const char* what, int error) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw_write_error(path, what, error);
  };
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    done += std::size_t(n);
  }
  if (::fchmod(fd, 0644) != 0) fail("write", errno);  // mkstemp's 0600 is for secrets
  if (::fsync(fd) != 0) fail("write", errno);         // the data is on disk before the rename
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw_write_error(path, "write", error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw_write_error(path, "replace", error);
  }
}

}  // namespace

std::size_t load_preset(SessionCommands& commands, const std::string& path) {
  const std::vector<ParameterFileEntry> entries = read_parameter_file(path, "load");
  const std::vector<CheckedValue> checked = check_all(commands, entries);
  RealtimeProcessor& rt = commands.processor();
  std::vector<double> previous;
  previous.reserve(checked.size());
  for (const CheckedValue& c : checked) previous.push_back(rt.get_parameter(c.entry->path));
  std::size_t set = 0;
  try {
    for (; set < checked.size(); ++set)
      rt.set_parameter(checked[set].entry->path, checked[set].value);
  } catch (ParameterError& e) {
    // A node refused a value its table allows: undo the ones set before it.
    for (std::size_t i = set; i-- > 0;) rt.set_parameter(checked[i].entry->path, previous[i]);
    locate_entry_error(e, *checked[set].entry);
    throw;
  }
  return set;
}

std::size_t save_preset(SessionCommands& commands, const std::string& path) {
  const auto parameters = commands.processor().parameters();
  YAML::Emitter out;
  out << YAML::Comment("fxgraph preset: `load FILE` in a session, or --params FILE");
  out << YAML::BeginMap;
  for (const ParameterInfo& info : parameters)
    out << YAML::Key << info.path << YAML::Value << preset_text(*info.spec, info.value);
  out << YAML::EndMap;
  std::string text = out.c_str();
  text += "\n";
  write_atomically(path, text);
  return parameters.size();
}

void install_presets(SessionCommands& commands) {
  commands.add(
      {.name = "save", .min_args = 1, .max_args = 1, .run = [&commands](const SessionCall& call) {
         const std::size_t n = save_preset(commands, call.args[0]);
         call.reply("ok saved " + std::to_string(n) + " parameters to " + call.args[0]);
       }});
  commands.add(
      {.name = "load", .min_args = 1, .max_args = 1, .run = [&commands](const SessionCall& call) {
         const std::size_t n = load_preset(commands, call.args[0]);
         call.reply("ok loaded " + std::to_string(n) + " parameters from " + call.args[0]);
       }});
}

}  // namespace fxgraph::cli
