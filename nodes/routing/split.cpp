#include "fxgraph/nodes/routing/split.h"

#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

SplitNode::SplitNode(std::uint32_t outputs) : Node(std::string(kType)) {
  if (outputs == 0) throw ConfigError("split needs at least one output");
  add_input("in");
  for (std::uint32_t i = 0; i < outputs; ++i) add_output(std::to_string(i));
}

void SplitNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  for (const AudioView& out : ctx.outputs)
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::memcpy(out.channels[c], in.channels[c], ctx.frames * sizeof(float));
}

ChannelSelectNode::ChannelSelectNode(std::vector<std::uint32_t> channels)
    : Node(std::string(kType)), select_(std::move(channels)) {
  if (select_.empty()) throw ConfigError("channel_select needs at least one channel index");
  add_input("in");
  add_output("out", std::uint32_t(select_.size()));
}

std::vector<std::uint32_t> ChannelSelectNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  for (auto c : select_)
    if (c >= input_channels[0])
      throw GraphError("channel_select picks channel " + std::to_string(c) + " but its input has " +
                       std::to_string(input_channels[0]) + " (channels count from 0)");
  return {std::uint32_t(select_.size())};
}

void ChannelSelectNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  for (std::uint32_t c = 0; c < out.num_channels; ++c)
    std::memcpy(out.channels[c], in.channels[select_[c]], ctx.frames * sizeof(float));
}

}  // namespace fxgraph
