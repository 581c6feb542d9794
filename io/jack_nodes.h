#pragma once
// jack_in / jack_out: where a graph meets the JACK ports of a live session.
//
// They pass audio through: the RealtimeProcessor feeds the graph's external input
// (the capture ports) into jack_in and takes the playback ports from jack_out.
// bind_jack_ports() points the graph's input and output at them, and
// jack_port_names() names the client's ports after them: a node `guitar` with two
// channels gives ports `guitar_1` and `guitar_2`.

#include <string>
#include <vector>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

class JackPortNode : public Node {
 public:
  /// `type` is "jack_in" or "jack_out"; `channels` the port count.
  JackPortNode(std::string type, std::uint32_t channels);
  std::uint32_t channels() const noexcept { return channels_; }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  std::uint32_t channels_;
};

/// The ids of the graph's jack_in and jack_out nodes, and their channel counts.
struct JackBinding {
  std::string input_node, output_node;
  std::uint32_t channels_in = 0, channels_out = 0;
  std::vector<std::string> input_ports, output_ports;  ///< short port names
};

/// Finds the graph's jack_in/jack_out nodes (at most one each; at least one of them),
/// sets the graph's input/output to them, and returns their port names. Throws
/// GraphError when there are none or several.
JackBinding bind_jack_ports(Graph& graph);

}  // namespace fxgraph
