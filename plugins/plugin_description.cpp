#include "fxgraph/plugins/plugin_description.h"

#include <algorithm>
#include <cctype>

namespace fxgraph {

std::uint32_t PluginDescription::count(PluginPortRole role) const noexcept {
  return std::uint32_t(std::count_if(ports.begin(), ports.end(),
                                     [&](const PluginPort& p) { return p.role == role; }));
}

const PluginPort* PluginDescription::latency_port() const noexcept {
  for (const PluginPort& port : ports)
    if (port.role == PluginPortRole::control_output && port.reports_latency) return &port;
  return nullptr;
}

std::string symbol_from_name(const std::string& name) {
  std::string symbol;
  bool gap = false;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (gap && !symbol.empty()) symbol += '_';
      symbol += char(std::tolower(static_cast<unsigned char>(c)));
      gap = false;
    } else {
      gap = true;
    }
  }
  if (symbol.empty() || std::isdigit(static_cast<unsigned char>(symbol.front())))
    symbol.insert(0, "p");
  return symbol;
}

const char* format_name(PluginFormat format) noexcept {
  return format == PluginFormat::lv2 ? "lv2" : "ladspa";
}

}  // namespace fxgraph
