#pragma once
// A setting that says how another is read (Gain's gain_type, a filter's order_scale or
// gain_scale) must apply before it: the registry applies settings in name order, and
// "gain" sorts before "gain_type", so `gain: -6, gain_type: db` would otherwise be
// checked as an amplitude and refused. Factories apply such a setting to the node they
// built; the registry then applies every setting again, this one included, with all
// checks. Control thread.

#include <optional>
#include <string>
#include <variant>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::torchfx {

/// The index of choice parameter `name` as `options` give it (by name or index), or
/// nothing when they do not; throws ParameterError for a name the choice does not list.
inline std::optional<double> choice_setting(const Node& node, const NodeOptions& options,
                                            const std::string& name) {
  const auto given = options.values().find(name);
  const int index = node.find_parameter(name);
  if (given == options.values().end() || index < 0) return std::nullopt;
  const ParameterSpec& spec = node.parameters()[std::size_t(index)];
  const std::string where = name + (options.where().empty() ? "" : " (" + options.where() + ")");
  if (const auto* text = std::get_if<std::string>(&given->second))
    return choice_index(spec, *text, where);
  if (const auto* number = std::get_if<double>(&given->second)) return *number;
  return std::nullopt;  // a list: the registry refuses it with its own message
}

/// Configures choice parameter `name` of `node` from `options` when they give it.
inline void configure_choice_first(Node& node, const NodeOptions& options,
                                   const std::string& name) {
  if (const auto value = choice_setting(node, options, name))
    node.configure_parameter(name, *value);
}

}  // namespace fxgraph::torchfx
