#pragma once
// ChainFusable: nodes that run a chain of their own kind faster as one step.
//
// Aims
//   A chain of IIR filters, each in its own node, walks every block once per node and
//   waits on each filter's recursion in turn. Run as one cascade, the filters' work
//   overlaps. The compiler finds such runs — node A's only output feeding only node
//   B's only input, B right after A in the execution order, A willing
//   (can_chain_with) — and gives the plan one step for the whole run; the nodes stay
//   separate for everything else (parameters, reset, describe, order).
//
// Promises a fusable node makes
//   - process_chain gives the same samples as processing each node of the chain in
//     turn, to float precision (it may keep more precision between the nodes than a
//     float buffer does), so fusion is never audible and tests can compare the two.
//   - process_chain is realtime-safe like process().

#include <cstddef>
#include <span>

#include "fxgraph/engine/node.h"

namespace fxgraph {

class ChainFusable {
 public:
  /// Longest run the compiler fuses into one step.
  static constexpr std::size_t kMaxChain = 16;

  virtual ~ChainFusable() = default;
  /// Compile time, both nodes prepared: can `next` (fed only by this node's one
  /// output) run in a chain that this node heads?
  virtual bool can_chain_with(const Node& next) const noexcept = 0;
  /// Audio thread: runs `chain` (this node first; each next one accepted by
  /// can_chain_with) from ctx.inputs[0] (the first node's input) to ctx.outputs[0]
  /// (the last node's output). The buffers between them are not written.
  virtual void process_chain(std::span<Node* const> chain, const ProcessContext& ctx) noexcept = 0;
  /// Control thread: what process_chain costs per frame and channel, in
  /// Node::cost_per_sample's unit. The default sums the nodes'; a fused chain whose work
  /// overlaps says less.
  virtual double chain_cost_per_sample(std::span<Node* const> chain) const {
    double cost = 0.0;
    for (const Node* node : chain) cost += node->cost_per_sample();
    return cost;
  }
};

}  // namespace fxgraph
