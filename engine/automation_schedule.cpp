#include "fxgraph/engine/automation_schedule.h"

namespace fxgraph {

bool ContextSlice::fits(const ProcessContext& ctx) noexcept {
  if (ctx.inputs.size() > kMaxPorts || ctx.outputs.size() > kMaxPorts) return false;
  std::size_t in = 0, out = 0;
  for (const auto& v : ctx.inputs) in += v.num_channels;
  for (const auto& v : ctx.outputs) out += v.num_channels;
  return in <= kMaxChannels && out <= kMaxChannels;
}

ProcessContext ContextSlice::slice(const ProcessContext& ctx, std::uint32_t offset,
                                   std::uint32_t frames) noexcept {
  std::size_t next = 0;
  for (std::size_t p = 0; p < ctx.inputs.size(); ++p) {
    const ConstAudioView& v = ctx.inputs[p];
    for (std::uint32_t c = 0; c < v.num_channels; ++c)
      input_channels[next + c] = v.channels[c] + offset;
    inputs[p] = {input_channels + next, v.num_channels, frames};
    next += v.num_channels;
  }
  next = 0;
  for (std::size_t p = 0; p < ctx.outputs.size(); ++p) {
    const AudioView& v = ctx.outputs[p];
    for (std::uint32_t c = 0; c < v.num_channels; ++c)
      output_channels[next + c] = v.channels[c] + offset;
    outputs[p] = {output_channels + next, v.num_channels, frames};
    next += v.num_channels;
  }
  ProcessContext piece;
  piece.frames = frames;
  piece.position = ctx.position + offset;
  piece.inputs = {inputs, ctx.inputs.size()};
  piece.outputs = {outputs, ctx.outputs.size()};
  return piece;
}

}  // namespace fxgraph
