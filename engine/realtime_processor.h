#pragma once
// RealtimeProcessor: a graph played live through an AudioBackend (JACK, null, …) —
// torchfx's RealtimeProcessor, without the lock in the audio callback.
//
//   RealtimeProcessor rt(Graph::chain({hp, lp, gain, reverb}), std::make_unique<JackBackend>(),
//                        StreamConfig{.channels_in = 1, .channels_out = 1});
//   rt.start();
//   rt.set_parameter("2.gain", 2.0);   // any thread; validated here, applied next block
//
// Threads
//   - The backend's audio thread runs the Engine once per period: a block of at most
//     max_block frames at a time (a larger period, after a JACK buffer-size change, is
//     run as several blocks, so nothing is re-prepared on the audio thread).
//   - set_parameter / get_parameter / reset_state / stats: any thread. Parameter
//     changes travel through the engine's lock-free queue (see engine.h).
//   - A lost stream (the JACK server shut down) moves state() to `error`; the next
//     call that needs the stream raises StreamError.
//   - A sample-rate change (JACK calls the hook on its notification thread) is followed
//     off the audio thread: the audio thread plays silence and stays out of the engine
//     while the engine is rebuilt for the new rate (nodes re-prepared, allocation
//     allowed, parameter values and automation kept), then resumes with it. A graph that cannot run at
//     the new rate (a cutoff above the new Nyquist frequency) leaves the processor in
//     `error`, silent, with the reason in the StreamError of the next call.
//   - Control calls (set_parameter, get_parameter, parameters, reset_state) serialise
//     with that rebuild on a mutex the audio thread never takes.
//
// The graph's external input and output (Graph::set_input / set_output; a chain has
// both) are the backend's capture and playback channels.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/stream_config.h"

namespace fxgraph {

/// Counters of a running processor, for `stats` and soak tests.
struct RealtimeStats {
  std::uint64_t xruns = 0;     ///< as reported by the backend
  std::uint64_t blocks = 0;    ///< periods processed
  double dsp_load_mean = 0.0;  ///< engine time / period length, mean over blocks
  double dsp_load_max = 0.0;   ///< … and the worst block
  /// The worst block since the previous take_stats() (since the start for the first):
  /// a soak's peak without the start-up's first periods (page faults, cold caches).
  double dsp_load_max_window = 0.0;
};

class RealtimeProcessor {
 public:
  /// Validates `config` (ConfigError) and compiles the graph (GraphError). Does not
  /// open the backend yet: start() does.
  /// `threads`: EngineConfig::threads (workers started by the backend's thread_starter
  /// once it is open).
  RealtimeProcessor(Graph graph, std::unique_ptr<AudioBackend> backend, StreamConfig config,
                    unsigned threads = 1);
  /// Stops and closes the stream (RAII).
  ~RealtimeProcessor();
  RealtimeProcessor(const RealtimeProcessor&) = delete;
  RealtimeProcessor& operator=(const RealtimeProcessor&) = delete;

  /// Opens the backend (if needed) and starts processing. Throws RealtimeError when
  /// already running, BackendNotAvailableError when e.g. no JACK server runs,
  /// StreamError after a lost stream.
  void start();
  /// Stops processing. Throws RealtimeError when not running.
  void stop();
  /// After the backend lost its stream (the JACK server went away) or a start() that
  /// failed half way: lets go of the device (the backend is closed; workers it started
  /// are replaced by idle plain threads) and keeps the engine, so set_parameter /
  /// get_parameter work again and the values set are those the stream resumes with;
  /// start() then opens the device anew (`fxgraph jack --reconnect`). No-op when
  /// closed; throws RealtimeError while running, or when the graph could not follow a
  /// sample-rate change (that failure stays).
  void release_lost_stream();

