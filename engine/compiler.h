#pragma once
// Compiler: Graph → Plan.
//
// Validates the graph (unknown node ids or ports, cycles, channel mismatches — each
// a GraphError naming the nodes involved; a cycle error lists it as `a -> b -> a`),
// orders it topologically with Boost.Graph, resolves every port's channel count,
// prepares the nodes, and assigns buffers by liveness. All allocation happens here.
//
// Errors carry their subject as data (errors.h): an edge error its edge (and the node
// at fault), a cycle its first node, a node's failure its id, a bad graph input or
// output the key "input" or "output".
//
// Phases (compiler.cpp), in order: resolve edges, order topologically (cycle check;
// cycles closed by a feedback edge become loops, engine/feedback_loops.h), resolve the
// external endpoints, wire ports, resolve channels, prepare nodes, compensate latency,
// assign buffers, fuse chains, group loops (one step each), schedule steps (threads),
// materialise the plan.
//
// Channel rules
//   - An input port with a fixed count takes sources of that count, or mono sources
//     (upmixed: the one channel is copied to every channel).
//   - An input port declared kAnyChannels takes the widest of its sources; the others
//     must have that width or be mono.
//   - Anything else is an error naming the edge and both channel counts.
//   - An unconnected input reads silence (mono for kAnyChannels ports).
//   - A feedback edge's source must have its input's width or be mono; an input that
//     only feedback edges feed takes their width.

#include <cstdint>
#include <memory>
#include <unordered_set>

#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/plan.h"

namespace fxgraph {

struct CompileOptions {
  double sample_rate = 48000.0;
  std::uint32_t max_block = 512;
  /// Channels of the external input (Graph::set_input), e.g. 2 for stereo buffers.
  std::uint32_t input_channels = 2;
  /// Run chains of fusable nodes (consecutive IIR filters) as one step each
  /// (engine/chain_fusable.h). Same output either way; off only to compare.
  bool fuse_chains = true;
  /// Threads the plan will run on (Engine's). Above 1 the plan gets a StepSchedule and
  /// no buffer is shared between steps (two of them may run at once).
  unsigned threads = 1;
};

class Compiler {
 public:
  /// Compiles `graph`. `running` lists nodes that belong to a plan the audio thread is
  /// running now: they must not be re-prepared (their state is in use), so a change
  /// that would need it (a different channel count, say) is refused with a GraphError.
  /// Throws GraphError.
  static std::unique_ptr<Plan> compile(const Graph& graph, const CompileOptions& options,
                                       const std::unordered_set<const Node*>* running = nullptr);

 private:
  class Session;  // one compilation, phase by phase (compiler.cpp)
};

}  // namespace fxgraph
