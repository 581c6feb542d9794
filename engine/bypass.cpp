#include "fxgraph/engine/bypass.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fxgraph {

ParameterSpec bypass_parameter_spec() {
  return {.name = std::string(kBypassParameter),
          .min = 0.0,
          .max = 1.0,
          .default_value = 0.0,
          .kind = ParameterKind::toggle,
          .description =
              "1: the node's input passes instead of its output (10 ms crossfade, "
              "delayed by the node's latency)"};
}

void BypassMixer::prepare(const PrepareInfo& info, std::uint64_t latency, bool engaged) {
  fade_frames_ =
      std::max<std::uint32_t>(1, std::uint32_t(std::lround(info.sample_rate * kBypassFadeSeconds)));
  engaged_ = engaged;
  fade_ = engaged ? fade_frames_ : 0;
  latency_ = std::uint32_t(latency);
  write_ = 0;
  lanes_.assign(info.output_channels.size(), {});
  std::size_t ring = 0;
  const std::size_t inputs = info.input_channels.size();
  for (std::size_t o = 0; o < lanes_.size(); ++o) {
    const std::uint32_t port = o < inputs ? std::uint32_t(o) : 0;
    const std::uint32_t width = inputs == 0 ? 0 : info.input_channels[port];
    for (std::uint32_t c = 0; c < info.output_channels[o]; ++c) {
      Lane lane;
      lane.input_port = port;
      // The engine's mapping of a result onto a destination (Plan::run): a mono source
      // fills every channel; a wider one gives channel c to channel c.
      lane.input_channel = width == 1 ? 0 : c;
      lane.silent = width == 0 || (width != 1 && c >= width);
      lane.ring = ring;
      ring += latency_;
      lanes_[o].push_back(lane);
    }
  }
  ring_.assign(ring, 0.0f);
}

void BypassMixer::process(const ProcessContext& ctx) noexcept {
  if (!needs_process()) return;
  const std::uint32_t frames = ctx.frames;
  const std::uint32_t fade_at_end =
      engaged_ ? std::min<std::uint32_t>(fade_frames_, fade_ + std::min(frames, fade_frames_))
               : fade_ - std::min(fade_, frames);
  const std::size_t ports = std::min(lanes_.size(), ctx.outputs.size());
  for (std::size_t o = 0; o < ports; ++o) {
    const AudioView& out_view = ctx.outputs[o];
    const std::size_t channels = std::min<std::size_t>(lanes_[o].size(), out_view.num_channels);
    for (std::size_t c = 0; c < channels; ++c) {
      const Lane& lane = lanes_[o][c];
      const float* in = lane.silent || lane.input_port >= ctx.inputs.size()
                            ? nullptr
                            : ctx.inputs[lane.input_port].channels[lane.input_channel];
      float* ring = latency_ != 0 ? ring_.data() + lane.ring : nullptr;
      float* out = out_view.channels[c];
      if (!ring && engaged_ && fade_ == fade_frames_) {
        // Bypassed, fade over, no latency: the dry signal as it is (the common case).
        if (in)
          std::memcpy(out, in, frames * sizeof(float));
        else
          std::memset(out, 0, frames * sizeof(float));
        continue;
      }
      std::uint32_t write = write_, fade = fade_;
      for (std::uint32_t i = 0; i < frames; ++i) {
        float dry = in ? in[i] : 0.0f;
        if (ring) {
          const float delayed = ring[write];
          ring[write] = dry;
          dry = delayed;
          if (++write == latency_) write = 0;
        }
        if (engaged_) {
          if (fade < fade_frames_) ++fade;
        } else if (fade > 0) {
          --fade;
        }
        if (fade == fade_frames_) {
          out[i] = dry;
        } else if (fade != 0) {
          const float dry_weight = float(fade) / float(fade_frames_);
          out[i] += dry_weight * (dry - out[i]);
        }
      }
    }
  }
  if (latency_ != 0) write_ = std::uint32_t((write_ + std::uint64_t(frames)) % latency_);
  fade_ = fade_at_end;
}

void BypassMixer::reset() noexcept {
  std::fill(ring_.begin(), ring_.end(), 0.0f);
  write_ = 0;
  fade_ = engaged_ ? fade_frames_ : 0;
}

}  // namespace fxgraph