  void set_parameter(std::string_view path, double value);
  double get_parameter(std::string_view path) const;
  /// Engine::automate on the running engine: time counts from the stream's start. A
  /// rebuild (a new sample rate, a reconnect) keeps the automation in force and the time
  /// already played: a curve goes on where it was (times are seconds, so a new rate
  /// keeps them). A reset_state rewinds automation time to the latest rebuild (the
  /// stream's start when there was none).
  void automate(const Automation& automation);
  /// The automation time now (stream time, as automate takes it), for automation that
  /// starts now.
  double automation_seconds() const;
  /// Clears every node's state (delay lines, filter memories) at the next block.
  void reset_state();
  /// Every parameter with its current value (Engine::parameters).
  std::vector<ParameterInfo> parameters() const;

  /// Swaps in an edited graph at a block boundary while the stream plays
  /// (Engine::replace_graph with `changes`): nodes it shares with the running graph
  /// keep their state. Refuses, keeping the running graph, what the constructor
  /// refuses (GraphError: a two-pass or non-live node) and what the engine refuses
  /// (GraphError, ParameterError). The graph must take the same external input and
  /// output as the stream's channels. Control thread.
  void replace_graph(Graph graph, std::span<const ParameterChange> changes = {});
  /// The running graph's structure (its nodes are shared): the last one given.
  Graph graph() const;

  bool is_running() const noexcept { return backend_->state() == StreamState::running; }
  StreamState state() const noexcept;
  /// Why state() is `error` (the backend's message, or the sample-rate change the graph
  /// could not follow); empty otherwise.
  std::string failure_reason() const;
  /// The latency of the stream as configured (StreamConfig::latency_ms), or of the
  /// backend's actual period once open, plus the graph's compensated latency
  /// (Engine::latency), which the backend also publishes (JACK port latency ranges).
  double latency_ms() const noexcept;
  /// The graph's compensated latency in frames (re-derived when a parameter changes it).
  std::uint64_t graph_latency() const noexcept { return graph_latency_.load(); }
  RealtimeStats stats() const noexcept;
  /// stats(), with dsp_load_max_window, and starts the next window. Control thread.
  RealtimeStats take_stats() noexcept;

  /// The current engine. Replaced when the sample rate changes: prefer the calls above
  /// from threads that may run during such a change.
  Engine& engine() noexcept { return *engine_; }
  AudioBackend& backend() noexcept { return *backend_; }
  const StreamConfig& config() const noexcept { return config_; }

 private:
  static void process(void* user, const AudioView& in, const AudioView& out) noexcept;
  void throw_if_failed(const char* action) const;
  void rebuild_engine(double sample_rate, std::uint32_t max_block, ThreadStarter starter);
  /// The sample_rate_changed hook (JACK's notification thread).
  void follow_sample_rate(double hz);
  /// Reads the engine's latency and hands a change to the backend. Control thread.
  void update_latency();

  Graph graph_;
  std::unique_ptr<AudioBackend> backend_;
  StreamConfig config_;
  std::unique_ptr<Engine> engine_;
  double prepared_rate_ = 0.0;
  /// Stream time (seconds) at the engine's automation time 0: the time played before the
  /// latest rebuild. Control side (under control_mutex_ once started).
  double automation_start_ = 0.0;
  unsigned threads_ = 1;
  std::atomic<std::uint64_t> graph_latency_{0};

  // Written by the audio thread, read by anyone.
  std::atomic<std::uint64_t> blocks_{0};
  std::atomic<double> load_sum_{0.0};
  std::atomic<double> load_max_{0.0};
  std::atomic<double> window_load_max_{0.0};  // also reset by take_stats()

  // Following a sample-rate change. The audio thread sets in_process_ and then reads
  // paused_; the rebuilding thread sets paused_ and then waits for in_process_ to
  // clear (sequentially consistent, so one of them always sees the other).
  std::atomic<bool> paused_{false};
  std::atomic<bool> in_process_{false};
  std::atomic<bool> rate_failed_{false};
  std::string rate_failure_;          // written before rate_failed_ is set
  mutable std::mutex control_mutex_;  // control calls vs the rebuild; never on the audio thread
};

}  // namespace fxgraph
