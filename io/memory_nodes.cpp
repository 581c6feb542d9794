#include "fxgraph/io/memory_nodes.h"

#include <algorithm>
#include <cstring>

namespace fxgraph {

namespace {
/// Copies min(frames) of each channel; a mono source fills every channel; channels the
/// source lacks become silence.
void copy_view(const ConstAudioView& src, const AudioView& dst, std::uint32_t frames) noexcept {
  const std::uint32_t n = std::min(frames, src.channels ? src.num_frames : 0u);
  for (std::uint32_t c = 0; c < dst.num_channels; ++c) {
    const float* s = src.channels == nullptr ? nullptr
                     : src.num_channels == 1 ? src.channels[0]
                     : c < src.num_channels  ? src.channels[c]
                                             : nullptr;
    float* d = dst.channels[c];
    if (s && n) std::memcpy(d, s, n * sizeof(float));
    std::memset(d + (s ? n : 0), 0, (frames - (s ? n : 0)) * sizeof(float));
  }
}
}  // namespace

MemorySourceNode::MemorySourceNode(std::uint32_t channels) : Node(std::string(kType)) {
  add_output("out", channels);
}

void MemorySourceNode::do_process(const ProcessContext& ctx) noexcept {
  copy_view(source_, ctx.outputs[0], ctx.frames);
}

MemorySinkNode::MemorySinkNode() : Node(std::string(kType)) {
  add_input("in");
}

void MemorySinkNode::on_prepare(const PrepareInfo& info) {
  buffer_.resize(info.input_channels[0], info.max_block);
  last_ = buffer_.view(0);
}

void MemorySinkNode::do_process(const ProcessContext& ctx) noexcept {
  last_ = buffer_.view(ctx.frames);
  copy_view(ctx.inputs[0], last_, ctx.frames);
  if (destination_.channels) {
    AudioView d = destination_;
    const std::uint32_t n = std::min(ctx.frames, d.num_frames);
    d.num_frames = n;
    copy_view(last_, d, n);
  }
}

}  // namespace fxgraph
