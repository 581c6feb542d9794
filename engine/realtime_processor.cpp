#include "fxgraph/engine/realtime_processor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "fxgraph/engine/engine_blocks.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/live_capability.h"
#include "fxgraph/engine/multipass.h"
#include "fxgraph/engine/parameter_lookup.h"

namespace fxgraph {

namespace {
/// Blocks the engine is prepared for: at least the period, and enough that a JACK
/// buffer-size increase rarely needs splitting.
constexpr std::uint32_t kMinEngineBlock = 1024;

/// `automation` as seen from `seconds` into it, in the time of an engine that starts
/// there: later points move `seconds` earlier; points already passed give way to one
/// point at 0 holding the curve's value at `seconds` (exactly on the curve, rounded for
/// an integer parameter as the lane rounds it), so the curve goes on from where it was.
Automation from_time(const Automation& automation, double seconds, ParameterKind kind) {
  if (seconds <= 0.0) return automation;
  const std::vector<AutomationPoint>& points = automation.points;
  Automation moved{automation.path, {}, automation.curve};
  const auto after =
      std::upper_bound(points.begin(), points.end(), seconds,
                       [](double t, const AutomationPoint& p) { return t < p.seconds; });
  if (after != points.begin()) {
    const AutomationPoint& a = *(after - 1);
    double value = a.value;
    if (after != points.end() && automation.curve != AutomationCurve::hold) {
      const AutomationPoint& b = *after;
      value = automation_curve_value(automation.curve, a.value, b.value,
                                     (seconds - a.seconds) / (b.seconds - a.seconds));
      if (kind == ParameterKind::integer) value = std::round(value);
    }
    moved.points.push_back({0.0, value});
  }
  for (auto p = after; p != points.end(); ++p)
    moved.points.push_back({p->seconds - seconds, p->value});
  return moved;
}

/// Throws GraphError for a node that cannot run on a live stream.
void check_live(const Graph& graph) {
  for (const auto& id : graph.ids())
    if (dynamic_cast<MultiPassNode*>(&graph.node(id)))
      throw GraphError("node '" + id + "' (" + graph.node(id).type() +
                           ") needs the whole signal before it can start (two passes), which "
                           "a live stream cannot give; use it on files (fxgraph run/process), "
                           "or set the level with a `gain` node live",
                       {.node = id});
  for (const auto& id : graph.ids())
    if (const auto* node = dynamic_cast<const LiveCapability*>(&graph.node(id)))
      if (std::string why = node->live_refusal(); !why.empty())
        throw GraphError("node '" + id + "' cannot run live: " + why, {.node = id});
}
}  // namespace

RealtimeProcessor::RealtimeProcessor(Graph graph, std::unique_ptr<AudioBackend> backend,
                                     StreamConfig config, unsigned threads)
    : graph_(std::move(graph)), backend_(std::move(backend)), config_(config), threads_(threads) {
  if (threads_ == 0) throw ConfigError("RealtimeProcessor needs at least 1 thread");
  if (!backend_) throw ConfigError("RealtimeProcessor needs a backend");
  config_.validate();
  check_live(graph_);
  if (config_.channels_in > kMaxChunkChannels || config_.channels_out > kMaxChunkChannels)
    throw ConfigError("RealtimeProcessor takes at most 64 channels each way");
  rebuild_engine(config_.sample_rate, std::max(config_.buffer_size, kMinEngineBlock), {});
}

RealtimeProcessor::~RealtimeProcessor() {
  backend_->stop();
  backend_->close();
}

void RealtimeProcessor::rebuild_engine(double sample_rate, std::uint32_t max_block,
                                       ThreadStarter starter) {
  // Automation lives on too: the old engine's (set_parameter has ended what it ends),
  // taken up where the stream is. Its times are seconds, so a new rate keeps them.
  std::vector<Automation> automation;
  double played = 0.0;
  if (engine_) {
    automation = engine_->automation();
    played = engine_->automation_seconds();  // the audio thread stays out: exact
  }
  // Values set before the rebuild live on in the nodes' requested values: the new
  // engine's nodes are the same objects, so re-apply them (no audio thread runs yet).
  engine_ = std::make_unique<Engine>(
      graph_, EngineConfig{.sample_rate = sample_rate,
                           .max_block = max_block,
                           .input_channels = std::max<std::uint32_t>(config_.channels_in, 1),
                           .threads = threads_,
                           .thread_starter = std::move(starter)});
  for (const auto& id : graph_.ids()) {
    Node& node = graph_.node(id);
    for (std::size_t i = 0; i < node.parameters().size(); ++i)
      node.apply_parameter(i, node.requested_value(i));
  }
  for (const Automation& a : automation) {
    if (!graph_.contains(ParameterPath::parse(a.path).node)) continue;  // left with a reload
    const ParameterLookup found = find_parameter(graph_, a.path);
    engine_->automate(from_time(a, played, found.node->parameters()[found.index].kind));
  }
  automation_start_ += played;
  prepared_rate_ = sample_rate;
  update_latency();
}

void RealtimeProcessor::update_latency() {
  const std::uint64_t frames = engine_->latency();
  graph_latency_.store(frames);
  backend_->set_processing_latency(std::uint32_t(frames));
}

void RealtimeProcessor::follow_sample_rate(double hz) {
  std::lock_guard lock(control_mutex_);
  if (hz == prepared_rate_ || rate_failed_.load()) return;
  paused_.store(true);
  while (in_process_.load()) std::this_thread::sleep_for(std::chrono::microseconds(100));
  try {
    rebuild_engine(hz, engine_->config().max_block, backend_->thread_starter());
  } catch (const std::exception& e) {
    // Stay paused (silent): some nodes may already be prepared for the new rate.
    rate_failure_ = "the sample rate changed to " + std::to_string(std::lround(hz)) +
                    " Hz and the graph cannot run at it: " + e.what();
    rate_failed_.store(true);
    return;
  }
  paused_.store(false);
}

void RealtimeProcessor::throw_if_failed(const char* action) const {
  if (rate_failed_.load())
    throw StreamError(std::string(action) + ": " + rate_failure_ +
                      "; change the graph, then create a new processor");
  if (state() == StreamState::error)
    throw StreamError(std::string(action) + ": the stream failed (" + backend_->error_message() +
                      "); create a new processor (or stop() and start() again) to recover");
}

void RealtimeProcessor::start() {
  if (is_running())
    throw RealtimeError("start(): the processor is already running; call stop() first");
  throw_if_failed("start()");
  if (backend_->state() == StreamState::closed) {
    BackendHooks hooks;
    // JACK calls this on its own (non-realtime) thread before the next period.
    hooks.sample_rate_changed = [this](double hz) { follow_sample_rate(hz); };
    backend_->set_hooks(std::move(hooks));
    backend_->open(config_, &RealtimeProcessor::process, this);
    const double rate = backend_->sample_rate();
    const std::uint32_t period = backend_->buffer_size();
    std::lock_guard lock(control_mutex_);  // not across open(): it may call the hook
    // Workers made before open() are plain threads: now the backend can make its own.
    if (rate != prepared_rate_ || period > engine_->config().max_block || threads_ > 1)
      rebuild_engine(rate, std::max(period, kMinEngineBlock), backend_->thread_starter());
  }
  backend_->start();
}

void RealtimeProcessor::release_lost_stream() {
  if (backend_->state() == StreamState::closed) return;
  if (rate_failed_.load() || backend_->state() == StreamState::running)
    throw RealtimeError("release_lost_stream(): the stream was not lost (state: " +
                        std::string(to_string(state())) + ")");
  backend_->stop();  // waits for a period in progress: the engine is ours from here
  {
    std::lock_guard lock(control_mutex_);
    // The workers came from the lost device (JACK threads of its client): stop them
    // while that client still exists, with plain threads in their place until start().
    if (threads_ > 1) rebuild_engine(prepared_rate_, engine_->config().max_block, ThreadStarter{});
  }
  backend_->close();
}

void RealtimeProcessor::stop() {
  if (!is_running())
    throw RealtimeError("stop(): the processor is not running (state: " +
                        std::string(to_string(state())) + "); call start() first");
  backend_->stop();
}

void RealtimeProcessor::set_parameter(std::string_view path, double value) {
  std::lock_guard lock(control_mutex_);
  throw_if_failed("set_parameter()");
  engine_->set_parameter(path, value);
  if (engine_->latency() != graph_latency_.load()) update_latency();
}

void RealtimeProcessor::automate(const Automation& automation) {
  std::lock_guard lock(control_mutex_);
  throw_if_failed("automate()");
  if (automation_start_ == 0.0) return engine_->automate(automation);
  const ParameterLookup found = find_parameter(graph_, automation.path);
  engine_->automate(
      from_time(automation, automation_start_, found.node->parameters()[found.index].kind));
}

double RealtimeProcessor::automation_seconds() const {
  std::lock_guard lock(control_mutex_);
  return automation_start_ + engine_->automation_seconds();
}

double RealtimeProcessor::get_parameter(std::string_view path) const {
  std::lock_guard lock(control_mutex_);
  throw_if_failed("get_parameter()");
  return engine_->get_parameter(path);
}

std::vector<ParameterInfo> RealtimeProcessor::parameters() const {
  std::lock_guard lock(control_mutex_);
  return engine_->parameters();
}

void RealtimeProcessor::replace_graph(Graph graph, std::span<const ParameterChange> changes) {
  check_live(graph);
  std::lock_guard lock(control_mutex_);
  throw_if_failed("replace_graph()");
  engine_->replace_graph(graph, changes);  // a copy: the nodes are shared
  graph_ = std::move(graph);               // what a sample-rate change rebuilds from
  update_latency();
}

Graph RealtimeProcessor::graph() const {
  std::lock_guard lock(control_mutex_);
  return graph_;
}

void RealtimeProcessor::reset_state() {
  std::lock_guard lock(control_mutex_);
  throw_if_failed("reset_state()");
  engine_->request_reset();
}

std::string RealtimeProcessor::failure_reason() const {
  if (rate_failed_.load()) return rate_failure_;
  return backend_->state() == StreamState::error ? std::string(backend_->error_message()) : "";
}

StreamState RealtimeProcessor::state() const noexcept {
  return rate_failed_.load(std::memory_order_relaxed) ? StreamState::error : backend_->state();
}

double RealtimeProcessor::latency_ms() const noexcept {
  const double graph = 1000.0 * double(graph_latency_.load()) / prepared_rate_;
  if (backend_->state() == StreamState::closed) return config_.latency_ms() + graph;
  const double rate = backend_->sample_rate();
  return (rate > 0 ? 1000.0 * backend_->buffer_size() / rate : config_.latency_ms()) + graph;
}

RealtimeStats RealtimeProcessor::stats() const noexcept {
  RealtimeStats s;
  s.xruns = backend_->xruns();
  s.blocks = blocks_.load(std::memory_order_relaxed);
  s.dsp_load_mean = s.blocks ? load_sum_.load(std::memory_order_relaxed) / double(s.blocks) : 0.0;
  s.dsp_load_max = load_max_.load(std::memory_order_relaxed);
  s.dsp_load_max_window = window_load_max_.load(std::memory_order_relaxed);
  return s;
}

RealtimeStats RealtimeProcessor::take_stats() noexcept {
  RealtimeStats s = stats();
  s.dsp_load_max_window = window_load_max_.exchange(0.0, std::memory_order_relaxed);
  return s;
}

void RealtimeProcessor::process(void* user, const AudioView& in, const AudioView& out) noexcept {
  auto* self = static_cast<RealtimeProcessor*>(user);
  const auto started = std::chrono::steady_clock::now();
  const std::uint32_t frames = out.channels ? out.num_frames : in.num_frames;
  self->in_process_.store(true);  // before reading paused_: see follow_sample_rate
  if (self->paused_.load()) {
    for (std::uint32_t c = 0; c < out.num_channels; ++c)
      std::fill(out.channels[c], out.channels[c] + out.num_frames, 0.0f);
    self->in_process_.store(false);
    return;
  }
  process_in_blocks(*self->engine_, in, out, frames);
  // DSP load: the engine's own time over the period's length.
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double load = elapsed * self->prepared_rate_ / double(std::max<std::uint32_t>(frames, 1));
  self->blocks_.fetch_add(1, std::memory_order_relaxed);
  // Only the audio thread writes these: load-then-store is enough.
  self->load_sum_.store(self->load_sum_.load(std::memory_order_relaxed) + load,
                        std::memory_order_relaxed);
  if (load > self->load_max_.load(std::memory_order_relaxed))
    self->load_max_.store(load, std::memory_order_relaxed);
  // take_stats() resets this one from the control thread: a compare-exchange, so a
  // block that ends while the window restarts is counted in one window or the other.
  double window = self->window_load_max_.load(std::memory_order_relaxed);
  while (load > window &&
         !self->window_load_max_.compare_exchange_weak(window, load, std::memory_order_relaxed)) {
  }
  self->in_process_.store(false);
}

}  // namespace fxgraph
