#include "fxgraph/graphs/midi_map.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "fxgraph/graphs/yaml_loader.h"

namespace fxgraph {

namespace {

const std::vector<std::string> kMappingKeys{"cc",    "note",  "program", "channel", "path",
                                            "range", "curve", "mode",    "preset"};

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// Reads one `midi:` list against a parameter lookup, with errors at file:line:col.
class MidiMapReader {
 public:
  MidiMapReader(std::string source, std::string folder, const ParameterSpecLookup& lookup)
      : source_(std::move(source)), folder_(std::move(folder)), lookup_(lookup) {}

  std::vector<MidiMapping> read(const std::string& text, bool only_midi) const {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw error<ConfigError>(e.mark, "YAML syntax error: " + e.msg);
    }
    if (root.IsNull() && only_midi) return {};
    if (!root.IsMap())
      throw error<ConfigError>(root.Mark(), "expected a mapping with a `midi:` list");
    YAML::Node list;
    for (const auto& entry : root) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (key == "midi")
        list = entry.second;
      else if (only_midi)
        throw error<ConfigError>(entry.first.Mark(), "unknown top-level key '" + key +
                                                         "': a MIDI map file has only `midi:`");
    }
    if (!list.IsDefined() || list.IsNull()) return {};
    if (!list.IsSequence())
      throw error<ConfigError>(list.Mark(),
                               "`midi:` must be a list of mappings, e.g. "
                               "`- {cc: 7, channel: 1, path: master.gain_db, range: [-60, 6]}`");
    std::vector<MidiMapping> mappings;
    for (const auto& item : list) mappings.push_back(mapping(item));
    return mappings;
  }

 private:
  template <class E>
  E error(const YAML::Mark& mark, const std::string& message, ErrorContext context = {}) const {
    E e("midi: " + message, std::move(context));
    e.locate_at(where(mark));
    return e;
  }

  SourceLocation where(const YAML::Mark& mark) const {
    if (mark.is_null()) return {source_};
    return {source_, mark.line + 1, mark.column + 1};
  }

  /// A whole number in [low, high] written as `key: N`.
  int whole(const YAML::Node& value, const std::string& key, int low, int high) const {
    double number = 0;
    const bool ok = value.IsScalar() && YAML::convert<double>::decode(value, number);
    if (!ok || number != std::floor(number) || number < low || number > high)
      throw error<ConfigError>(value.Mark(),
                               "`" + key + "` must be a whole number from " + std::to_string(low) +
                                   " to " + std::to_string(high) + ", got " +
                                   (value.IsScalar() ? value.Scalar() : "a list"),
                               {.key = key});
    return int(number);
  }

  std::string text(const YAML::Node& value, const std::string& key) const {
    if (!value.IsScalar() || value.Scalar().empty())
      throw error<ConfigError>(value.Mark(), "`" + key + "` must be a single word", {.key = key});
    return value.Scalar();
  }

  MidiMapping mapping(const YAML::Node& item) const {
    if (!item.IsMap())
      throw error<ConfigError>(item.Mark(),
                               "each mapping is a map with `cc:`, `note:` or `program:`, e.g. "
                               "`{cc: 7, path: master.gain_db}`");
    MidiMapping m;
    m.location = where(item.Mark());
    std::optional<YAML::Node> range, curve, mode, path, preset;
    int triggers = 0;
    for (const auto& entry : item) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      const YAML::Node& value = entry.second;
      if (key == "cc" || key == "note" || key == "program") {
        if (++triggers > 1)
          throw error<ConfigError>(entry.first.Mark(),
                                   "a mapping has one of `cc:`, `note:` or `program:`, not two");
        m.trigger = key == "cc"     ? MidiTrigger::control_change
                    : key == "note" ? MidiTrigger::note
                                    : MidiTrigger::program_change;
        m.number = whole(value, key, 0, 127);
      } else if (key == "channel") {
        m.channel = whole(value, key, 1, 16);
      } else if (key == "path") {
        path = value;
      } else if (key == "range") {
        range = value;
      } else if (key == "curve") {
        curve = value;
      } else if (key == "mode") {
        mode = value;
      } else if (key == "preset") {
        preset = value;
      } else {
        throw error<ConfigError>(
            entry.first.Mark(),
            "unknown key '" + key + "': valid keys are " + join_names(kMappingKeys),
            {.key = key, .key_part = KeyPart::name});
      }
    }
    if (triggers == 0)
      throw error<ConfigError>(item.Mark(), "a mapping needs `cc:`, `note:` or `program:`");

