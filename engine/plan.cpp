#include "fxgraph/engine/plan.h"

#include <algorithm>
#include <cstring>

#include "fxgraph/engine/chain_fusable.h"
#include "fxgraph/engine/prefetch.h"

namespace fxgraph {

ConstAudioView Plan::source_view(std::uint32_t source) const noexcept {
  return source == kExternalInput ? external_input_ : output_views_[source];
}

const float* Plan::delayed(DelayLine& line, const float* in, std::uint32_t c,
                           std::uint32_t frames) noexcept {
  // Frames leave the ring in the order they entered, `length` frames later. The write
  // position moves on once per gather, after the last channel (Plan::gather).
  float* ring = line.ring.data() + std::size_t(c) * line.length;
  float* out = line.output.data();
  std::uint32_t w = line.write;
  for (std::uint32_t i = 0; i < frames; ++i) {
    out[i] = ring[w];
    ring[w] = in ? in[i] : 0.0f;
    if (++w == line.length) w = 0;
  }
  return out;
}

namespace {
/// Source channel `s` (nullptr: silence) into `dst`'s channels — all of them for an
/// upmix, else channel `c` — copied or added, over `frames` frames from `offset`.
void deliver(const AudioView& dst, std::uint32_t c, const float* s, bool upmix, bool add,
             std::uint32_t offset, std::uint32_t frames) noexcept {
  for (std::uint32_t d = upmix ? 0 : c; d < (upmix ? dst.num_channels : c + 1); ++d) {
    float* out = dst.channels[d] + offset;
    if (s == nullptr) {
      if (!add) std::memset(out, 0, frames * sizeof(float));
    } else if (add) {
      for (std::uint32_t i = 0; i < frames; ++i) out[i] += s[i];
    } else {
      std::memcpy(out, s, frames * sizeof(float));
    }
  }
}
}  // namespace

void Plan::gather(const Gather& g, std::uint32_t offset, std::uint32_t frames) noexcept {
  if (g.kind == GatherKind::external_view) {
    // The caller's channels in place when there are enough of them (read-only, and
    // `out` is written only after every step); this block may differ from the last.
    // Never inside a loop (the compiler copies there), so `offset` is 0.
    const bool wide_enough = external_input_.channels != nullptr &&
                             external_input_.num_channels >= input_views_[g.target].num_channels;
    // Written only when it changes: workers read the views' lines (see block_frames_).
    const float* const* channels =
        wide_enough ? external_input_.channels : own_input_channels_[g.target];
    if (input_views_[g.target].channels != channels) input_views_[g.target].channels = channels;
    if (wide_enough) return;
  }
  // Gathers fill the input's own buffer; the node then reads it through input_views_.
  const AudioView dst{own_input_channels_[g.target], input_views_[g.target].num_channels,
                      input_views_[g.target].num_frames};
  if (g.kind == GatherKind::clear) {
    for (std::uint32_t c = 0; c < dst.num_channels; ++c)
      std::memset(dst.channels[c] + offset, 0, frames * sizeof(float));
    return;
  }
  const bool upmix = g.kind == GatherKind::upmix_copy || g.kind == GatherKind::upmix_add;
  const bool add = g.kind == GatherKind::add || g.kind == GatherKind::upmix_add;
  if (g.feedback != kNoFeedback) {
    FeedbackLine& line = feedback_[g.feedback];
    for (std::uint32_t c = 0; c < line.channels; ++c)
      deliver(dst, c, read_feedback(line, c, frames), upmix, add, offset, frames);
    line.read = std::uint32_t((line.read + frames) % line.capacity);
    return;
  }
  const ConstAudioView src = source_view(g.source);
  // A source narrower than the port (external input with fewer channels) leaves
  // silence in the rest; compile rules make this the external input's case only.
  const auto channel = [&](std::uint32_t c) -> const float* {
    return c < src.num_channels ? src.channels[c] + offset : nullptr;
  };
  if (g.delay != kNoDelay) {
    DelayLine& line = delays_[g.delay];
    for (std::uint32_t c = 0; c < line.channels; ++c)
      deliver(dst, c, delayed(line, channel(c), c, frames), upmix, add, offset, frames);
    line.write = std::uint32_t((line.write + frames) % line.length);
    return;
  }
  if (upmix) {
    deliver(dst, 0, channel(0), true, add, offset, frames);
    return;
  }
  for (std::uint32_t c = 0; c < dst.num_channels; ++c)
    deliver(dst, c, channel(c), false, add, offset, frames);
}

void Plan::run_step(const Step& step, const StepSchedule::Waiter* waiter) noexcept {
  if (step.loop != kNoLoop) {
    run_loop(loops_[step.loop]);
    return;
  }
  for (std::uint32_t i = 0; i < step.gather_count; ++i) {
    const Gather& g = gathers_[step.gather_begin + i];
    if (waiter && g.awaited_step != kNoStep) waiter->await(g.awaited_step);
    gather(g, 0, block_frames_);
  }
  ProcessContext ctx;
  ctx.frames = block_frames_;
  ctx.position = block_position_;
  ctx.inputs = {input_views_.data() + step.input_begin, step.input_count};
  ctx.outputs = {output_views_.data() + step.output_begin, step.output_count};
  if (automation_.schedule)
    run_automated(step, ctx);
  else
    run_node(step, ctx);
  push_feedback(step, 0, block_frames_);
}

void Plan::run_node(const Step& step, const ProcessContext& ctx) noexcept {
  if (step.chain_count > 1 && !chain_needs_own_steps(step)) {
    step.fusable->process_chain({chain_nodes_.data() + step.chain_begin, step.chain_count}, ctx);
  } else if (step.chain_count > 1) {
    // Node by node: the head's gathers ran in run_step; the others read their producer's
    // buffer in place, over ctx's frames (a sub-block when automation splits the block).
    const auto offset = std::uint32_t(ctx.position - block_position_);
    ContextSlice slice;
    for (std::uint32_t k = 0; k < step.chain_count; ++k) {
      const Step& own = chain_steps_[step.chain_begin + k];
      ProcessContext whole = ctx;
      whole.frames = block_frames_;
      whole.position = block_position_;
      whole.inputs = {input_views_.data() + own.input_begin, own.input_count};
      whole.outputs = {output_views_.data() + own.output_begin, own.output_count};
      const bool sub_block = offset != 0 || ctx.frames != block_frames_;
      own.node->process(
          sub_block && ContextSlice::fits(whole) ? slice.slice(whole, offset, ctx.frames) : whole);
    }
  } else {
    step.node->process(ctx);
  }
}

bool Plan::chain_needs_own_steps(const Step& step) const noexcept {
  for (std::uint32_t k = 0; k < step.chain_count; ++k)
    if (chain_nodes_[step.chain_begin + k]->bypass_needs_process()) return true;
  return false;
}

void Plan::work(unsigned participant) noexcept {
  schedule_->work(
      participant, schedule_block_,
      [](void* plan, std::uint32_t step, StepSchedule::Waiter waiter) noexcept {
        Plan& self = *static_cast<Plan*>(plan);
        const Step& own = self.steps_[step];
        if (self.schedule_->read_on_other_lane(step)) self.claim_outputs(own);
        if (self.schedule_->reads_other_lane(step)) self.prefetch_inputs(own, waiter);
        self.run_step(own, &waiter);
      },
      this);
}

void Plan::prefetch_inputs(const Step& step, const StepSchedule::Waiter& waiter) const noexcept {
  // A stream's first lines: the hardware prefetcher takes over after them. Producers
  // still running are left alone: fetching their lines now would take them from the core
  // that is writing them.
  constexpr std::uint32_t kFrames = 256;
  if (step.loop != kNoLoop) return;
  for (std::uint32_t i = 0; i < step.gather_count; ++i) {
    const Gather& g = gathers_[step.gather_begin + i];
    const bool reads_source = g.kind != GatherKind::clear && g.kind != GatherKind::external_view &&
                              g.feedback == kNoFeedback;
    if (!reads_source || (g.awaited_step != kNoStep && !waiter.finished(g.awaited_step))) continue;
    const ConstAudioView source = source_view(g.source);
    for (std::uint32_t c = 0; c < source.num_channels; ++c)
      prefetch_for_read(source.channels[c], std::min(block_frames_, kFrames));
  }
}

void Plan::claim_outputs(const Step& step) const noexcept {
  const auto claim = [&](const Step& one) {
    for (std::uint32_t o = 0; o < one.output_count; ++o) {
      const AudioView& view = output_views_[one.output_begin + o];
      for (std::uint32_t c = 0; c < view.num_channels; ++c)
        prefetch_for_write(view.channels[c], block_frames_);
    }
  };
  if (step.loop == kNoLoop) {
    claim(step);
    return;
  }
  const Loop& loop = loops_[step.loop];
  for (std::uint32_t k = 0; k < loop.step_count; ++k) claim(loop_steps_[loop.step_begin + k]);
}

void Plan::run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames,
               std::uint64_t position, ParallelRunner* runner,
               BlockAutomation automation) noexcept {
  frames = std::min(frames, max_block_);
  external_input_ = in;
  external_input_.num_frames = frames;
  // Only when the block size changes: every thread running steps reads these lines.
  if (frames != views_frames_) {
    for (auto& v : input_views_) v.num_frames = frames;
    for (auto& v : output_views_) v.num_frames = frames;
    views_frames_ = frames;
  }
  block_frames_ = frames;
  block_position_ = position;
  automation_ = automation;

  if (runner && runs_in_parallel()) {
    schedule_block_ = schedule_->begin_block();  // published to the workers by runner->run
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
  for (FeedbackLine& line : feedback_) {
    std::fill(line.ring.begin(), line.ring.end(), 0.0f);
    line.read = 0;
    line.write = line.length;
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
