#include "fxgraph/plugins/ladspa_catalog.h"

#include <dlfcn.h>
#include <ladspa.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>

#include "fxgraph/engine/errors.h"
#include "fxgraph/plugins/close_matches.h"

namespace fxgraph {

namespace {

namespace fs = std::filesystem;

/// Loaded libraries by path: dlopen'ed once, never closed (descriptors point into them).
struct LoadedLibrary {
  LADSPA_Descriptor_Function descriptors = nullptr;
  std::string error;  ///< why it is not a LADSPA library (empty when it is)
};

std::mutex& library_mutex() {
  static std::mutex mutex;
  return mutex;
}

const LoadedLibrary& load_library(const std::string& path) {
  static std::map<std::string, LoadedLibrary> libraries;
  std::lock_guard lock(library_mutex());
  auto [it, inserted] = libraries.try_emplace(path);
  if (!inserted) return it->second;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    it->second.error = "cannot load '" + path + "': " + (why ? why : "unknown error");
    return it->second;
  }
  auto function = reinterpret_cast<LADSPA_Descriptor_Function>(dlsym(handle, "ladspa_descriptor"));
  if (!function) {
    it->second.error =
        "'" + path + "' is not a LADSPA plugin library (it has no ladspa_descriptor)";
    return it->second;
  }
  it->second.descriptors = function;
  return it->second;
}

double rate_scaled(LADSPA_PortRangeHintDescriptor hints, float bound) {
  // Bounds relative to the sample rate are given at 48 kHz: the parameter table exists
  // before the node knows its rate.
  return LADSPA_IS_HINT_SAMPLE_RATE(hints) ? double(bound) * 48000.0 : double(bound);
}

double default_value(LADSPA_PortRangeHintDescriptor hints, double lo, double hi) {
  const bool log = LADSPA_IS_HINT_LOGARITHMIC(hints) && lo > 0.0 && hi > 0.0;
  const auto between = [&](double w) {
    return log ? std::exp(std::log(lo) * (1 - w) + std::log(hi) * w) : lo * (1 - w) + hi * w;
  };
  switch (hints & LADSPA_HINT_DEFAULT_MASK) {
    case LADSPA_HINT_DEFAULT_MINIMUM:
      return lo;
    case LADSPA_HINT_DEFAULT_LOW:
      return between(0.25);
    case LADSPA_HINT_DEFAULT_MIDDLE:
      return between(0.5);
    case LADSPA_HINT_DEFAULT_HIGH:
      return between(0.75);
    case LADSPA_HINT_DEFAULT_MAXIMUM:
      return hi;
    case LADSPA_HINT_DEFAULT_0:
      return 0.0;
    case LADSPA_HINT_DEFAULT_1:
      return 1.0;
    case LADSPA_HINT_DEFAULT_100:
      return 100.0;
    case LADSPA_HINT_DEFAULT_440:
      return 440.0;
    default:
      return std::clamp(0.0, lo, hi);
  }
}

PluginPort describe_port(const LADSPA_Descriptor& d, unsigned long index) {
  const LADSPA_PortDescriptor kind = d.PortDescriptors[index];
  PluginPort port;
  port.index = std::uint32_t(index);
  port.name = d.PortNames[index];
  port.symbol = symbol_from_name(port.name);
  const bool input = LADSPA_IS_PORT_INPUT(kind);
  if (LADSPA_IS_PORT_AUDIO(kind)) {
    port.role = input ? PluginPortRole::audio_input : PluginPortRole::audio_output;
    return port;
  }
  port.role = input ? PluginPortRole::control_input : PluginPortRole::control_output;
  // LADSPA has no latency designation; hosts agree on a control output named "latency".
  port.reports_latency = !input && port.symbol == "latency";
  const LADSPA_PortRangeHint& range = d.PortRangeHints[index];
  const LADSPA_PortRangeHintDescriptor hints = range.HintDescriptor;
  ParameterSpec& spec = port.parameter;
  spec.name = port.symbol;
  spec.description = port.name;
  spec.min = LADSPA_IS_HINT_BOUNDED_BELOW(hints) ? rate_scaled(hints, range.LowerBound)
                                                 : double(std::numeric_limits<float>::lowest());
  spec.max = LADSPA_IS_HINT_BOUNDED_ABOVE(hints) ? rate_scaled(hints, range.UpperBound)
                                                 : double(std::numeric_limits<float>::max());
  if (LADSPA_IS_HINT_TOGGLED(hints)) {
    spec.kind = ParameterKind::toggle;
    spec.min = 0.0;
    spec.max = 1.0;
  } else if (LADSPA_IS_HINT_INTEGER(hints)) {
    spec.kind = ParameterKind::integer;
    spec.min = std::ceil(spec.min);
    spec.max = std::floor(spec.max);
  }
  spec.default_value = std::clamp(default_value(hints, spec.min, spec.max), spec.min, spec.max);
  if (spec.kind != ParameterKind::real) spec.default_value = std::round(spec.default_value);
  port.logarithmic = LADSPA_IS_HINT_LOGARITHMIC(hints);
  if (port.logarithmic) spec.description += " (logarithmic)";
  if (LADSPA_IS_HINT_SAMPLE_RATE(hints)) spec.description += " (range given at 48 kHz)";
  return port;
}

PluginDescription describe(const LADSPA_Descriptor& d, const std::string& library) {
  PluginDescription plugin;
  plugin.format = PluginFormat::ladspa;
  plugin.label = d.Label;
  plugin.name = d.Name ? d.Name : d.Label;
  plugin.unique_id = d.UniqueID;
  plugin.library = library;
  plugin.id = fs::path(library).stem().string() + ":" + plugin.label;
  plugin.hard_rt_capable = LADSPA_IS_HARD_RT_CAPABLE(d.Properties);
  for (unsigned long i = 0; i < d.PortCount; ++i) plugin.ports.push_back(describe_port(d, i));
  // Unique parameter names: two ports may make the same symbol ("Gain", "gain").
  std::map<std::string, int> seen;
  for (PluginPort& port : plugin.ports) {
    const int n = seen[port.symbol]++;
    if (n > 0) port.symbol += "_" + std::to_string(n + 1);
    port.parameter.name = port.symbol;
  }
  return plugin;
}

std::vector<PluginDescription> library_plugins(const std::string& path) {
  const LoadedLibrary& library = load_library(path);
  if (!library.descriptors) throw ConfigError(library.error, {.key = "plugin"});
  std::vector<PluginDescription> out;
  for (unsigned long i = 0;; ++i) {
    const LADSPA_Descriptor* d = library.descriptors(i);
    if (!d) break;
    out.push_back(describe(*d, path));
  }
  return out;
}

std::vector<std::string> library_files() {
  std::vector<std::string> files;
  for (const std::string& folder : ladspa_search_path()) {
    std::error_code ec;
    std::vector<std::string> here;
    for (const auto& entry : fs::directory_iterator(folder, ec))
      if (entry.path().extension() == ".so") here.push_back(entry.path().string());
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  return files;
}

/// A library named in "library:label": a path, or a file name on the search path
/// with or without ".so".
std::string resolve_library(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (!fs::exists(name))
      throw ConfigError("LADSPA library '" + name + "' does not exist", {.key = "plugin"});
    return name;
  }
  const std::string file = name.ends_with(".so") ? name : name + ".so";
  for (const std::string& folder : ladspa_search_path())
    if (fs::exists(fs::path(folder) / file)) return (fs::path(folder) / file).string();
  throw ConfigError("no LADSPA library '" + file + "' in " + join_names(ladspa_search_path()) +
                        " (set LADSPA_PATH to add folders)",
                    {.key = "plugin"});
}

class LadspaInstance : public PluginInstance {
 public:
  LadspaInstance(const LADSPA_Descriptor* descriptor, double sample_rate)
      : descriptor_(descriptor),
        handle_(descriptor->instantiate(descriptor, static_cast<unsigned long>(sample_rate))) {
    if (!handle_)
      throw ConfigError("LADSPA plugin '" + std::string(descriptor->Label) +
                            "' failed to instantiate at " + std::to_string(long(sample_rate)) +
                            " Hz",
                        {.key = "plugin"});
  }
  ~LadspaInstance() override { descriptor_->cleanup(handle_); }

