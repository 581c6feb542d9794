#pragma once
// Graph: the editable description of what to run.
//
// Aims
//   A Graph holds nodes under unique ids and the edges between their ports
//   (`src[:port] -> dst[:port]`). It is the thing users build, edit and hand to the
//   compiler; it never runs audio itself.
//
// Notes
//   - Several edges into one input are summed; one output may feed many inputs.
//   - Edges are checked when the graph is compiled, not when they are added, so a
//     graph may be built in any order (YAML files list edges after nodes, code may
//     not). The compiler reports unknown ids and ports, cycles and channel
//     mismatches as GraphError.
//   - A chain is a graph: Graph::chain names its nodes "0", "1", … and connects them
//     in order, so "2.gain" is an ordinary parameter path.
//   - Nodes are shared (std::shared_ptr): copying a Graph copies the structure, not the
//     nodes. That is what lets a running engine take an edited copy and keep the state
//     of every node that stayed.
//   - Feedback: a cycle is allowed when one of its edges is a feedback edge
//     (connect(from, to, FeedbackEdge{frames})): that edge carries its source's output
//     `frames` late. The compiler runs each loop (strongly connected component) in
//     sub-blocks no longer than its shortest feedback delay, so the delay is exact at
//     any block size (engine/feedback_loops.h). Any other cycle is an error.
//   - The graph's external input and output (`set_input`, `set_output`) are where an
//     embedding program's buffers enter and leave: Engine::process(in, out).
//
// Threads: a Graph is a plain value; edit it on one thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

/// Which side of a node a port is on.
enum class PortDirection : std::uint8_t { input, output };

/// The index of the port that `port` names among `node`'s inputs or outputs: a port
/// name or a decimal index, and "" for the first port. This is the one place that rule
/// lives (the compiler, the YAML loader and `fxgraph dot` all ask here). -1 when there
/// is no such port, including "" on a node without ports on that side.
int resolve_port(const Node& node, std::string_view port, PortDirection direction) noexcept;

/// One end of an edge: a node id and a port (a name or a decimal index; empty means
/// the node's first port, see resolve_port).
struct Endpoint {
  std::string node;
  std::string port;

  /// Parses "node" or "node:port".
  static Endpoint parse(std::string_view text);
  std::string str() const { return port.empty() ? node : node + ":" + port; }
  bool operator==(const Endpoint&) const = default;
};

/// Declares an edge a feedback edge: its destination hears the source `delay` frames
/// late (at least 1). `Graph::connect(a, b, FeedbackEdge{441})`.
struct FeedbackEdge {
  std::uint32_t delay = 0;
};

struct Edge {
  Endpoint from;
  Endpoint to;
  /// 0 for an ordinary edge; else a feedback edge's delay in frames (FeedbackEdge).
  std::uint32_t feedback = 0;
  bool is_feedback() const noexcept { return feedback != 0; }
  /// "a -> b", whether feedback or not (errors and YAML locations key on it).
  std::string str() const { return from.str() + " -> " + to.str(); }
  bool operator==(const Edge&) const = default;
};

class Graph {
 public:
  Graph() = default;

  /// Builds a linear chain: nodes named "0", "1", … connected in order; the graph's
  /// external input feeds node 0 and its external output is the last node.
  static Graph chain(std::vector<std::shared_ptr<Node>> nodes);

  /// Adds a node under `id`. Ids are non-empty and contain no '.', ':', spaces or
  /// "->"; duplicates are refused. Throws GraphError. Gives the node the engine's
  /// `bypass` parameter (Node::enable_bypass, engine/bypass.h). Returns the node.
  Node& add(std::string id, std::shared_ptr<Node> node);
  template <class T, class... Args>
  T& emplace(std::string id, Args&&... args) {
    auto node = std::make_shared<T>(std::forward<Args>(args)...);
    T& ref = *node;
    add(std::move(id), std::move(node));
    return ref;
  }

  /// Removes a node and every edge touching it. Throws GraphError if absent.
  void remove(std::string_view id);

  /// Adds an edge. Endpoints are checked at compile time.
  void connect(Endpoint from, Endpoint to);
  void connect(std::string_view from, std::string_view to) {
    connect(Endpoint::parse(from), Endpoint::parse(to));
  }
  /// Adds a feedback edge (see FeedbackEdge); throws GraphError for a delay of 0.
  void connect(Endpoint from, Endpoint to, FeedbackEdge feedback);
  /// Adds a copy of `edge`, feedback included (copying one graph's edges to another).
  void connect(const Edge& edge);
  /// Removes an edge (feedback or not); throws GraphError when there is no such edge.
  void disconnect(std::string_view from, std::string_view to);

  /// Where Engine::process(in, out) feeds its input and takes its output from.
  void set_input(Endpoint endpoint) { input_ = std::move(endpoint); }
  void set_output(Endpoint endpoint) { output_ = std::move(endpoint); }
  const std::optional<Endpoint>& input() const noexcept { return input_; }
  const std::optional<Endpoint>& output() const noexcept { return output_; }

  bool contains(std::string_view id) const noexcept;
  /// The node with this id; throws GraphError listing the ids when absent.
  Node& node(std::string_view id) const;
  std::shared_ptr<Node> node_ptr(std::string_view id) const;
  /// Ids in the order nodes were added.
  const std::vector<std::string>& ids() const noexcept { return ids_; }
  const std::vector<Edge>& edges() const noexcept { return edges_; }
  std::size_t size() const noexcept { return ids_.size(); }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::shared_ptr<Node>> nodes_;
  std::vector<Edge> edges_;
  std::optional<Endpoint> input_;
  std::optional<Endpoint> output_;
};

}  // namespace fxgraph
