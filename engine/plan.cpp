#include "fxgraph/engine/plan.h"

#include <algorithm>
#include <cstring>

#include "fxgraph/engine/chain_fusable.h"

namespace fxgraph {

ConstAudioView Plan::source_view(std::uint32_t source) const noexcept {
  return source == kExternalInput ? external_input_ : output_views_[source];
}

const float* Plan::delayed(DelayLine& line, const ConstAudioView& src, std::uint32_t c) noexcept {
  // Frames leave the ring in the order they entered, `length` frames later. The write
  // position moves on once per block, after the last channel (Plan::run).
  const float* in = c < src.num_channels ? src.channels[c] : nullptr;
  float* ring = line.ring.data() + std::size_t(c) * line.length;
  float* out = line.output.data();
  std::uint32_t w = line.write;
  for (std::uint32_t i = 0; i < src.num_frames; ++i) {
    out[i] = ring[w];
    ring[w] = in ? in[i] : 0.0f;
    if (++w == line.length) w = 0;
  }
  return out;
}

void Plan::gather(const Gather& g) noexcept {
  if (g.kind == GatherKind::external_view) {
    // The caller's channels in place when there are enough of them (read-only, and
    // `out` is written only after every step); this block may differ from the last.
    const bool wide_enough = external_input_.channels != nullptr &&
                             external_input_.num_channels >= input_views_[g.target].num_channels;
    input_views_[g.target].channels =
        wide_enough ? external_input_.channels : own_input_channels_[g.target];
    if (wide_enough) return;
  }
  // Gathers fill the input's own buffer; the node then reads it through input_views_.
  const AudioView dst{own_input_channels_[g.target], input_views_[g.target].num_channels,
                      input_views_[g.target].num_frames};
  const std::uint32_t frames = dst.num_frames;
  if (g.kind == GatherKind::clear) {
    for (std::uint32_t c = 0; c < dst.num_channels; ++c)
      std::memset(dst.channels[c], 0, frames * sizeof(float));
    return;
  }
  ConstAudioView src = source_view(g.source);
  src.num_frames = frames;
  const bool upmix = g.kind == GatherKind::upmix_copy || g.kind == GatherKind::upmix_add;
  const bool add = g.kind == GatherKind::add || g.kind == GatherKind::upmix_add;
  if (g.delay != kNoDelay) {
    DelayLine& line = delays_[g.delay];
    for (std::uint32_t c = 0; c < line.channels; ++c) {
      const float* s = delayed(line, src, c);
      // An upmix's one delayed channel goes to every channel of the input.
      for (std::uint32_t d = upmix ? 0 : c; d < (upmix ? dst.num_channels : c + 1); ++d) {
        if (add)
          for (std::uint32_t i = 0; i < frames; ++i) dst.channels[d][i] += s[i];
        else
          std::memcpy(dst.channels[d], s, frames * sizeof(float));
      }
    }
    line.write = std::uint32_t((line.write + frames) % line.length);
    return;
  }
  for (std::uint32_t c = 0; c < dst.num_channels; ++c) {
    // A source narrower than the port (external input with fewer channels) leaves
    // silence in the rest; compile rules make this the external input's case only.
    const float* s = upmix ? src.channels[0] : (c < src.num_channels ? src.channels[c] : nullptr);
    float* d = dst.channels[c];
    if (s == nullptr) {
      if (!add) std::memset(d, 0, frames * sizeof(float));
    } else if (add) {
      for (std::uint32_t i = 0; i < frames; ++i) d[i] += s[i];
    } else {
      std::memcpy(d, s, frames * sizeof(float));
    }
  }
}

void Plan::run_step(const Step& step) noexcept {
  for (std::uint32_t i = 0; i < step.gather_count; ++i) gather(gathers_[step.gather_begin + i]);
  ProcessContext ctx;
  ctx.frames = block_frames_;
  ctx.position = block_position_;
  ctx.inputs = {input_views_.data() + step.input_begin, step.input_count};
  ctx.outputs = {output_views_.data() + step.output_begin, step.output_count};
  if (step.chain_count > 1)
    step.fusable->process_chain({chain_nodes_.data() + step.chain_begin, step.chain_count}, ctx);
  else
    step.node->process(ctx);
}

void Plan::work(unsigned participant) noexcept {
  schedule_->work(
      participant,
      [](void* plan, std::uint32_t step) noexcept {
        Plan& self = *static_cast<Plan*>(plan);
        self.run_step(self.steps_[step]);
      },
      this);
}

void Plan::run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames,
               std::uint64_t position, ParallelRunner* runner) noexcept {
  frames = std::min(frames, max_block_);
  external_input_ = in;
  external_input_.num_frames = frames;
  for (auto& v : input_views_) v.num_frames = frames;
  for (auto& v : output_views_) v.num_frames = frames;
  block_frames_ = frames;
  block_position_ = position;

  if (runner && runs_in_parallel()) {
    schedule_->begin_block();  // published to the workers by runner->run
    runner->run(*this);
  } else {
    for (const Step& step : steps_) run_step(step);
  }

  if (out.channels == nullptr) return;
  const std::uint32_t n = std::min(frames, out.num_frames);
  if (output_view_ < 0) {
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::memset(out.channels[c], 0, n * sizeof(float));
    return;
  }
  const AudioView& result = output_views_[std::size_t(output_view_)];
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    // Mono results fill every channel of a wider destination; extra channels are silent.
    const float* s = result.num_channels == 1  ? result.channels[0]
                     : c < result.num_channels ? result.channels[c]
                                               : nullptr;
    if (s)
      std::memcpy(out.channels[c], s, n * sizeof(float));
    else
      std::memset(out.channels[c], 0, n * sizeof(float));
  }
}

std::uint64_t Plan::compiled_latency(const Node* node) const noexcept {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].get() == node) return node_latency_[i];
  return 0;
}

void Plan::reset_delays() noexcept {
  for (DelayLine& line : delays_) {
    std::fill(line.ring.begin(), line.ring.end(), 0.0f);
    line.write = 0;
  }
}

std::string Plan::describe() const {
  std::string text;
  for (const auto& line : describe_lines_) text += line + "\n";
  text += std::to_string(steps_.size()) + " steps, " + std::to_string(buffers_.size()) +
          " buffers of up to " + std::to_string(max_block_) + " frames at " +
          std::to_string(int(sample_rate_)) + " Hz\n";
  return text;
}

}  // namespace fxgraph
