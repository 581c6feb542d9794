#pragma once
// A setting that says how another is read (Gain's gain_type, a filter's order_scale or
// gain_scale) must apply before it: the registry applies settings in name order, and
// "gain" sorts before "gain_type", so `gain: -6, gain_type: db` would otherwise be
// checked as an amplitude and refused. Factories call this on the node they built; the
// registry then applies every setting again, this one included. Control thread.

#include <string>
#include <variant>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::torchfx {

/// Configures choice parameter `name` of `node` from `options` when it is given there
/// (by choice name or index); throws ParameterError for a name it does not list.
inline void configure_choice_first(Node& node, const NodeOptions& options,
                                   const std::string& name) {
  const auto given = options.values().find(name);
  const int index = node.find_parameter(name);
  if (given == options.values().end() || index < 0) return;
  const ParameterSpec& spec = node.parameters()[std::size_t(index)];
  const std::string where = name + (options.where().empty() ? "" : " (" + options.where() + ")");
  if (const auto* text = std::get_if<std::string>(&given->second))
    node.configure_parameter(name, choice_index(spec, *text, where));
  else if (const auto* number = std::get_if<double>(&given->second))
    node.configure_parameter(name, *number);
}

}  // namespace fxgraph::torchfx
