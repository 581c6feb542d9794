#pragma once
// Plan: a compiled graph, ready to run once per block.
//
// Aims
//   The compiler turns a Graph into a Plan once; the audio thread then runs it for
//   every block without deciding anything: steps in topological order, each with the
//   views of its input and output buffers, and the few copy/sum operations ("gathers")
//   that fan-in and upmixing need.
//
// Promises
//   - Nothing in run() allocates, locks, logs or throws.
//   - Buffers are shared by liveness: a buffer is reused once its last reader has run,
//     so a 100-node chain holds two buffers, not 100.
//   - An input fed by exactly one edge of the same width reads the producer's buffer
//     directly (no copy), and one fed by the external input alone reads the caller's
//     buffer; fan-in sums and mono→N upmixes go through a scratch buffer.
//   - Inputs never alias outputs of the same step, so nodes need not handle in-place.
//   - With a ParallelRunner, each thread runs the steps of its lane (StepSchedule) once
//     their producers have run, and helps the others; each step does exactly what it does alone, in
//     the same order within it, so the output is bit-identical to one thread. Such plans are
//     compiled without buffer sharing (CompileOptions::threads), since two steps that may run at
//     once must not share a buffer.
//   - Latency compensation: where paths of different latency meet (a fan-in, or the
//     inputs of one node), the shorter ones pass through a delay line in their gather,
//     so every input of a node lines up with its latest one (latency_report()).
//
// Does not
//   - own the graph: it holds the nodes (shared) and their ids for printing only;
//   - change after compile, except the per-block frame counts in its views.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/latency_report.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/engine/parallel_runner.h"
#include "fxgraph/engine/step_schedule.h"

namespace fxgraph {

class ChainFusable;

class Plan : private BlockWork {
 public:
  /// Runs every step once. `in`/`out` are the external input and output (may be empty
  /// views when the graph has none). With a `runner` and a plan that has parallel
  /// branches, the runner's workers share the steps. Audio thread.
  void run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames,
           std::uint64_t position, ParallelRunner* runner = nullptr) noexcept;
  /// Whether run() with a runner spreads the steps over threads (compiled for threads
  /// and not a chain).
  bool runs_in_parallel() const noexcept { return schedule_ && schedule_->has_parallelism(); }

  std::uint32_t max_block() const noexcept { return max_block_; }
  double sample_rate() const noexcept { return sample_rate_; }
  /// Node ids in execution order.
  const std::vector<std::string>& order() const noexcept { return order_ids_; }
  /// Number of audio buffers the plan allocated (after reuse).
  std::size_t buffer_count() const noexcept { return buffers_.size(); }
  /// Channels at the external input and output (0 when absent).
  std::uint32_t input_channels() const noexcept { return input_channels_; }
  std::uint32_t output_channels() const noexcept { return output_channels_; }
  /// Every node the plan runs (the engine keeps plans' nodes alive through this).
  const std::vector<std::shared_ptr<Node>>& nodes() const noexcept { return nodes_; }
  /// A human-readable listing: order, channels and buffer of every port.
  std::string describe() const;
  /// Frames the graph's output lags its input once compensated (the longest path's
  /// latency to the graph output or to any sink node).
  std::uint64_t latency() const noexcept { return latency_.total; }
  /// Each node's latency, each compensating delay and the total.
  const LatencyReport& latency_report() const noexcept { return latency_; }
  /// The latency `node` reported when the plan was compiled (0 for nodes not in it).
  std::uint64_t compiled_latency(const Node* node) const noexcept;
  /// Clears the compensating delay lines. Audio thread (with the nodes' reset).
  void reset_delays() noexcept;

 private:
  friend class Compiler;

  /// external_view: an input fed by the external input alone reads the caller's
  /// buffer in place when it has the port's channels (no copy), else copies.
  enum class GatherKind : std::uint8_t { clear, copy, add, upmix_copy, upmix_add, external_view };
  struct Gather {
    GatherKind kind;
    std::uint32_t target;            ///< index into input_views_
    std::uint32_t source;            ///< index into output_views_ (or kExternalInput)
    std::uint32_t delay = kNoDelay;  ///< index into delays_: the source passes through it
  };
  /// A compensating delay of `length` frames on one gather: a ring per channel
  /// (`channels` of the source, 1 for an upmix), and room for one delayed block.
  struct DelayLine {
    std::uint32_t length = 0;
    std::uint32_t channels = 0;
    std::uint32_t write = 0;    ///< ring position of the next frame in
    std::vector<float> ring;    ///< channels × length
    std::vector<float> output;  ///< max_block: one channel's delayed block
  };
  struct Step {
    Node* node;
    std::uint32_t input_begin, input_count;    ///< into input_views_
    std::uint32_t output_begin, output_count;  ///< into output_views_ (a chain: its last node's)
    std::uint32_t gather_begin, gather_count;  ///< into gathers_
    /// A fused chain (chain_count > 1): `fusable` (the first node) runs
    /// chain_nodes_[chain_begin, chain_begin + chain_count) as one step.
    ChainFusable* fusable;
    std::uint32_t chain_begin, chain_count;
  };
  /// Source index meaning "the external input".
  static constexpr std::uint32_t kExternalInput = 0xffffffffu;
  /// Gather::delay of an undelayed gather.
  static constexpr std::uint32_t kNoDelay = 0xffffffffu;

  ConstAudioView source_view(std::uint32_t source) const noexcept;
  void gather(const Gather& g) noexcept;
  /// Gathers step `s`'s inputs and runs it for the block set up by run().
  void run_step(const Step& step) noexcept;
  /// BlockWork: runs steps of this block (StepSchedule::work). Any participant.
  void work(unsigned participant) noexcept override;
  /// `src` through delay line `line`; returns its channel `c` delayed (line.output).
  const float* delayed(DelayLine& line, const ConstAudioView& src, std::uint32_t c) noexcept;

  double sample_rate_ = 0.0;
  std::uint32_t max_block_ = 0;
  std::uint32_t input_channels_ = 0;
  std::uint32_t output_channels_ = 0;
  std::int64_t output_view_ = -1;  ///< output_views_ index of the external output

  std::vector<Step> steps_;
  std::vector<Node*> chain_nodes_;  ///< the nodes of fused chains (see Step)
  std::vector<Gather> gathers_;
  std::vector<ConstAudioView> input_views_;  ///< what each node reads
  std::vector<AudioView> output_views_;
  std::vector<std::uint32_t> input_buffer_of_;  ///< buffer index per input view (-1: alias)
  std::vector<float* const*>
      own_input_channels_;  ///< each input view's own buffer (gathers write it)
  std::vector<std::uint32_t> output_buffer_of_;  ///< buffer index per output view
  ConstAudioView external_input_;                ///< set by run()
  std::vector<AudioBuffer> buffers_;
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<std::string> order_ids_;
  std::vector<std::string> describe_lines_;
  std::vector<DelayLine> delays_;
  std::unique_ptr<StepSchedule> schedule_;  ///< compiled for threads only
  std::uint32_t block_frames_ = 0;          ///< the block run() is running
  std::uint64_t block_position_ = 0;
  LatencyReport latency_;
  std::vector<std::uint64_t> node_latency_;  ///< parallel to nodes_
};

}  // namespace fxgraph