    if (m.trigger == MidiTrigger::program_change) {
      for (const auto* unused : {&path, &range, &curve, &mode})
        if (*unused)
          throw error<ConfigError>(unused->value().Mark(),
                                   "a `program:` mapping loads a `preset:` file; `path`, "
                                   "`range`, `curve` and `mode` belong to cc and note mappings");
      if (!preset) throw error<ConfigError>(item.Mark(), "`program:` needs `preset: FILE.yaml`");
      m.preset = resolve_relative_path(text(*preset, "preset"), folder_);
      if (!std::filesystem::is_regular_file(m.preset))
        throw error<ConfigError>(preset->Mark(), "preset file '" + m.preset + "' does not exist",
                                 {.key = "preset"});
      return m;
    }
    if (preset) throw error<ConfigError>(preset->Mark(), "`preset:` goes with `program:` mappings");
    if (!path)
      throw error<ConfigError>(item.Mark(), "a cc or note mapping needs `path: node.param`");
    if (mode && m.trigger != MidiTrigger::note)
      throw error<ConfigError>(mode->Mark(), "`mode:` (toggle or gate) is for note mappings");
    m.path = text(*path, "path");
    const ParameterSpec* spec = nullptr;
    try {
      spec = &lookup_(m.path);
    } catch (Error& e) {
      e.prefix_message("midi: ");
      e.locate_at(where(path->Mark()));
      throw;
    }
    m.kind = spec->kind;
    m.low = spec->min;
    m.high = spec->max;
    if (range) read_range(*range, *spec, m);
    if (curve) {
      const std::string name = text(*curve, "curve");
      if (name == "log")
        m.curve = MidiCurve::logarithmic;
      else if (name != "lin")
        throw error<ConfigError>(curve->Mark(), "`curve` is lin or log, got '" + name + "'",
                                 {.key = "curve"});
    }
    if (m.curve == MidiCurve::logarithmic && !(m.low > 0.0 && m.high > 0.0))
      throw error<ConfigError>((range ? *range : *curve).Mark(),
                               "a log curve needs a range above 0, got [" + number_text(m.low) +
                                   ", " + number_text(m.high) + "]" +
                                   (range ? "" : " (the parameter's whole range)"),
                               {.key = "range"});
    if (mode) {
      const std::string name = text(*mode, "mode");
      if (name == "gate")
        m.note_mode = NoteMode::gate;
      else if (name != "toggle")
        throw error<ConfigError>(mode->Mark(), "`mode` is toggle or gate, got '" + name + "'",
                                 {.key = "mode"});
    }
    return m;
  }

  void read_range(const YAML::Node& range, const ParameterSpec& spec, MidiMapping& m) const {
    double ends[2] = {0, 0};
    const bool ok = range.IsSequence() && range.size() == 2 &&
                    YAML::convert<double>::decode(range[0], ends[0]) &&
                    YAML::convert<double>::decode(range[1], ends[1]) && std::isfinite(ends[0]) &&
                    std::isfinite(ends[1]);
    if (!ok)
      throw error<ConfigError>(range.Mark(), "`range` is two numbers, e.g. [-60, 6]",
                               {.key = "range"});
    for (double end : ends)
      if (end < spec.min || end > spec.max)
        throw error<ParameterError>(range.Mark(),
                                    "range end " + number_text(end) + " is outside " + m.path +
                                        "'s range " + describe_range(spec),
                                    {.key = "range"});
    m.low = ends[0];
    m.high = ends[1];
  }

  std::string source_;
  std::string folder_;
  const ParameterSpecLookup& lookup_;
};

std::string trigger_name(MidiTrigger trigger) {
  switch (trigger) {
    case MidiTrigger::control_change:
      return "cc";
    case MidiTrigger::note:
      return "note";
    case MidiTrigger::program_change:
      return "program";
  }
  return "?";
}

}  // namespace

bool MidiMapping::matches(const MidiEvent& event) const noexcept {
  if (channel != 0 && event.channel() != channel) return false;
  switch (trigger) {
    case MidiTrigger::control_change:
      return event.kind() == 0xB0 && event.data1 == number;
    case MidiTrigger::note:
      return (event.kind() == 0x90 || event.kind() == 0x80) && event.data1 == number;
    case MidiTrigger::program_change:
      return event.kind() == 0xC0 && event.data1 == number;
  }
  return false;
}

std::string MidiMapping::describe() const {
  std::string line = trigger_name(trigger) + " " + std::to_string(number) +
                     (channel == 0 ? " any channel" : " channel " + std::to_string(channel)) +
                     " -> ";
  if (trigger == MidiTrigger::program_change) return line + preset;
  line += path + " [" + number_text(low) + ", " + number_text(high) + "]";
  if (trigger == MidiTrigger::note)
    return line + (note_mode == NoteMode::toggle ? " toggle" : " gate");
  return line + (curve == MidiCurve::linear ? " lin" : " log");
}

double controller_value(const MidiMapping& mapping, std::uint8_t value) noexcept {
  const double position = double(value > 127 ? 127 : value) / 127.0;
  double result = 0.0;
  if (position == 0.0)
    result = mapping.low;  // the ends exactly, whatever the curve's rounding
  else if (position == 1.0)
    result = mapping.high;
  else if (mapping.curve == MidiCurve::logarithmic)
    result = mapping.low * std::pow(mapping.high / mapping.low, position);
  else
    result = mapping.low + (mapping.high - mapping.low) * position;
  return mapping.kind == ParameterKind::real ? result : std::round(result);
}

ParameterSpecLookup graph_parameter_lookup(const Graph& graph) {
  return [&graph](const std::string& text) -> const ParameterSpec& {
    const ParameterPath path = ParameterPath::parse(text);
    if (!graph.contains(path.node))
      throw ParameterError("unknown node '" + path.node + "' in '" + text +
                           "': the graph's nodes are " + join_names(graph.ids()));
    const Node& node = graph.node(path.node);
    const int index = node.find_parameter(path.parameter);
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& spec : node.parameters()) names.push_back(spec.name);
      throw ParameterError("unknown parameter '" + path.parameter + "' on node '" + path.node +
                           "': valid parameters are " + join_names(names));
    }
    return node.parameters()[std::size_t(index)];
  };
}

std::vector<MidiMapping> parse_midi_mappings(const std::string& yaml, const std::string& source,
                                             const ParameterSpecLookup& lookup, bool only_midi) {
  return MidiMapReader(source, "", lookup).read(yaml, only_midi);
}

std::vector<MidiMapping> load_midi_mappings(const std::string& path,
                                            const ParameterSpecLookup& lookup, bool only_midi) {
  std::ifstream file(path);
  if (!file) throw IoError("cannot read MIDI mappings from '" + path + "'");
  std::stringstream text;
  text << file.rdbuf();
  const std::string folder = std::filesystem::path(path).parent_path().string();
  return MidiMapReader(path, folder, lookup).read(text.str(), only_midi);
}

}  // namespace fxgraph
