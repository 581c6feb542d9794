#pragma once
// Engine: runs a compiled graph block by block and takes changes while it runs.
//
// Threads
//   The engine has one audio thread (whoever calls process()) and any number of
//   control threads (set_parameter, get_parameter, replace_graph, parameters).
//
//   - Control → audio: every change (a parameter value or a new plan) is validated on
//     the calling thread and pushed into one Boost.Lockfree SPSC queue. The queue has
//     a single producer, so control threads take a mutex around the push: the mutex
//     is only ever taken by control threads, never by the audio thread, which keeps
//     the audio side lock-free while several control threads stay safe. Because one
//     queue carries both kinds of message, values arrive in the order they were set,
//     and a value set before a graph change is applied before the new plan.
//   - Audio → control: a replaced plan goes back through a second SPSC queue and is
//     deleted by the next control call (or the destructor), never on the audio thread.
//   - The audio thread drains the queue at the start of each block, so a change takes
//     effect at the next block boundary. Automation (automate, engine/automation.h) is
//     the exception: it is prepared here as a whole schedule, handed over the same way,
//     and moves its parameters on their exact samples inside the blocks.
//
//   - Latency: the plan compensates the nodes' latencies (engine/latency_report.h).
//     When set_parameter changes a node's latency (Node::latency read on the control
//     thread, after the value is requested), the graph is compiled again there and the
//     new plan follows the value through the queue, so the block that first uses the
//     value also uses the delays that fit it. The new plan's compensating delays start
//     silent. Nodes whose latency follows a parameter compute it from the requested
//     value (Node::requested_value), which is what the control thread sees.
//
//   If the queue is full (the audio thread is not running or is far behind), a control
//   call waits up to `queue_wait` for room, then throws RealtimeError rather than
//   dropping a value.

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/automation_schedule.h"
#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/parallel_runner.h"
#include "fxgraph/engine/plan.h"

