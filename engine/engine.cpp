#include "fxgraph/engine/engine.h"

#include <algorithm>
#include <thread>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameter_lookup.h"

namespace fxgraph {

namespace {
CompileOptions compile_options(const EngineConfig& c) {
  return {.sample_rate = c.sample_rate,
          .max_block = c.max_block,
          .input_channels = c.input_channels,
          .threads = c.threads};
}
}  // namespace

Engine::Engine(Graph graph, EngineConfig config)
    : config_(config),
      graph_(std::move(graph)),
      to_audio_(std::max<std::size_t>(config.queue_capacity, 16)),
      to_control_(256) {
  if (config_.threads == 0) throw ConfigError("EngineConfig::threads must be at least 1");
  plans_.push_back(Compiler::compile(graph_, compile_options(config_)));
  latest_ = current_ = plans_.back().get();
  if (latest_->runs_in_parallel())
    runner_ = std::make_unique<ParallelRunner>(config_.threads, config_.thread_starter);
}

Engine::~Engine() = default;  // plans_ owns every plan, including the one in use

std::pair<Node*, std::size_t> Engine::resolve(std::string_view path) const {
  return resolve_in(graph_, path);
}

std::pair<Node*, std::size_t> Engine::resolve_in(const Graph& graph, std::string_view path) {
  const ParameterLookup found = find_parameter(graph, path);
  return {found.node, found.index};
}

void Engine::set_parameter(std::string_view path, double value) {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  auto [node, index] = resolve(path);
  try {
    node->request_parameter(index, value, path);
  } catch (Error& error) {
    error.add_context({.node = ParameterPath::parse(path).node});  // the node knows no id
    throw;
  }
  // A value set by hand ends the parameter's automation first (the queue keeps order).
  if (clear_automation_locked(path)) push_automation_locked();
  push({node, std::uint32_t(index), value, nullptr});
  // A latency that moved needs new compensating delays: a plan compiled here follows.
  if (node->latency() != latest_->compiled_latency(node)) replace_graph_locked(graph_);
}

double Engine::get_parameter(std::string_view path) const {
  std::lock_guard lock(control_mutex_);
  const ParameterPath p = ParameterPath::parse(path);
  if (graph_.contains(p.node)) {
    const Node& node = graph_.node(p.node);
    if (const int meter = node.find_meter(p.parameter); meter >= 0)
      return node.meter_value(std::size_t(meter));
  }
  auto [node, index] = resolve(path);
  return automated_value_locked(path, node->requested_value(index));
}

std::vector<MeterInfo> Engine::meters() const {
  std::lock_guard lock(control_mutex_);
  std::vector<MeterInfo> out;
  for (const auto& id : graph_.ids()) {
    const Node& node = graph_.node(id);
    for (std::size_t i = 0; i < node.meters().size(); ++i)
      out.push_back({id + "." + node.meters()[i].name, &node.meters()[i], node.meter_value(i)});
  }
  return out;
}

std::vector<ParameterInfo> Engine::parameters() const {
  std::lock_guard lock(control_mutex_);
  std::vector<ParameterInfo> out;
  for (const auto& id : graph_.ids()) {
    const Node& node = graph_.node(id);
    for (std::size_t i = 0; i < node.parameters().size(); ++i)
      out.push_back(
          {id + "." + node.parameters()[i].name, &node.parameters()[i], node.requested_value(i)});
  }
  return out;
}

void Engine::replace_graph(Graph graph) {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  replace_graph_locked(std::move(graph));
}

void Engine::replace_graph(Graph graph, std::span<const ParameterChange> changes) {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  struct Requested {
    Message message;
    double previous;
    const std::string* path;
  };
  std::vector<Requested> requested;
  requested.reserve(changes.size());
  std::unique_ptr<Plan> plan;
  try {
    for (const ParameterChange& change : changes) {
      auto [node, index] = resolve_in(graph, change.path);
      const double previous = node->requested_value(index);
      try {
        node->request_parameter(index, change.value, change.path);
      } catch (Error& error) {
        error.add_context({.node = ParameterPath::parse(change.path).node});
        throw;
      }
      requested.push_back(
          {{node, std::uint32_t(index), change.value, nullptr}, previous, &change.path});
    }
    plan = compile_locked(graph);
  } catch (...) {
    // Newest first, so values that are views of one another (gain, gain_db) end as
    // they were. The previous values passed these checks before; should one not now,
    // the error to report is still the first one.
    for (auto it = requested.rbegin(); it != requested.rend(); ++it) try {
        it->message.node->request_parameter(it->message.index, it->previous, *it->path);
      } catch (const Error&) {
      }
    throw;
  }
  for (const Requested& r : requested) push(r.message);
  install_locked(std::move(plan), std::move(graph));
}

std::unique_ptr<Plan> Engine::compile_locked(const Graph& graph) const {
  // Nodes in any plan still alive may be in use by the audio thread right now.
  std::unordered_set<const Node*> running;
  for (const auto& plan : plans_)
    for (const auto& node : plan->nodes()) running.insert(node.get());
  return Compiler::compile(graph, compile_options(config_), &running);
}

void Engine::replace_graph_locked(Graph graph) {
  auto plan = compile_locked(graph);  // before the graph moves: arguments are unsequenced
  install_locked(std::move(plan), std::move(graph));
}

void Engine::install_locked(std::unique_ptr<Plan> plan, Graph graph) {
  // Workers only for a plan with parallel branches, made here on the control side
  // before the plan is handed over; the runner is never replaced.
  if (plan->runs_in_parallel() && !runner_)
    runner_ = std::make_unique<ParallelRunner>(config_.threads, config_.thread_starter);
  Plan* raw = plan.get();
  plans_.push_back(std::move(plan));
  try {
    push({nullptr, 0, 0.0, raw});
  } catch (...) {
    plans_.pop_back();
    throw;
  }
  latest_ = raw;
  graph_ = std::move(graph);
}

Graph Engine::graph() const {
  std::lock_guard lock(control_mutex_);
  return graph_;
}

std::string Engine::describe_plan() const {
  std::lock_guard lock(control_mutex_);
  return latest_->describe();
}

std::vector<std::string> Engine::order() const {
  std::lock_guard lock(control_mutex_);
  return latest_->order();
}

std::uint32_t Engine::output_channels() const {
  std::lock_guard lock(control_mutex_);
  return latest_->output_channels();
}

bool Engine::runs_in_parallel() const {
  std::lock_guard lock(control_mutex_);
  return runner_ && latest_->runs_in_parallel();
}

std::uint64_t Engine::latency() const {
  std::lock_guard lock(control_mutex_);
  return latest_->latency();
}

LatencyReport Engine::latency_report() const {
  std::lock_guard lock(control_mutex_);
  return latest_->latency_report();
}

void Engine::collect_garbage() {
  std::lock_guard lock(control_mutex_);
  collect_locked();
}

void Engine::collect_locked() {
  Plan* retired = nullptr;
  while (to_control_.pop(retired))
    std::erase_if(plans_, [&](const auto& p) { return p.get() == retired; });
  AutomationSchedule* schedule = nullptr;
  while (retired_schedules_.pop(schedule))
    std::erase_if(schedules_, [&](const auto& s) { return s.get() == schedule; });
}

void Engine::push(const Message& message) {
  const auto deadline = std::chrono::steady_clock::now() + config_.queue_wait;
  while (!to_audio_.push(message)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw RealtimeError(
          "parameter queue is full: the audio thread has not processed a block for " +
          std::to_string(config_.queue_wait.count()) +
          " ms (is it running?); raise EngineConfig::queue_capacity for bursts");
    collect_locked();
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

void Engine::drain() noexcept {
  Message m;
  while (to_audio_.pop(m)) {
    if (m.plan) {
      Plan* old = current_;
      current_ = m.plan;
      // to_control_ has room: the control side collects before every push, and it
      // never has more than a handful of plans in flight.
      if (old && old != current_) to_control_.push(old);
    } else if (m.automation) {
      install_automation(m.automation);
    } else {
      m.node->apply_parameter(m.index, m.value);
    }
  }
  if (reset_requested_.exchange(false, std::memory_order_acq_rel)) {
    for (const auto& node : current_->nodes()) node->reset();
    current_->reset_delays();
    rewind_automation();
  }
}

void Engine::run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames) noexcept {
  drain();
  const bool automated = automation_ && !automation_->lanes.empty();
  current_->run(in, out, frames, position_,
                current_->runs_in_parallel() ? runner_.get() : nullptr,
                {automated ? automation_ : nullptr, automation_clock_});
  const std::uint32_t done = std::min(frames, current_->max_block());
  position_ += done;
  automation_clock_ += done;
  published_clock_.store(automation_clock_, std::memory_order_relaxed);
}

void Engine::process(const ConstAudioView& in, const AudioView& out) noexcept {
  const std::uint32_t frames = out.channels ? out.num_frames : in.num_frames;
  run(in, out, frames);
}

void Engine::process(std::uint32_t frames) noexcept {
  run(ConstAudioView{}, AudioView{}, frames);
}

}  // namespace fxgraph
