#pragma once
// jack_in / jack_out: where a graph meets the JACK ports of a live session.
//
// They pass audio through: the RealtimeProcessor feeds the graph's external input
// (the capture ports) into jack_in and takes the playback ports from jack_out.
// bind_jack_ports() points the graph's input and output at them, and
// jack_port_names() names the client's ports after them: a node `guitar` with two
// channels gives ports `guitar_1` and `guitar_2`.

#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

class JackPortNode : public Node {
 public:
  /// Capture ports feed the graph (jack_in); playback ports take its output (jack_out).
  enum class Direction { capture, playback };
  /// The registry type names of the two directions.
  static constexpr std::string_view kCaptureType = "jack_in";
  static constexpr std::string_view kPlaybackType = "jack_out";
  static constexpr std::string_view type_of(Direction d) noexcept {
    return d == Direction::capture ? kCaptureType : kPlaybackType;
  }

  /// `channels` is the port count.
  JackPortNode(Direction direction, std::uint32_t channels);
  Direction direction() const noexcept { return direction_; }
  std::uint32_t channels() const noexcept { return channels_; }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  Direction direction_;
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
