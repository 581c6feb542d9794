#include "fxgraph/plugins/lv2_catalog.h"

#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/options/options.h>
#include <lv2/port-props/port-props.h>
#include <lv2/presets/presets.h>
#include <lv2/resize-port/resize-port.h>
#include <lv2/state/state.h>
#include <lv2/units/units.h>
#include <lv2/worker/worker.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <limits>
#include <sstream>

#include "fxgraph/engine/errors.h"
#include "fxgraph/plugins/close_matches.h"
#include "fxgraph/plugins/detail/lv2_world.h"

namespace fxgraph {

namespace detail {

namespace {
LV2_URID map_uri(LV2_URID_Map_Handle handle, const char* uri) {
  return static_cast<Lv2World*>(handle)->map(uri);
}
const char* unmap_urid(LV2_URID_Unmap_Handle handle, LV2_URID urid) {
  return static_cast<Lv2World*>(handle)->unmap(urid);
}

// A plugin may log from run(): the message is formatted on the stack and written with
// one write(2), which neither allocates nor locks.
int log_vprintf(LV2_Log_Handle, LV2_URID, const char* format, va_list args) {
  char line[512];
  int n = std::snprintf(line, sizeof line, "lv2 plugin: ");
  n += std::vsnprintf(line + n, sizeof line - std::size_t(n), format, args);
  const std::size_t length = std::min<std::size_t>(std::size_t(std::max(n, 0)), sizeof line - 1);
  return int(::write(STDERR_FILENO, line, length));
}
int log_printf(LV2_Log_Handle handle, LV2_URID type, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = log_vprintf(handle, type, format, args);
  va_end(args);
  return n;
}
}  // namespace

Lv2World& Lv2World::instance() {
  static Lv2World world;
  return world;
}

Lv2World::Lv2World() : world_(lilv_world_new()) {
  lilv_world_load_all(world_);
  map_ = {this, map_uri};
  unmap_ = {this, unmap_urid};
  log_ = {this, log_printf, log_vprintf};
}

Lv2World::~Lv2World() {
  for (auto& [text, node] : uris_) lilv_node_free(node);
  lilv_world_free(world_);
}

const LilvNode* Lv2World::uri(const char* text) {
  auto it = uris_.find(text);
  if (it == uris_.end()) it = uris_.emplace(text, lilv_new_uri(world_, text)).first;
  return it->second;
}

const LilvPlugin* Lv2World::plugin(const std::string& uri_text) const {
  LilvNode* node = lilv_new_uri(world_, uri_text.c_str());
  const LilvPlugin* found = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world_), node);
  lilv_node_free(node);
  return found;
}

LV2_URID Lv2World::map(const char* uri_text) {
  std::lock_guard lock(urid_mutex_);
  auto [it, inserted] = urids_.try_emplace(uri_text, LV2_URID(uri_of_.size() + 1));
  if (inserted) uri_of_.push_back(uri_text);
  return it->second;
}

const char* Lv2World::unmap(LV2_URID urid) {
  std::lock_guard lock(urid_mutex_);
  return urid >= 1 && urid <= uri_of_.size() ? uri_of_[urid - 1].c_str() : nullptr;
}

}  // namespace detail

