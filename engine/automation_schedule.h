#pragma once
// AutomationSchedule: every automation lane of an engine at one moment, and how a plan
// step runs through it.
//
// The engine builds a new schedule on a control thread whenever its automation changes
// (Engine::automate, clear_automation) and hands it to the audio thread through its
// queue, like a plan; the replaced one goes back and is freed on the control side. The
// audio thread never allocates: a schedule's lanes are fixed once built.
//
// Splitting (run_split_at_automation): a step whose node (or a node of its fused chain)
// has lanes runs in sub-blocks that end where a lane's value may change (a breakpoint,
// a grid line of a continuous curve: engine/automation.h); before each sub-block the
// lanes give the node the value for its first frame. A step without lanes runs whole.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

struct AutomationSchedule {
  std::vector<AutomationLane> lanes;
};

/// What a plan's steps need to follow the automation during one block: the schedule
/// (null: none) and the automation time of the block's first frame.
struct BlockAutomation {
  AutomationSchedule* schedule = nullptr;
  std::uint64_t clock = 0;
};

/// Room for the views of one sub-block (automation_schedule.cpp): ports and channels
/// beyond these run without splitting (a step that wide does not exist among the
/// built-in nodes).
struct ContextSlice {
  static constexpr std::size_t kMaxPorts = 32;
  static constexpr std::size_t kMaxChannels = 256;
  ConstAudioView inputs[kMaxPorts];
  AudioView outputs[kMaxPorts];
  const float* input_channels[kMaxChannels];
  float* output_channels[kMaxChannels];

  /// Whether `ctx`'s views fit.
  static bool fits(const ProcessContext& ctx) noexcept;
  /// Frames [offset, offset + frames) of `ctx`: its views moved on, its position too.
  ProcessContext slice(const ProcessContext& ctx, std::uint32_t offset,
                       std::uint32_t frames) noexcept;
};

/// Runs `run(piece)` over `ctx` in the sub-blocks `nodes`' lanes call for, applying the
/// lanes' values before each (see above); `clock` is the automation time of ctx's
/// first frame. Audio thread (or the worker running the step).
template <class Run>
void run_split_at_automation(AutomationSchedule& schedule, std::span<Node* const> nodes,
                             std::uint64_t clock, const ProcessContext& ctx, Run&& run) noexcept {
  const auto automated = [&](const AutomationLane& lane) {
    for (Node* node : nodes)
      if (lane.node() == node) return true;
    return false;
  };
  ContextSlice slice;
  const bool splittable = ContextSlice::fits(ctx);
  std::uint32_t done = 0;
  while (done < ctx.frames) {
    const std::uint64_t frame = clock + done;
    std::uint64_t next = UINT64_MAX;
    for (AutomationLane& lane : schedule.lanes) {
      if (!automated(lane)) continue;
      lane.apply_at(frame);
      next = std::min(next, lane.next_change(frame));
    }
    const std::uint64_t left = ctx.frames - done;
    const auto frames = std::uint32_t(splittable ? std::min(left, next - frame) : left);
    if (done == 0 && frames == ctx.frames) return run(ctx);
    run(slice.slice(ctx, done, frames));
    done += frames;
  }
}

}  // namespace fxgraph
