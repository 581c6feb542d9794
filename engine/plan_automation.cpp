// Plan::run_automated: a step whose node the block's automation moves runs in the
// sub-blocks it calls for (engine/automation_schedule.h). Kept apart from plan.cpp so
// the plan's own loop stays as it was.
#include <span>

#include "fxgraph/engine/plan.h"

namespace fxgraph {

void Plan::run_automated(const Step& step, const ProcessContext& ctx) noexcept {
  const std::span<Node* const> nodes =
      step.chain_count > 1
          ? std::span<Node* const>(chain_nodes_.data() + step.chain_begin, step.chain_count)
          : std::span<Node* const>(&step.node, 1);
  run_split_at_automation(*automation_.schedule, nodes, automation_.clock, ctx,
                          [&](const ProcessContext& piece) { run_node(step, piece); });
}

}  // namespace fxgraph
