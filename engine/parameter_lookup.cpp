#include "fxgraph/engine/parameter_lookup.h"

#include <string>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameters.h"

namespace fxgraph {

ParameterLookup find_parameter(const Graph& graph, std::string_view path) {
  const ParameterPath p = ParameterPath::parse(path);
  if (!graph.contains(p.node))
    throw ParameterError("unknown node '" + p.node + "' in parameter path '" + std::string(path) +
                             "': nodes are " + join_names(graph.ids()),
                         {.node = p.node});
  Node& node = graph.node(p.node);
  const int index = node.find_parameter(p.parameter);
  if (index < 0 && node.find_meter(p.parameter) >= 0)
    throw ParameterError("'" + std::string(path) + "' is a meter of node '" + p.node + "' (" +
                             node.type() + "): it can be read but not set",
                         {.node = p.node, .key = p.parameter, .key_part = KeyPart::name});
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& s : node.parameters()) names.push_back(s.name);
    for (const auto& m : node.meters()) names.push_back(m.name + " (meter)");
    throw ParameterError("unknown parameter '" + p.parameter + "' on node '" + p.node + "' (" +
                             node.type() + ") in path '" + std::string(path) +
                             "': valid parameters are " + join_names(names),
                         {.node = p.node, .key = p.parameter, .key_part = KeyPart::name});
  }
  return {&node, std::size_t(index)};
}

}  // namespace fxgraph