namespace {

using detail::Lv2World;

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// Owns a node lilv returns to the caller.
struct NodeOwner {
  LilvNode* node;
  ~NodeOwner() { lilv_node_free(node); }
};

std::string unit_symbol(Lv2World& lv2, const LilvPlugin* plugin, const LilvPort* port) {
  LilvNodes* units = lilv_port_get_value(plugin, port, lv2.uri(LV2_UNITS__unit));
  std::string symbol;
  if (units && lilv_nodes_size(units) > 0) {
    const LilvNode* unit = lilv_nodes_get(units, lilv_nodes_begin(units));
    if (lilv_node_is_uri(unit)) {
      static const std::pair<const char*, const char*> known[] = {
          {LV2_UNITS__db, "dB"},      {LV2_UNITS__hz, "Hz"},
          {LV2_UNITS__khz, "kHz"},    {LV2_UNITS__ms, "ms"},
          {LV2_UNITS__s, "s"},        {LV2_UNITS__pc, "%"},
          {LV2_UNITS__bpm, "bpm"},    {LV2_UNITS__semitone12TET, "semitones"},
          {LV2_UNITS__cent, "cents"}, {LV2_UNITS__frame, "frames"},
          {LV2_UNITS__degree, "°"}};
      for (const auto& [uri, text] : known)
        if (std::string(lilv_node_as_uri(unit)) == uri) symbol = text;
    }
    if (symbol.empty()) {
      // A custom unit: its own units:symbol.
      LilvNode* custom = lilv_world_get(lv2.world(), unit, lv2.uri(LV2_UNITS__symbol), nullptr);
      if (custom) symbol = lilv_node_as_string(custom);
      lilv_node_free(custom);
    }
  }
  lilv_nodes_free(units);
  return symbol;
}

/// Enumeration scale points numbered 0, 1, … in order become a choice parameter (YAML
/// may use the labels); others stay numbers, their labels listed in the description.
void apply_scale_points(const LilvPlugin* plugin, const LilvPort* port, bool enumeration,
                        ParameterSpec& spec) {
  LilvScalePoints* points = lilv_port_get_scale_points(plugin, port);
  if (!points) return;
  std::vector<std::pair<double, std::string>> sorted;
  LILV_FOREACH(scale_points, i, points) {
    const LilvScalePoint* point = lilv_scale_points_get(points, i);
    sorted.emplace_back(lilv_node_as_float(lilv_scale_point_get_value(point)),
                        lilv_node_as_string(lilv_scale_point_get_label(point)));
  }
  lilv_scale_points_free(points);
  std::sort(sorted.begin(), sorted.end());
  // An enumeration of whole numbers takes whole numbers only; one of fractions (mda
  // Combo's models at 0, 1/6, 1/3 …) stays a real value.
  const bool whole = std::all_of(sorted.begin(), sorted.end(), [](const auto& point) {
    return point.first == std::floor(point.first);
  });
  if (enumeration && whole && !sorted.empty() && spec.kind == ParameterKind::real) {
    spec.kind = ParameterKind::integer;
    spec.min = std::ceil(spec.min);
    spec.max = std::floor(spec.max);
    spec.default_value = std::round(spec.default_value);
  }
  bool counted = enumeration && !sorted.empty();
  for (std::size_t i = 0; i < sorted.size(); ++i) counted = counted && sorted[i].first == double(i);
  if (counted && spec.min == 0.0 && spec.max == double(sorted.size() - 1)) {
    spec.kind = ParameterKind::choice;
    for (auto& [value, label] : sorted) spec.choices.push_back(label);
    return;
  }
  std::string labels;
  for (const auto& [value, label] : sorted)
    labels += (labels.empty() ? "" : ", ") + number_text(value) + " = " + label;
  if (!labels.empty()) spec.description += " (" + labels + ")";
}

PluginPort describe_port(Lv2World& lv2, const LilvPlugin* plugin, std::uint32_t index, float min,
                         float max, float def, const std::string& uri) {
  const LilvPort* port = lilv_plugin_get_port_by_index(plugin, index);
  PluginPort out;
  out.index = index;
  out.symbol = lilv_node_as_string(lilv_port_get_symbol(plugin, port));
  NodeOwner name{lilv_port_get_name(plugin, port)};
  out.name = name.node ? lilv_node_as_string(name.node) : out.symbol;
  const auto is = [&](const char* type) { return lilv_port_is_a(plugin, port, lv2.uri(type)); };
  const auto has = [&](const char* property) {
    return lilv_port_has_property(plugin, port, lv2.uri(property));
  };
  const bool input = is(LV2_CORE__InputPort);
  if (!input && !is(LV2_CORE__OutputPort))
    throw ConfigError(
        "LV2 plugin '" + uri + "': port '" + out.symbol + "' is neither an input nor an output",
        {.key = "plugin"});
  if (is(LV2_CORE__AudioPort)) {
    out.role = input ? PluginPortRole::audio_input : PluginPortRole::audio_output;
  } else if (is(LV2_CORE__CVPort)) {
    out.role = input ? PluginPortRole::cv_input : PluginPortRole::cv_output;
  } else if (is(LV2_ATOM__AtomPort)) {
    out.role = input ? PluginPortRole::event_input : PluginPortRole::event_output;
  } else if (is(LV2_CORE__ControlPort)) {
    out.role = input ? PluginPortRole::control_input : PluginPortRole::control_output;
  } else {
    throw ConfigError("LV2 plugin '" + uri + "': port '" + out.symbol +
                          "' has a type fxgraph cannot connect (not audio, control, CV or atom)",
                      {.key = "plugin"});
  }
  if (out.role == PluginPortRole::event_input || out.role == PluginPortRole::event_output) {
    LilvNodes* sizes = lilv_port_get_value(plugin, port, lv2.uri(LV2_RESIZE_PORT__minimumSize));
    if (sizes && lilv_nodes_size(sizes) > 0)
      out.minimum_buffer_bytes = std::uint32_t(
          std::max(0, lilv_node_as_int(lilv_nodes_get(sizes, lilv_nodes_begin(sizes)))));
    lilv_nodes_free(sizes);
  }
  if (out.role != PluginPortRole::control_input && out.role != PluginPortRole::control_output)
    return out;

  ParameterSpec& spec = out.parameter;
  spec.name = out.symbol;
  spec.description = out.name;
  spec.unit = unit_symbol(lv2, plugin, port);
  spec.min = std::isnan(min) ? double(std::numeric_limits<float>::lowest()) : double(min);
  spec.max = std::isnan(max) ? double(std::numeric_limits<float>::max()) : double(max);
  if (spec.max < spec.min) std::swap(spec.min, spec.max);
  if (has(LV2_CORE__toggled)) {
    spec.kind = ParameterKind::toggle;
    spec.min = 0.0;
    spec.max = 1.0;
  } else if (has(LV2_CORE__integer)) {
    spec.kind = ParameterKind::integer;
    spec.min = std::ceil(spec.min);
    spec.max = std::floor(spec.max);
  }
  const double fallback = std::isnan(def) ? std::clamp(0.0, spec.min, spec.max) : double(def);
  spec.default_value = std::clamp(fallback, spec.min, spec.max);
  if (spec.kind != ParameterKind::real) spec.default_value = std::round(spec.default_value);
  apply_scale_points(plugin, port, has(LV2_CORE__enumeration), spec);
  out.logarithmic = has(LV2_PORT_PROPS__logarithmic);
  if (out.logarithmic) spec.description += " (logarithmic)";
  out.reports_latency = out.role == PluginPortRole::control_output &&
                        (has(LV2_CORE__reportsLatency) ||
                         lilv_port_has_property(plugin, port, lv2.uri(LV2_CORE__latency)));
  return out;
}

PluginDescription describe(Lv2World& lv2, const LilvPlugin* plugin) {
  PluginDescription out;
  out.format = PluginFormat::lv2;
  out.id = lilv_node_as_uri(lilv_plugin_get_uri(plugin));
  NodeOwner name{lilv_plugin_get_name(plugin)};
  out.name = name.node ? lilv_node_as_string(name.node) : out.id;
  const LilvNode* library = lilv_plugin_get_library_uri(plugin);
  if (library) {
    char* path = lilv_file_uri_parse(lilv_node_as_uri(library), nullptr);
    if (path) out.library = path;
    lilv_free(path);
  }
  out.hard_rt_capable = lilv_plugin_has_feature(plugin, lv2.uri(LV2_CORE__hardRTCapable));
  LilvNodes* required = lilv_plugin_get_required_features(plugin);
  LILV_FOREACH(nodes, i, required)
  out.required_features.push_back(lilv_node_as_uri(lilv_nodes_get(required, i)));
  lilv_nodes_free(required);

  const std::uint32_t count = lilv_plugin_get_num_ports(plugin);
  std::vector<float> mins(count), maxs(count), defaults(count);
  lilv_plugin_get_port_ranges_float(plugin, mins.data(), maxs.data(), defaults.data());
  // lilv's designation for the latency port counts too (lv2:designation lv2:latency).
  const std::uint32_t latency_index =
      lilv_plugin_has_latency(plugin) ? lilv_plugin_get_latency_port_index(plugin) : UINT32_MAX;
  for (std::uint32_t i = 0; i < count; ++i) {
    out.ports.push_back(describe_port(lv2, plugin, i, mins[i], maxs[i], defaults[i], out.id));
    if (i == latency_index && out.ports.back().role == PluginPortRole::control_output)
      out.ports.back().reports_latency = true;
  }
  return out;
}

std::vector<std::string> missing_features(const PluginDescription& plugin) {
  const std::vector<std::string> supported = lv2_supported_features();
  std::vector<std::string> missing;
  for (const std::string& feature : plugin.required_features)
    if (std::find(supported.begin(), supported.end(), feature) == supported.end())
      missing.push_back(feature);
  return missing;
}

}  // namespace

