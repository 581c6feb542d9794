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
//   - Feedback loops (engine/feedback_loops.h): a loop's nodes run as one step, in
//     sub-blocks of at most the loop's shortest feedback delay; a feedback edge is a
//     ring its source writes after each (sub-)block and its destination reads, so the
//     delay is exact at any block size. Everything else runs at the full block.
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
#include "fxgraph/engine/automation_schedule.h"
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
  /// branches, the runner's workers share the steps. Steps whose nodes `automation`
  /// moves run in sub-blocks (engine/automation_schedule.h). Audio thread.
  void run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames,
           std::uint64_t position, ParallelRunner* runner = nullptr,
           BlockAutomation automation = {}) noexcept;
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
  /// Clears the compensating delay lines and the feedback edges' rings. Audio thread
  /// (with the nodes' reset).
  void reset_delays() noexcept;

  /// A feedback loop as compiled: its node ids in run order and its sub-block.
  struct LoopInfo {
    std::vector<std::string> nodes;
    std::uint32_t sub_block = 0;  ///< frames; the loop's shortest feedback delay
  };
  /// The plan's feedback loops, in run order (empty for an acyclic graph).
  const std::vector<LoopInfo>& loops() const noexcept { return loop_info_; }

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
    /// index into feedback_: a feedback edge's gather reads its ring (source: the
    /// producer's output view, for the schedule)
    std::uint32_t feedback = kNoFeedback;
    /// In a parallel block: the step that writes `source`, which the gathering step waits
    /// for just before this gather rather than before it starts (StepSchedule::Waiter), or
    /// kNoStep.
    std::uint32_t awaited_step = kNoStep;
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
  /// A feedback edge's delay of `length` frames: a ring per channel (`channels` of the
  /// source) that the source's step writes after it ran and the destination's gather
  /// reads. `capacity` is length + max_block, so the ring holds enough whichever of
  /// the two runs first in a (sub-)block.
  struct FeedbackLine {
    std::uint32_t length = 0;
    std::uint32_t channels = 0;
    std::uint32_t capacity = 0;
    std::uint32_t read = 0;     ///< ring position of the next frame out
    std::uint32_t write = 0;    ///< ring position of the next frame in (read + length)
    std::vector<float> ring;    ///< channels × capacity
    std::vector<float> output;  ///< max_block: one channel read out
  };
  /// After a step ran: its output view `source` goes into feedback line `line`.
  struct FeedbackPush {
    std::uint32_t line;
    std::uint32_t source;
  };
  /// A loop: loop_steps_[step_begin, step_begin + step_count) run in sub-blocks. Its
  /// steps' offset views live in its own stretch of the window_* arrays (two loops may
  /// run at once on two threads).
  struct Loop {
    std::uint32_t step_begin, step_count;
    std::uint32_t sub_block;
    std::uint32_t inputs_begin, outputs_begin;                  ///< into window_inputs_/_outputs_
    std::uint32_t input_channels_begin, output_channels_begin;  ///< into window_*_channels_
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
    std::uint32_t push_begin, push_count;  ///< into pushes_: feedback edges it feeds
    /// A loop (not kNoLoop): this step runs loops_[loop] and has nothing else set.
    std::uint32_t loop = kNoLoop;
  };
  /// Source index meaning "the external input".
  static constexpr std::uint32_t kExternalInput = 0xffffffffu;
  /// Gather::delay of an undelayed gather.
  static constexpr std::uint32_t kNoDelay = 0xffffffffu;
  /// Gather::feedback of a gather that is no feedback edge.
  static constexpr std::uint32_t kNoFeedback = 0xffffffffu;
  /// Step::loop of a step that is no loop.
  static constexpr std::uint32_t kNoLoop = 0xffffffffu;
  /// Gather::awaited_step of a gather that waits for nothing.
  static constexpr std::uint32_t kNoStep = 0xffffffffu;

  ConstAudioView source_view(std::uint32_t source) const noexcept;
  /// Fills frames [offset, offset + frames) of g's target input.
  void gather(const Gather& g, std::uint32_t offset, std::uint32_t frames) noexcept;
  /// Gathers step `s`'s inputs and runs it for the block set up by run(). `waiter`: in a
  /// parallel block, what waits for the producers of its gathers (Gather::awaited_step).
  void run_step(const Step& step, const StepSchedule::Waiter* waiter = nullptr) noexcept;
  /// Asks for the cache lines of what `step` (each member of a loop) writes, in a
  /// writable state: called before a step whose output another lane reads.
  void claim_outputs(const Step& step) const noexcept;
  /// Asks for the first lines of what `step` gathers from steps that have finished: called
  /// before a step that reads what another lane wrote.
  void prefetch_inputs(const Step& step, const StepSchedule::Waiter& waiter) const noexcept;
  /// A loop's steps, sub-block by sub-block, over the block (plan_feedback.cpp).
  void run_loop(const Loop& loop) noexcept;
  /// One step of `loop` over frames [offset, offset + frames) of the block.
  void run_window(const Loop& loop, const Step& step, std::uint32_t offset,
                  std::uint32_t frames) noexcept;
  /// Step `step`'s outputs, frames [offset, offset + frames), into its feedback lines.
  void push_feedback(const Step& step, std::uint32_t offset, std::uint32_t frames) noexcept;
  /// The next `frames` frames of channel `c` of `line` (line.output); the read position
  /// moves on once all channels are read (gather).
  const float* read_feedback(FeedbackLine& line, std::uint32_t c, std::uint32_t frames) noexcept;
  /// Whether a fused chain must run node by node (a node's bypass needs its process).
  bool chain_needs_own_steps(const Step& step) const noexcept;
  /// Runs the step's node (or fused chain) over `ctx`.
  void run_node(const Step& step, const ProcessContext& ctx) noexcept;
  /// run_node in the sub-blocks the block's automation calls for (plan_automation.cpp).
  void run_automated(const Step& step, const ProcessContext& ctx) noexcept;
  /// BlockWork: runs steps of this block (StepSchedule::work). Any participant.
  void work(unsigned participant) noexcept override;
  /// `frames` frames of `in` (channel `c` of the source; nullptr: silence) through
  /// delay line `line`; returns them delayed (line.output).
  const float* delayed(DelayLine& line, const float* in, std::uint32_t c,
                       std::uint32_t frames) noexcept;

  double sample_rate_ = 0.0;
  std::uint32_t max_block_ = 0;
  std::uint32_t input_channels_ = 0;
  std::uint32_t output_channels_ = 0;
  std::int64_t output_view_ = -1;  ///< output_views_ index of the external output

  std::vector<Step> steps_;
  std::vector<Node*> chain_nodes_;  ///< the nodes of fused chains (see Step)
  /// Parallel to chain_nodes_: each chained node's own step, for running a fused chain
  /// node by node while one of its nodes is bypassed (engine/bypass.h).
  std::vector<Step> chain_steps_;
  std::vector<Gather> gathers_;
  std::vector<ConstAudioView> input_views_;  ///< what each node reads
  std::vector<AudioView> output_views_;
  std::uint32_t views_frames_ = ~0u;            ///< the views' num_frames as run() last set them
  std::vector<std::uint32_t> input_buffer_of_;  ///< buffer index per input view (-1: alias)
  std::vector<float* const*>
      own_input_channels_;  ///< each input view's own buffer (gathers write it)
  std::vector<std::uint32_t> output_buffer_of_;  ///< buffer index per output view
  std::vector<AudioBuffer> buffers_;
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<std::string> order_ids_;
  std::vector<std::string> describe_lines_;
  std::vector<DelayLine> delays_;
  std::vector<FeedbackLine> feedback_;
  std::vector<FeedbackPush> pushes_;
  std::vector<Loop> loops_;
  std::vector<Step> loop_steps_;  ///< the steps of loops (see Loop)
  std::vector<LoopInfo> loop_info_;
  /// run_window's views of one step's inputs and outputs, offset into the block, and
  /// the channel pointers they hold: a stretch per loop (Loop), sized at compile time
  /// for the loop's widest step.
  std::vector<ConstAudioView> window_inputs_;
  std::vector<AudioView> window_outputs_;
  std::vector<const float*> window_input_channels_;
  std::vector<float*> window_output_channels_;
  std::unique_ptr<StepSchedule> schedule_;  ///< compiled for threads only
  LatencyReport latency_;
  std::vector<std::uint64_t> node_latency_;  ///< parallel to nodes_

  // The block run() is running. The audio thread writes these once per block and every
  // thread that runs steps reads them, so they share one cache line and nothing else
  // does: a worker pays a core-to-core transfer (up to ~0.3 µs) for each line the audio
  // thread wrote since it last read it. The members above are written while compiling
  // only (or, for the views, when the block size changes).
  alignas(64) ConstAudioView external_input_;
  std::uint32_t block_frames_ = 0;
  std::uint32_t schedule_block_ = 0;  ///< StepSchedule::begin_block's number
  std::uint64_t block_position_ = 0;
  BlockAutomation automation_;
  alignas(64) char end_of_block_line_ = 0;  ///< keeps the line above to itself
};

}  // namespace fxgraph
