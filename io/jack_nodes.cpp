#include "fxgraph/io/jack_nodes.h"

#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

JackPortNode::JackPortNode(Direction direction, std::uint32_t channels)
    : Node(std::string(type_of(direction))), direction_(direction), channels_(channels) {
  add_input("in", channels);
  add_output("out", channels);
}

void JackPortNode::do_process(const ProcessContext& ctx) noexcept {
  for (std::uint32_t c = 0; c < ctx.outputs[0].num_channels; ++c)
    std::memcpy(ctx.outputs[0].channels[c], ctx.inputs[0].channels[c], ctx.frames * sizeof(float));
}

JackBinding bind_jack_ports(Graph& graph) {
  JackBinding b;
  for (const auto& id : graph.ids()) {
    auto* node = dynamic_cast<JackPortNode*>(&graph.node(id));
    if (!node) continue;
    const bool input = node->direction() == JackPortNode::Direction::capture;
    std::string& slot = input ? b.input_node : b.output_node;
    if (!slot.empty())
      throw GraphError("the graph has two " + node->type() + " nodes ('" + slot + "' and '" + id +
                           "'); use one with more channels",
                       {.node = id});
    slot = id;
    (input ? b.channels_in : b.channels_out) = node->channels();
    auto& ports = input ? b.input_ports : b.output_ports;
    for (std::uint32_t c = 1; c <= node->channels(); ++c)
      ports.push_back(id + "_" + std::to_string(c));
  }
  if (b.input_node.empty() && b.output_node.empty())
    throw GraphError("the graph has no jack_in or jack_out node: nothing connects it to JACK");
  if (!b.input_node.empty()) graph.set_input({b.input_node, ""});
  if (!b.output_node.empty()) graph.set_output({b.output_node, ""});
  return b;
}

}  // namespace fxgraph
