#pragma once
// Feedback loops: where the compiler finds them and how it orders their nodes.
//
// Aims
//   A cycle is allowed when one of its edges is a feedback edge (Edge::feedback, a
//   delay of D ≥ 1 frames). A loop is a strongly connected component of the graph
//   (every edge counted) that holds a feedback edge. Its nodes run as one unit: in
//   sub-blocks of at most the shortest feedback delay inside it, each node of the loop
//   once per sub-block in order. When a sub-block of n ≤ D frames starts, the D-late
//   frames it needs were all produced by earlier sub-blocks, so the delay is exact at
//   any block size, and the output does not depend on the block size (nodes are
//   block-size invariant; the conformance test holds every type to that).
//
// Order
//   The nodes run in an order that respects every ordinary edge, keeps each loop's
//   nodes together, and puts a loop after everything that feeds it and before
//   everything it feeds (feedback edges between different components included, so a
//   feedback edge outside a loop is a plain delay whose source has already run).
//
// Latency
//   Compensation (engine/latency_report.h) follows ordinary edges only: a loop's
//   latency is its forward path's. A node's latency inside a loop lengthens the loop's
//   period by that much on top of the feedback delay; nothing compensates it.
//
// Does not
//   - decide whether a loop is stable: a loop gain ≥ 1 grows without bound, as it would
//     in any recursive filter;
//   - split nodes outside loops: they run at the full block (automation aside:
//     engine/automation.h). A loop's sub-blocks also end where an automated value of
//     one of its nodes changes (Plan::run_loop), so that lands on its exact frame.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace fxgraph {

/// An edge between vertices for layout_loops: `feedback` is 0 or the delay in frames.
struct LoopEdge {
  std::size_t from, to;
  std::uint32_t feedback;
};

/// The run order of a graph with its loops marked.
struct LoopLayout {
  static constexpr std::uint32_t kNoLoop = std::numeric_limits<std::uint32_t>::max();
  struct Loop {
    std::size_t begin, count;  ///< its vertices: order[begin, begin + count)
    std::uint32_t sub_block;   ///< the shortest feedback delay inside it (frames)
  };
  std::vector<std::size_t> order;      ///< every vertex once
  std::vector<Loop> loops;             ///< in run order
  std::vector<std::uint32_t> loop_of;  ///< per vertex: its index in `loops`, or kNoLoop
};

/// Orders `vertices` vertices (see Order above). `forward_order` is a topological order
/// of the ordinary edges alone (the caller has refused any cycle without a feedback
/// edge); it breaks ties, so a graph without feedback edges keeps it unchanged.
LoopLayout layout_loops(std::size_t vertices, const std::vector<std::size_t>& forward_order,
                        const std::vector<LoopEdge>& edges);

}  // namespace fxgraph
