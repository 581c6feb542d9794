#pragma once
// Node: the unit of processing in an fxgraph graph.
//
// Aims
//   A node declares input and output ports and a table of parameters, is prepared
//   once for a sample rate, a maximum block size and its resolved channel counts,
//   and is then called once per block on the audio thread.
//
// Channels
//   A port declares a channel count, or kAnyChannels: "whatever my inputs carry".
//   The compiler resolves the counts in topological order and asks each node for its
//   output counts (output_channels), so a gain node works on mono, stereo or 6
//   channels without being told.
//
// Threads
//   - Construction, configure_parameter, prepare: a control thread, before the node
//     runs (prepare may allocate).
//   - process, apply_parameter, reset: the audio thread only. noexcept; they never
//     allocate, lock, log or throw.
//   - request_parameter / requested_value: control threads (the engine calls them);
//     the requested value is an atomic, so any thread may read it.
//
// Public non-virtual methods call protected virtual hooks (as in tracktion_graph), so
// bookkeeping lives here and every node gets it for free.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/parameters.h"

namespace fxgraph {

class BypassMixer;

/// A port's declared channel count meaning "follow the inputs".
inline constexpr std::uint32_t kAnyChannels = 0;

struct PortSpec {
  std::string name;
  std::uint32_t channels = kAnyChannels;
};

/// How long a node's output keeps sounding after its input stops: a reverb's decay, a
/// delay's echoes, a filter's ring-out. Offline renderers play it out after a file ends
/// instead of cutting it off (io/tail_render.h).
struct Tail {
  /// A length no finite bound is known for (a feedback loop that may not decay).
  static constexpr std::uint64_t kUnbounded = UINT64_MAX;
  /// The level the tail ends at: -120 dBFS.
  static constexpr double kThreshold = 1e-6;

  /// Frames after the input's last frame after which the output stays below kThreshold
  /// for any input within [-1, 1]. 0: the output stops with the input.
  std::uint64_t frames = 0;
  /// The longest run of near-silence the output may have before it sounds again (a
  /// delay's time): a renderer that stops on silence waits at least this long.
  std::uint64_t quiet_gap = 0;

  bool bounded() const noexcept { return frames != kUnbounded; }
  bool operator==(const Tail&) const = default;
};

/// What prepare() knows: the stream format and the resolved channel counts.
struct PrepareInfo {
  double sample_rate = 48000.0;
  std::uint32_t max_block = 512;
  std::vector<std::uint32_t> input_channels;   ///< one per input port
  std::vector<std::uint32_t> output_channels;  ///< one per output port

  bool operator==(const PrepareInfo&) const = default;
};

/// What process() gets: frame count, stream position and views of the port buffers.
/// Input views are read-only (ConstAudioView); output views are written by the node.
/// Inputs and outputs never alias each other.
struct ProcessContext {
  std::uint32_t frames = 0;
  std::uint64_t position = 0;  ///< frames processed before this block
  std::span<const ConstAudioView> inputs;
  std::span<const AudioView> outputs;
};

class Node {
 public:
  explicit Node(std::string type);
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// The registry type name, e.g. "gain".
  const std::string& type() const noexcept { return type_; }
  const std::vector<PortSpec>& input_ports() const noexcept { return inputs_; }
  const std::vector<PortSpec>& output_ports() const noexcept { return outputs_; }
  const std::vector<ParameterSpec>& parameters() const noexcept { return specs_; }
  /// Read-only values the node publishes while it runs (a compressor's gain reduction,
  /// a loudness meter's LUFS, a hosted plugin's control outputs).
  const std::vector<MeterSpec>& meters() const noexcept { return meter_specs_; }

  /// Index of a port by name or decimal index ("out", "1"); -1 when there is none.
  int find_input(std::string_view name) const noexcept;
  int find_output(std::string_view name) const noexcept;
  /// Index of a parameter by name; -1 when there is none.
  int find_parameter(std::string_view name) const noexcept;
  /// Index of a meter by name; -1 when there is none.
  int find_meter(std::string_view name) const noexcept;
  /// A meter's latest published value (its initial value before the node ran). Any thread.
  double meter_value(std::size_t index) const noexcept {
    return meter_values_[index].load(std::memory_order_relaxed);
  }

  // ---- compile time (control thread) ----

  /// Output channel counts for the given resolved input counts. The default gives each
  /// output its declared count, or (kAnyChannels) the widest input, or 1 without inputs.
  /// Throws GraphError for combinations the node cannot take.
  virtual std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const;

  /// Prepares for processing (may allocate). Skips the work when already prepared with
  /// the same info, so a node shared by two plans keeps its state.
  void prepare(const PrepareInfo& info);
  bool is_prepared_for(const PrepareInfo& info) const noexcept {
    return prepared_ && prepared_info_ == info;
  }
  bool is_prepared() const noexcept { return prepared_; }
  const PrepareInfo& prepared_info() const noexcept { return prepared_info_; }

  /// The node's tail for its prepared rate and current parameter values. Control
  /// thread, after prepare, while the node is not running (a render's setup). The
  /// default, no tail, is right for nodes without memory (gain, mix); nodes with delay
  /// lines or recursion override it with a bound that the conformance test checks.
  virtual Tail tail() const { return {}; }