namespace fxgraph {

struct EngineConfig {
  double sample_rate = 48000.0;
  /// Largest block process() will be called with.
  std::uint32_t max_block = 512;
  /// Channels of the buffers given to process(in, out) as input.
  std::uint32_t input_channels = 2;
  /// Capacity of the control → audio queue (parameter changes between two blocks).
  std::size_t queue_capacity = 4096;
  /// How long a control call waits for room in a full queue before giving up.
  std::chrono::milliseconds queue_wait{2000};
  /// Threads that run a block: the caller of process() and `threads - 1` workers
  /// (engine/parallel_runner.h). Branches that may run at once then do; a chain runs
  /// on the caller alone, and the workers start only once a plan has branches. The
  /// output is bit-identical whatever the count.
  unsigned threads = 1;
  /// How the workers are started (default std::thread; JACK: its realtime threads).
  ThreadStarter thread_starter = {};
};

/// A value to set as part of a graph change (Engine::replace_graph with changes).
struct ParameterChange {
  std::string path;  ///< "node.param"
  double value = 0.0;
};

/// One addressable parameter of a running graph, for listings.
struct ParameterInfo {
  std::string path;  ///< "node.param"
  const ParameterSpec* spec;
  double value;  ///< the current (last requested) value
};

/// One meter of a running graph (a read-only value a node publishes), for listings.
struct MeterInfo {
  std::string path;  ///< "node.meter"
  const MeterSpec* spec;
  double value;  ///< the latest published value
};

class Engine {
 public:
  /// Compiles `graph` (throws GraphError). The engine shares the graph's nodes.
  Engine(Graph graph, EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // ---- control threads ----

  /// Validates "node.param" and `value` (throws ParameterError listing valid names, or
  /// naming the allowed range, with its node and key fields set), then queues the
  /// change for the next block.
  void set_parameter(std::string_view path, double value);
  /// The last value set (or configured) for "node.param", or the latest value a meter
  /// published for "node.meter" (set_parameter refuses meters). Throws ParameterError.
  double get_parameter(std::string_view path) const;
  /// Every parameter of every node, in graph order.
  std::vector<ParameterInfo> parameters() const;
  /// Every meter of every node, in graph order.
  std::vector<MeterInfo> meters() const;

  /// Compiles `graph` and swaps it in at the next block boundary. Nodes shared with the
  /// running graph keep their state. Throws GraphError (the running plan is untouched).
  void replace_graph(Graph graph);
  /// replace_graph that also sets `changes` (paths into `graph`) on nodes it shares
  /// with the running graph, as one edit: every value is validated and requested
  /// first, then the graph is compiled (a node's latency may follow a value); if
  /// either is refused, the requested values are restored and the running plan is
  /// untouched (ParameterError, GraphError). The values are queued just before the
  /// plan, so they reach the shared nodes at the swap's block boundary or one block
  /// earlier, while the old plan still runs them — never after it. Hot reload
  /// (graphs/graph_reload.h) hands a file's changed values to kept nodes this way.
  void replace_graph(Graph graph, std::span<const ParameterChange> changes);
  /// A copy of the running graph's structure (nodes are shared), to edit and pass back.
  Graph graph() const;
  /// The compiled order and buffers of the latest graph, for `fxgraph check`.
  std::string describe_plan() const;
  /// Node ids of the latest plan in execution order.
  std::vector<std::string> order() const;
  /// Channels the graph output gives (0 when the graph has no output).
  std::uint32_t output_channels() const;
  /// Whether the latest plan spreads its steps over threads (threads > 1 and the graph
  /// has branches that may run at once).
  bool runs_in_parallel() const;
  /// Frames the graph output lags its input (the latest plan's compensated latency).
  std::uint64_t latency() const;
  /// The latest plan's latencies: per node, the compensating delays, the total.
  LatencyReport latency_report() const;
  // ---- automation (engine/automation.h; engine_automation.cpp) ----

  /// Moves "node.param" along `points` ((seconds, value) in automation time: frames
  /// processed since the start or the last reset) with `curve`, on the exact sample.
  /// Replaces an earlier automation of the same parameter. Validates on the calling
  /// thread (throws ParameterError naming the path and what is wrong: an unknown path,
  /// times not increasing, values out of range or refused by the node, a continuous
  /// curve on a choice or toggle, an exponential curve through values ≤ 0, a parameter
  /// whose value changes the node's latency), builds the lanes here and queues them for
  /// the next block. set_parameter on the path ends its automation.
  void automate(std::string_view path, std::vector<AutomationPoint> points,
                AutomationCurve curve = AutomationCurve::linear);
  void automate(const Automation& automation);
  /// Ends the automation of "node.param" (its value stays where the automation left it);
  /// false when it had none.
  bool clear_automation(std::string_view path);
  /// Ends every automation.
  void clear_automation();
  /// The automations in force, in the order they were given.
  std::vector<Automation> automation() const;
  /// Automation time as the audio thread last published it (the start of the latest
  /// block it ran), in seconds. Any thread.
  double automation_seconds() const noexcept {
    return double(published_clock_.load(std::memory_order_relaxed)) / config_.sample_rate;
  }

  /// Deletes plans the audio thread has handed back. Control calls do this already.
  void collect_garbage();

  const EngineConfig& config() const noexcept { return config_; }

  // ---- audio thread ----

  /// Applies queued changes, then runs the plan for one block of `out.num_frames`
  /// frames (`in.num_frames` when `out` is empty; at most max_block), reading `in` (the
  /// graph input) and writing `out` (the graph output; mono results fill every
  /// channel). Either view may be empty. Audio thread.
  void process(const ConstAudioView& in, const AudioView& out) noexcept;
  /// Runs a graph without external input or output for `frames` frames. Audio thread.
  void process(std::uint32_t frames) noexcept;
  /// Frames processed so far. Audio thread (or after it stopped).
  std::uint64_t position() const noexcept { return position_; }
  /// Clears every node's state at the next block. Any thread.
  void request_reset() noexcept { reset_requested_.store(true, std::memory_order_release); }

 private:
  struct Message {
    Node* node = nullptr;  ///< parameter change: node and index
    std::uint32_t index = 0;
    double value = 0.0;
    Plan* plan = nullptr;                      ///< non-null: swap to this plan
    AutomationSchedule* automation = nullptr;  ///< non-null: swap to this schedule
  };

  void push(const Message& message);  // control side, mutex held
  void drain() noexcept;              // audio side
  void run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames) noexcept;
  std::pair<Node*, std::size_t> resolve(std::string_view path) const;  // mutex held
  static std::pair<Node*, std::size_t> resolve_in(const Graph& graph, std::string_view path);
  void collect_locked();
  void replace_graph_locked(Graph graph);
  std::unique_ptr<Plan> compile_locked(const Graph& graph) const;
  void install_locked(std::unique_ptr<Plan> plan, Graph graph);
  void push_automation_locked();                        // a schedule of automations_ (control side)
  bool clear_automation_locked(std::string_view path);  // erases it from automations_
  void install_automation(AutomationSchedule* schedule) noexcept;  // audio side
  void rewind_automation() noexcept;                               // audio side, on reset
  double automated_value_locked(std::string_view path, double otherwise) const;

  EngineConfig config_;
  mutable std::mutex control_mutex_;          // control threads only; never the audio thread
  Graph graph_;                               // the latest graph (control side)
  std::vector<std::unique_ptr<Plan>> plans_;  // every plan not yet deleted (control side)
  Plan* latest_ = nullptr;                    // the newest of them

  boost::lockfree::spsc_queue<Message> to_audio_;
  boost::lockfree::spsc_queue<Plan*> to_control_;

  std::vector<Automation> automations_;                         // in force (control side)
  std::vector<std::unique_ptr<AutomationSchedule>> schedules_;  // not yet deleted (control)
  AutomationSchedule* latest_schedule_ = nullptr;               // the newest of them
  boost::lockfree::spsc_queue<AutomationSchedule*> retired_schedules_{256};

  Plan* current_ = nullptr;                   // audio side
  AutomationSchedule* automation_ = nullptr;  // audio side: the schedule in force
  std::uint64_t automation_clock_ = 0;        // audio side: frames since start or reset
  std::atomic<std::uint64_t> published_clock_{0};
  std::uint64_t position_ = 0;
  std::atomic<bool> reset_requested_{false};
  // Last, so it stops (joining the workers) before the plans go. Started (control side)
  // before the first plan with branches is handed over, never replaced: the audio thread
  // reads it only while running such a plan.
  std::unique_ptr<ParallelRunner> runner_;
};

}  // namespace fxgraph
