#pragma once
// How the stereo utilities (pan, stereo_width) treat their channels: as consecutive
// pairs (0, 1), (2, 3) …, each a left/right pair; an odd last channel has no partner
// and passes unchanged. So a stereo signal is one pair and a 6-channel signal three.

#include <algorithm>
#include <cstdint>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

/// Copies the unpaired last channel (odd counts) from `in` to `out`. Audio thread.
inline void pass_unpaired_channel(const ConstAudioView& in, const AudioView& out,
                                  std::uint32_t frames) noexcept {
  if (out.num_channels % 2 == 0) return;
  const std::uint32_t last = out.num_channels - 1;
  std::copy_n(in.channels[std::min(last, in.num_channels - 1)], frames, out.channels[last]);
}

}  // namespace fxgraph