  /// Frames by which the node's output lags its input (a lookahead limiter, a
  /// linear-phase FIR, a hosted plugin's latency port), for its prepared rate and
  /// current parameter values. Control thread, after prepare. The default, 0, is right
  /// for every node whose output at frame n depends on no input after frame n.
  virtual std::uint64_t latency() const { return 0; }

  /// Roughly what processing one frame of one channel costs, run as a step of its own,
  /// against a 4th-order Butterworth filter's 1 (~1.8 ns on the project VM; measured by
  /// bench/node_costs.cpp, figures in bench/README.md, "Parallel branches"): the compiler
  /// balances the threads of a parallel block with it, since a reverb costs nearly four
  /// such filters and a gain a twelfth of one. Control thread. The default, 1, suits a
  /// node of a few multiply-adds per sample; nodes far from that say so.
  virtual double cost_per_sample() const { return 1.0; }

  /// Adds the engine's `bypass` toggle parameter (engine/bypass.h) unless the node
  /// declares a parameter of that name itself; does nothing the second time.
  /// Graph::add calls it, so every node of a graph can be bypassed. Control thread,
  /// before the node runs.
  void enable_bypass();
  /// Index of the engine's bypass parameter; -1 when it was not added.
  int bypass_index() const noexcept { return bypass_index_; }

  /// Sets a parameter's value before the node runs (construction from YAML or code).
  /// Validates like set_parameter: throws ParameterError naming the parameter.
  void configure_parameter(std::string_view name, double value);

  // ---- control threads ----

  /// Validates `value` for parameter `index` and records it as the requested value;
  /// `where` names it in error messages (a path such as "drive.gain"). Throws
  /// ParameterError and keeps the previous value. The engine then queues it.
  void request_parameter(std::size_t index, double value, std::string_view where);
  /// The last requested (or configured) value: what get_parameter returns.
  double requested_value(std::size_t index) const noexcept {
    return requested_[index].load(std::memory_order_relaxed);
  }

  // ---- audio thread ----

  /// Runs the node for one block, then its bypass (engine/bypass.h). Audio thread.
  void process(const ProcessContext& ctx) noexcept {
    do_process(ctx);
    if (bypass_) process_bypass(ctx);
  }
  /// Whether bypass is engaged, fading, or keeping a dry delay line fed: process()
  /// must then see every block (a fused chain runs its nodes one by one). Audio thread.
  bool bypass_needs_process() const noexcept;
  /// Applies a validated parameter value. Audio thread.
  void apply_parameter(std::size_t index, double value) noexcept;
  /// The value the audio thread currently uses (the target of a ramp). Audio thread.
  double value(std::size_t index) const noexcept { return values_[index]; }
  /// Clears internal state (delay lines, filter memories). Audio thread.
  void reset() noexcept;

 protected:
  std::size_t add_input(std::string name, std::uint32_t channels = kAnyChannels);
  std::size_t add_output(std::string name, std::uint32_t channels = kAnyChannels);
  std::size_t add_parameter(ParameterSpec spec);
  /// Declares a meter (constructor only, like add_parameter).
  std::size_t add_meter(MeterSpec spec);
  /// Publishes a meter's value: a relaxed atomic store, so control threads read the
  /// latest value without a lock. Audio thread (or a render's thread).
  void publish_meter(std::size_t index, double value) noexcept {
    meter_values_[index].store(value, std::memory_order_relaxed);
  }

  /// Hook: allocate and size state for `info`. Control thread.
  virtual void on_prepare(const PrepareInfo& info) { (void)info; }
  /// Hook: the block's work. Audio thread; must not allocate, lock or throw.
  virtual void do_process(const ProcessContext& ctx) noexcept = 0;
  /// Hook: a parameter changed (value() already holds it). Audio thread.
  virtual void on_parameter(std::size_t index, double value) noexcept {
    (void)index;
    (void)value;
  }
  /// Hook: a requested value passed the range check and is now the requested value.
  /// Nodes may refuse it by throwing ParameterError (e.g. a cutoff at or above the
  /// prepared Nyquist frequency): request_parameter then restores the previous value.
  /// Nodes whose parameters are views of one another (gain and gain_db) keep the
  /// others' requested values in step here. Control thread.
  virtual void on_request(std::size_t index, double value) {
    (void)index;
    (void)value;
  }
  /// Hook: clear state. Audio thread.
  virtual void on_reset() noexcept {}

  /// Sets another parameter's requested value without validation (for on_request).
  void set_requested(std::size_t index, double value) noexcept {
    requested_[index].store(value, std::memory_order_relaxed);
  }

 private:
  std::string type_;
  std::vector<PortSpec> inputs_;
  std::vector<PortSpec> outputs_;
  std::vector<ParameterSpec> specs_;
  std::vector<double> values_;                        // audio-thread view
  std::unique_ptr<std::atomic<double>[]> requested_;  // control-side view
  std::size_t requested_size_ = 0;
  std::vector<MeterSpec> meter_specs_;
  std::unique_ptr<std::atomic<double>[]> meter_values_;
  PrepareInfo prepared_info_;
  bool prepared_ = false;
  int bypass_index_ = -1;
  std::unique_ptr<BypassMixer> bypass_;  // created by prepare once enable_bypass ran

  void process_bypass(const ProcessContext& ctx) noexcept;
  void prepare_bypass();
};

}  // namespace fxgraph
