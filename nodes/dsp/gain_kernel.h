#pragma once
// The gain kernel shared by fxgraph's `gain` and torchfx's `Gain`: each output channel is
// its input times one factor (or a per-sample ramp while the factor moves), then clamped
// to [-1, 1] when asked. A mono input feeds every output channel.

#include <algorithm>
#include <cstdint>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::dsp {

/// y = x · gain (x · ramp[i] while `ramping`), then clamp to [-1, 1] if `clamp`, for the
/// first `n` frames. Audio thread: no allocation, no branches inside the sample loops.
inline void apply_gain(const ConstAudioView& in, const AudioView& out, std::uint32_t n,
                       bool ramping, const float* ramp, float gain, bool clamp) noexcept {
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    float* y = out.channels[c];
    if (ramping) {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * ramp[i];
    } else {
      for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * gain;
    }
    if (clamp)
      for (std::uint32_t i = 0; i < n; ++i) y[i] = std::clamp(y[i], -1.0f, 1.0f);
  }
}

}  // namespace fxgraph::dsp
