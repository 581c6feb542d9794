#pragma once
// LatencyReport: what latency compensation found in a compiled graph, for
// `fxgraph check` and for drivers that trim or announce the latency.
//
// A node's latency (Node::latency) is how many frames its output lags its input. The
// compiler follows every path from the inputs: where paths of different latency meet
// (the inputs of one node, including a fan-in), it delays the earlier ones so they line
// up with the latest; sink nodes (no outputs: file_out, jack_out) are all lined up with
// the graph's total, so every output of a render carries the same latency.

#include <cstdint>
#include <string>
#include <vector>

namespace fxgraph {

struct LatencyReport {
  struct NodeLatency {
    std::string node;      ///< node id
    std::uint64_t frames;  ///< what the node reports
    std::uint64_t output;  ///< its output's latency from the graph's inputs
  };
  struct Compensation {
    std::string edge;  ///< "a -> b:1", or "input -> b" for the graph's external input
    std::uint64_t frames;
  };

  std::vector<NodeLatency> nodes;  ///< every node, in execution order
  std::vector<Compensation> delays;
  /// Frames the graph output (and every sink) lags the graph's inputs.
  std::uint64_t total = 0;

  /// Lines for `fxgraph check`: the nodes with latency, the delays, the total.
  std::string describe(double sample_rate) const;
};

}  // namespace fxgraph