  void connect_port(std::uint32_t index, void* data) noexcept override {
    descriptor_->connect_port(handle_, index, static_cast<LADSPA_Data*>(data));
  }
  void activate() override {
    if (descriptor_->activate) descriptor_->activate(handle_);
  }
  void deactivate() override {
    if (descriptor_->deactivate) descriptor_->deactivate(handle_);
  }
  void run(std::uint32_t frames) noexcept override { descriptor_->run(handle_, frames); }

 private:
  const LADSPA_Descriptor* descriptor_;
  LADSPA_Handle handle_;
};

}  // namespace

std::vector<std::string> ladspa_search_path() {
  std::vector<std::string> folders;
  if (const char* path = std::getenv("LADSPA_PATH"); path && *path) {
    std::string rest = path;
    for (std::size_t start = 0; start <= rest.size();) {
      const std::size_t end = std::min(rest.find(':', start), rest.size());
      if (end > start) folders.push_back(rest.substr(start, end - start));
      start = end + 1;
    }
    return folders;
  }
  if (const char* home = std::getenv("HOME"); home && *home)
    folders.push_back(std::string(home) + "/.ladspa");
  folders.insert(folders.end(),
                 {"/usr/local/lib/ladspa", "/usr/lib/ladspa", "/usr/lib/x86_64-linux-gnu/ladspa"});
  return folders;
}

