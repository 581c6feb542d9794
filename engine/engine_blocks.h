#pragma once
// Running a chunk longer than the engine's block through an Engine, block by block,
// without copying: the file drivers read chunks of any size (1 … millions of frames),
// and a JACK period may grow past the block the engine was prepared for, while the
// engine runs blocks of at most EngineConfig::max_block. Allocation-free (audio thread).

#include <algorithm>
#include <cstdint>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/engine.h"

namespace fxgraph {

/// The most channels a chunk may have (the views below live on the stack).
inline constexpr std::uint32_t kMaxChunkChannels = 64;

/// A view of frames [offset, offset + frames) of `v`, without copying. A view without
/// channels (no external input or output) stays one.
template <typename Sample>
struct SubView {
  Sample* pointers[kMaxChunkChannels];
  BasicAudioView<Sample> view;
  SubView(const BasicAudioView<Sample>& v, std::uint32_t offset, std::uint32_t frames) noexcept {
    if (v.channels == nullptr) return;
    for (std::uint32_t c = 0; c < v.num_channels && c < kMaxChunkChannels; ++c)
      pointers[c] = v.channels[c] + offset;
    view = {pointers, std::min(v.num_channels, kMaxChunkChannels), frames};
  }
};

/// Runs the first `frames` frames of `in` through `engine` into `out`, in blocks of the
/// engine's max_block. Each view holds at least `frames` frames, or has no channels.
inline void process_in_blocks(Engine& engine, const ConstAudioView& in, const AudioView& out,
                              std::uint32_t frames) noexcept {
  const std::uint32_t block = engine.config().max_block;
  for (std::uint32_t offset = 0; offset < frames; offset += block) {
    const std::uint32_t n = std::min(block, frames - offset);
    const SubView i(in, offset, n);
    const SubView o(out, offset, n);
    engine.process(i.view, o.view);
  }
}

}  // namespace fxgraph
