// Plan: the parts that run feedback loops (engine/feedback_loops.h) — sub-blocks, the
// offset views a loop's steps see, and the feedback edges' rings. Audio thread.
#include <algorithm>
#include <cstdint>

#include "fxgraph/engine/plan.h"

namespace fxgraph {

namespace {

/// Gives the lanes of the nodes `in_loop` accepts their value at `frame` and returns
/// `frames` cut where one of those values may next change (engine/automation.h), so
/// the loop's sub-block starting at `frame` sees one value per lane, as a split step
/// outside a loop does (run_split_at_automation).
template <class InLoop>
std::uint32_t follow_automation(AutomationSchedule& schedule, InLoop in_loop, std::uint64_t frame,
                                std::uint32_t frames) noexcept {
  std::uint64_t next = UINT64_MAX;
  for (AutomationLane& lane : schedule.lanes) {
    if (!in_loop(lane.node())) continue;
    lane.apply_at(frame);
    next = std::min(next, lane.next_change(frame));
  }
  return std::uint32_t(std::min<std::uint64_t>(frames, next - frame));  // next > frame
}

}  // namespace

void Plan::run_loop(const Loop& loop) noexcept {
  const auto in_loop = [&](const Node* node) {
    for (std::uint32_t k = 0; k < loop.step_count; ++k)
      if (loop_steps_[loop.step_begin + k].node == node) return true;
    return false;
  };
  // Each sub-block is at most the loop's shortest feedback delay, so every frame a
  // feedback edge hands on was written in an earlier sub-block (or block); it also ends
  // where an automated value of a loop node changes, so that lands on its exact frame.
  for (std::uint32_t offset = 0; offset < block_frames_;) {
    std::uint32_t frames = std::min(loop.sub_block, block_frames_ - offset);
    if (automation_.schedule)
      frames =
          follow_automation(*automation_.schedule, in_loop, automation_.clock + offset, frames);
    for (std::uint32_t k = 0; k < loop.step_count; ++k)
      run_window(loop, loop_steps_[loop.step_begin + k], offset, frames);
    offset += frames;
  }
}

void Plan::run_window(const Loop& loop, const Step& step, std::uint32_t offset,
                      std::uint32_t frames) noexcept {
  for (std::uint32_t i = 0; i < step.gather_count; ++i)
    gather(gathers_[step.gather_begin + i], offset, frames);
  // The step's views, moved `offset` frames into the block: its node sees a block of
  // `frames` frames starting there.
  ConstAudioView* inputs = window_inputs_.data() + loop.inputs_begin;
  AudioView* outputs = window_outputs_.data() + loop.outputs_begin;
  const float** in_channels = window_input_channels_.data() + loop.input_channels_begin;
  for (std::uint32_t i = 0; i < step.input_count; ++i) {
    const ConstAudioView& whole = input_views_[step.input_begin + i];
    for (std::uint32_t c = 0; c < whole.num_channels; ++c)
      in_channels[c] = whole.channels[c] + offset;
    inputs[i] = {in_channels, whole.num_channels, frames};
    in_channels += whole.num_channels;
  }
  float** out_channels = window_output_channels_.data() + loop.output_channels_begin;
  for (std::uint32_t o = 0; o < step.output_count; ++o) {
    const AudioView& whole = output_views_[step.output_begin + o];
    for (std::uint32_t c = 0; c < whole.num_channels; ++c)
      out_channels[c] = whole.channels[c] + offset;
    outputs[o] = {out_channels, whole.num_channels, frames};
    out_channels += whole.num_channels;
  }
  ProcessContext ctx;
  ctx.frames = frames;
  ctx.position = block_position_ + offset;
  ctx.inputs = {inputs, step.input_count};
  ctx.outputs = {outputs, step.output_count};
  step.node->process(ctx);
  push_feedback(step, offset, frames);
}

void Plan::push_feedback(const Step& step, std::uint32_t offset, std::uint32_t frames) noexcept {
  for (std::uint32_t p = 0; p < step.push_count; ++p) {
    const FeedbackPush& push = pushes_[step.push_begin + p];
    FeedbackLine& line = feedback_[push.line];
    const AudioView& src = output_views_[push.source];
    for (std::uint32_t c = 0; c < line.channels; ++c) {
      const float* in = src.channels[c] + offset;
      float* ring = line.ring.data() + std::size_t(c) * line.capacity;
      std::uint32_t w = line.write;
      for (std::uint32_t i = 0; i < frames; ++i) {
        ring[w] = in[i];
        if (++w == line.capacity) w = 0;
      }
    }
    line.write = std::uint32_t((line.write + frames) % line.capacity);
  }
}

const float* Plan::read_feedback(FeedbackLine& line, std::uint32_t c,
                                 std::uint32_t frames) noexcept {
  const float* ring = line.ring.data() + std::size_t(c) * line.capacity;
  float* out = line.output.data();
  std::uint32_t r = line.read;
  for (std::uint32_t i = 0; i < frames; ++i) {
    out[i] = ring[r];
    if (++r == line.capacity) r = 0;
  }
  return out;
}

}  // namespace fxgraph
