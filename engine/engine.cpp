#include "fxgraph/engine/engine.h"

#include <algorithm>
#include <thread>

#include "fxgraph/engine/errors.h"

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
  const ParameterPath p = ParameterPath::parse(path);
  if (!graph_.contains(p.node))
    throw ParameterError("unknown node '" + p.node + "' in parameter path '" + std::string(path) +
                             "': nodes are " + join_names(graph_.ids()),
                         {.node = p.node});
  Node& node = graph_.node(p.node);
  const int index = node.find_parameter(p.parameter);
  if (index < 0 && node.find_meter(p.parameter) >= 0)
    throw ParameterError("'" + std::string(path) + "' is a meter of node '" + p.node + "' (" +
                             node.type() + "): it can be read but not set",
                         {.node = p.node, .key = p.parameter, .key_part = KeyPart::name});
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& s : node.parameters()) names.push_back(s.name);
    for (const auto& m : node.meters()) names.push_back(m.name + " (meter)");
    throw ParameterError("unknown parameter '" + p.parameter + "' on node '" + p.node + "' (" +
                             node.type() + ") in path '" + std::string(path) +
                             "': valid parameters are " + join_names(names),
                         {.node = p.node, .key = p.parameter, .key_part = KeyPart::name});
  }
  return {&node, std::size_t(index)};
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
  return node->requested_value(index);
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

void Engine::replace_graph_locked(Graph graph) {
  // Nodes in any plan still alive may be in use by the audio thread right now.
  std::unordered_set<const Node*> running;
  for (const auto& plan : plans_)
    for (const auto& node : plan->nodes()) running.insert(node.get());
  auto plan = Compiler::compile(graph, compile_options(config_), &running);
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
    } else {
      m.node->apply_parameter(m.index, m.value);
    }
  }
  if (reset_requested_.exchange(false, std::memory_order_acq_rel)) {
    for (const auto& node : current_->nodes()) node->reset();
    current_->reset_delays();
  }
}

void Engine::run(const ConstAudioView& in, const AudioView& out, std::uint32_t frames) noexcept {
  drain();
  current_->run(in, out, frames, position_, current_->runs_in_parallel() ? runner_.get() : nullptr);
  position_ += std::min(frames, current_->max_block());
}

void Engine::process(const ConstAudioView& in, const AudioView& out) noexcept {
  const std::uint32_t frames = out.channels ? out.num_frames : in.num_frames;
  run(in, out, frames);
}

void Engine::process(std::uint32_t frames) noexcept {
  run(ConstAudioView{}, AudioView{}, frames);
}

}  // namespace fxgraph