std::vector<PluginDescription> ladspa_plugins() {
  std::vector<PluginDescription> all;
  for (const std::string& file : library_files()) {
    try {
      auto plugins = library_plugins(file);
      all.insert(all.end(), plugins.begin(), plugins.end());
    } catch (const ConfigError&) {
      // A stray .so in a plugin folder is not the user's mistake to report here.
    }
  }
  return all;
}

PluginDescription find_ladspa_plugin(const std::string& name) {
  if (name.empty()) throw ConfigError("option 'plugin' names no LADSPA plugin", {.key = "plugin"});
  const std::size_t colon = name.rfind(':');
  if (colon != std::string::npos) {
    const std::string path = resolve_library(name.substr(0, colon));
    const std::string label = name.substr(colon + 1);
    std::vector<std::string> labels;
    for (PluginDescription& plugin : library_plugins(path)) {
      if (plugin.label == label) return std::move(plugin);
      labels.push_back(plugin.label);
    }
    const auto close = closest_names(label, labels);
    throw ConfigError("LADSPA library '" + path + "' has no plugin labelled '" + label + "'" +
                          (close.empty() ? "; it has " + join_names(labels)
                                         : "; did you mean " + join_names(close) + "?"),
                      {.key = "plugin"});
  }
  const bool is_id =
      std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
  std::vector<PluginDescription> found;
  std::vector<std::string> labels;
  for (PluginDescription& plugin : ladspa_plugins()) {
    labels.push_back(plugin.label);
    if (is_id ? std::to_string(plugin.unique_id) == name : plugin.label == name)
      found.push_back(std::move(plugin));
  }
  if (found.size() == 1) return std::move(found.front());
  if (found.size() > 1) {
    std::vector<std::string> ids;
    for (const auto& plugin : found) ids.push_back(plugin.id);
    throw ConfigError(
        "LADSPA plugin '" + name + "' is in several libraries: name one of " + join_names(ids),
        {.key = "plugin"});
  }
  const auto close = closest_names(name, labels);
  throw ConfigError("no LADSPA plugin '" + name + "' in " + join_names(ladspa_search_path()) +
                        (close.empty() ? "" : "; did you mean " + join_names(close) + "?") +
                        " Run `fxgraph plugins` for the list",
                    {.key = "plugin"});
}

PluginInstanceFactory ladspa_instance_factory(const PluginDescription& plugin) {
  const LoadedLibrary& library = load_library(plugin.library);
  const LADSPA_Descriptor* descriptor = nullptr;
  for (unsigned long i = 0; library.descriptors; ++i) {
    const LADSPA_Descriptor* d = library.descriptors(i);
    if (!d) break;
    if (plugin.label == d->Label) descriptor = d;
  }
  if (!descriptor)
    throw ConfigError("LADSPA plugin '" + plugin.id + "' is gone from its library",
                      {.key = "plugin"});
  return [descriptor](double sample_rate, std::uint32_t) {
    return std::make_unique<LadspaInstance>(descriptor, sample_rate);
  };
}

}  // namespace fxgraph
