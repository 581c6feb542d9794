#pragma once
// Nodes that need the whole signal before they can process any of it.
//
// `normalize` must know a file's peak before it scales the first sample. Offline
// drivers (StreamProcessor, the file renderer) run such graphs in passes: one
// measuring pass per multi-pass node, in execution order (a later node measures what
// the earlier ones already scale), then the pass that writes. Node state is reset
// before each pass, so every pass sees the same signal.
//
// Running every pass through the whole graph repeats all the DSP upstream of the
// multi-pass node. When the graph allows it (engine/multipass_split.h: always for a
// chain whose multi-pass node is not first), StreamProcessor::process_file stores the
// signal arriving at the first multi-pass node during its measuring pass, in a scratch
// file next to the output, and runs the later passes from there: the upstream DSP runs
// once and the output is bit-identical. The chunk range (StreamProcessor::
// process_chunks) and the file renderer (io/offline_render.h) still run the whole graph
// in every pass.
//
// A live graph cannot look into the future: RealtimeProcessor refuses multi-pass nodes
// with a clear error instead of being silently wrong.

namespace fxgraph {

class MultiPassNode {
 public:
  enum class Pass {
    pass_through,  ///< not measured yet and not measuring: output = input
    measure,       ///< collect statistics; output = input, bit for bit (drivers store
                   ///< this output as the node's input: engine/multipass_split.h)
    apply,         ///< use what was measured
  };
  virtual ~MultiPassNode() = default;
  /// Sets the mode for the next pass. Control thread, between passes.
  virtual void set_pass(Pass pass) = 0;
  /// Turns the statistics of the measuring pass into the applied setting.
  virtual void finish_measurement() = 0;
};

}  // namespace fxgraph