std::vector<std::string> lv2_supported_features() {
  return {LV2_URID__map,
          LV2_URID__unmap,
          LV2_OPTIONS__options,
          LV2_BUF_SIZE__boundedBlockLength,
          LV2_WORKER__schedule,
          LV2_LOG__log,
          LV2_STATE__loadDefaultState,
          LV2_CORE__hardRTCapable,
          LV2_CORE__isLive};
}

std::vector<PluginDescription> lv2_plugins() {
  Lv2World& lv2 = Lv2World::instance();
  std::lock_guard lock(lv2.mutex());
  std::vector<PluginDescription> out;
  const LilvPlugins* plugins = lilv_world_get_all_plugins(lv2.world());
  LILV_FOREACH(plugins, i, plugins) {
    try {
      out.push_back(describe(lv2, lilv_plugins_get(plugins, i)));
    } catch (const ConfigError&) {
      // A plugin fxgraph cannot connect is still listed by find_lv2_plugin's error.
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PluginDescription& a, const PluginDescription& b) { return a.id < b.id; });
  return out;
}

PluginDescription find_lv2_plugin(const std::string& uri) {
  if (uri.empty()) throw ConfigError("option 'plugin' names no LV2 plugin URI", {.key = "plugin"});
  Lv2World& lv2 = Lv2World::instance();
  std::unique_lock lock(lv2.mutex());
  const LilvPlugin* plugin = lv2.plugin(uri);
  if (!plugin) {
    std::vector<std::string> uris;
    const LilvPlugins* plugins = lilv_world_get_all_plugins(lv2.world());
    LILV_FOREACH(plugins, i, plugins)
    uris.push_back(lilv_node_as_uri(lilv_plugin_get_uri(lilv_plugins_get(plugins, i))));
    const auto close = closest_names(uri, uris);
    throw ConfigError("no LV2 plugin '" + uri + "' is installed" +
                          (close.empty() ? "" : "; did you mean " + join_names(close) + "?") +
                          " Run `fxgraph plugins` for the list",
                      {.key = "plugin"});
  }
  PluginDescription description = describe(lv2, plugin);
  lock.unlock();
  const auto missing = missing_features(description);
  if (!missing.empty())
    throw ConfigError("LV2 plugin '" + uri + "' requires the feature " + missing.front() +
                          ", which fxgraph does not provide",
                      {.key = "plugin"});
  return description;
}

std::vector<std::pair<std::string, std::string>> lv2_presets(const std::string& uri) {
  Lv2World& lv2 = Lv2World::instance();
  std::lock_guard lock(lv2.mutex());
  std::vector<std::pair<std::string, std::string>> out;
  const LilvPlugin* plugin = lv2.plugin(uri);
  if (!plugin) return out;
  LilvNodes* presets = lilv_plugin_get_related(plugin, lv2.uri(LV2_PRESETS__Preset));
  LILV_FOREACH(nodes, i, presets) {
    const LilvNode* preset = lilv_nodes_get(presets, i);
    lilv_world_load_resource(lv2.world(), preset);
    LilvNode* label = lilv_world_get(lv2.world(), preset, lv2.uri(LILV_NS_RDFS "label"), nullptr);
    out.emplace_back(lilv_node_as_uri(preset), label ? lilv_node_as_string(label) : "");
    lilv_node_free(label);
  }
  lilv_nodes_free(presets);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fxgraph
