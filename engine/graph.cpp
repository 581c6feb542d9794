#include "fxgraph/engine/graph.h"

#include <algorithm>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {
std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

bool same_endpoints(const Edge& a, const Edge& b) {
  return a.from == b.from && a.to == b.to;
}

void check_id(std::string_view id) {
  if (id.empty()) throw GraphError("node id must not be empty");
  if (id.find_first_of(".: \t\n") != std::string_view::npos || id.find("->") != id.npos)
    throw GraphError(
        "node id '" + std::string(id) +
            "' may not contain '.', ':', '->' or spaces (they separate paths and ports)",
        {.node = std::string(id)});
}
}  // namespace

int resolve_port(const Node& node, std::string_view port, PortDirection direction) noexcept {
  const bool input = direction == PortDirection::input;
  if (port.empty()) return (input ? node.input_ports() : node.output_ports()).empty() ? -1 : 0;
  return input ? node.find_input(port) : node.find_output(port);
}

Endpoint Endpoint::parse(std::string_view text) {
  const auto colon = text.find(':');
  Endpoint e;
  if (colon == std::string_view::npos) {
    e.node = trim(text);
  } else {
    e.node = trim(text.substr(0, colon));
    e.port = trim(text.substr(colon + 1));
    if (e.port.empty())
      throw GraphError("endpoint '" + std::string(text) + "' has an empty port after ':'");
  }
  if (e.node.empty()) throw GraphError("endpoint '" + std::string(text) + "' has no node id");
  return e;
}

Graph Graph::chain(std::vector<std::shared_ptr<Node>> nodes) {
  Graph g;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i])
      throw GraphError("chain element " + std::to_string(i) + " is null",
                       {.node = std::to_string(i)});
    g.add(std::to_string(i), std::move(nodes[i]));
    if (i > 0) g.connect(Endpoint{std::to_string(i - 1), ""}, Endpoint{std::to_string(i), ""});
  }
  if (!nodes.empty()) {
    g.set_input({"0", ""});
    g.set_output({std::to_string(nodes.size() - 1), ""});
  }
  return g;
}

Node& Graph::add(std::string id, std::shared_ptr<Node> node) {
  check_id(id);
  if (!node) throw GraphError("node '" + id + "' is null", {.node = id});
  if (nodes_.count(id)) throw GraphError("duplicate node id '" + id + "'", {.node = id});
  Node& ref = *node;
  ref.enable_bypass();  // every node of a graph can be bypassed (engine/bypass.h)
  nodes_.emplace(id, std::move(node));
  ids_.push_back(std::move(id));
  return ref;
}

void Graph::remove(std::string_view id) {
  auto it = nodes_.find(std::string(id));
  if (it == nodes_.end()) (void)node(id);  // throws with the list of ids
  nodes_.erase(it);
  ids_.erase(std::find(ids_.begin(), ids_.end(), id));
  std::erase_if(edges_, [&](const Edge& e) { return e.from.node == id || e.to.node == id; });
  if (input_ && input_->node == id) input_.reset();
  if (output_ && output_->node == id) output_.reset();
}

void Graph::connect(Endpoint from, Endpoint to) {
  connect(Edge{std::move(from), std::move(to)});
}

void Graph::connect(Endpoint from, Endpoint to, FeedbackEdge feedback) {
  Edge edge{std::move(from), std::move(to), feedback.delay};
  if (feedback.delay == 0)
    throw GraphError("feedback edge '" + edge.str() + "' needs a delay of at least 1 frame",
                     {.edge = edge.str()});
  connect(edge);
}

void Graph::connect(const Edge& edge) {
  // One edge per pair of endpoints: a feedback edge and an ordinary one between the
  // same ports would be the same wire twice.
  if (std::any_of(edges_.begin(), edges_.end(),
                  [&](const Edge& e) { return same_endpoints(e, edge); }))
    throw GraphError("edge '" + edge.str() + "' already exists", {.edge = edge.str()});
  edges_.push_back(edge);
}

void Graph::disconnect(std::string_view from, std::string_view to) {
  const Edge edge{Endpoint::parse(from), Endpoint::parse(to)};
  auto it = std::find_if(edges_.begin(), edges_.end(),
                         [&](const Edge& e) { return same_endpoints(e, edge); });
  if (it == edges_.end())
    throw GraphError("there is no edge '" + edge.str() + "' to remove", {.edge = edge.str()});
  edges_.erase(it);
}

bool Graph::contains(std::string_view id) const noexcept {
  return nodes_.count(std::string(id)) != 0;
}

Node& Graph::node(std::string_view id) const {
  return *node_ptr(id);
}

std::shared_ptr<Node> Graph::node_ptr(std::string_view id) const {
  auto it = nodes_.find(std::string(id));
  if (it == nodes_.end())
    throw GraphError("unknown node '" + std::string(id) + "': nodes are " + join_names(ids_),
                     {.node = std::string(id)});
  return it->second;
}

}  // namespace fxgraph
