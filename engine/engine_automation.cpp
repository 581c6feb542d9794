// Engine's automation (engine/automation.h): validated and built into an
// AutomationSchedule on the control side, handed to the audio thread through the
// engine's queue (so it keeps its place among parameter changes and plans), and the
// replaced schedule handed back to be freed here, never on the audio thread.
#include <algorithm>
#include <set>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameter_lookup.h"

namespace fxgraph {

namespace {

/// Lets the node itself judge every value the automation passes through (a cutoff at or
/// above Nyquist, an echo longer than its line), as set_parameter would, then puts the
/// requested value back. Refuses a parameter whose value moves the node's latency: the
/// plan's compensating delays are compiled for one latency, and automation changes
/// values on the audio thread, where no plan can be compiled.
void check_node_accepts(Node& node, std::size_t index, const Automation& automation,
                        const Plan& plan) {
  const double requested = node.requested_value(index);
  const std::uint64_t compiled = plan.compiled_latency(&node);
  std::set<double> values;
  for (const AutomationPoint& p : automation.points) values.insert(p.value);
  try {
    for (double value : values) {
      node.request_parameter(index, value, automation.path);
      if (node.latency() != compiled)
        throw ParameterError("its value changes the latency of the " + node.type() +
                                 " node, which needs a new plan: set it with set_parameter "
                                 "instead",
                             {.key = node.parameters()[index].name});
    }
  } catch (Error& error) {
    node.request_parameter(index, requested, automation.path);
    error.prefix_message("automation of '" + automation.path + "': ");
    throw;
  }
  node.request_parameter(index, requested, automation.path);
}

}  // namespace

void Engine::automate(std::string_view path, std::vector<AutomationPoint> points,
                      AutomationCurve curve) {
  automate(Automation{std::string(path), std::move(points), curve});
}

void Engine::automate(const Automation& automation) {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  auto [node, index] = resolve(automation.path);
  const ParameterPath path = ParameterPath::parse(automation.path);
  try {
    validate_automation(node->parameters()[index], automation.points, automation.curve,
                        automation.path);
    check_node_accepts(*node, index, automation, *latest_);
  } catch (Error& error) {
    error.add_context({.node = path.node});
    throw;
  }
  const std::vector<Automation> before = automations_;
  clear_automation_locked(path.str());
  automations_.push_back(automation);
  automations_.back().path = path.str();
  try {
    push_automation_locked();
  } catch (...) {
    automations_ = before;
    throw;
  }
}

bool Engine::clear_automation(std::string_view path) {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  if (!clear_automation_locked(path)) return false;
  push_automation_locked();
  return true;
}

void Engine::clear_automation() {
  std::lock_guard lock(control_mutex_);
  collect_locked();
  automations_.clear();
  push_automation_locked();
}

std::vector<Automation> Engine::automation() const {
  std::lock_guard lock(control_mutex_);
  return automations_;
}

bool Engine::clear_automation_locked(std::string_view path) {
  if (automations_.empty()) return false;  // the common case of set_parameter: no lookup
  const std::string key = ParameterPath::parse(path).str();
  return std::erase_if(automations_, [&](const Automation& a) { return a.path == key; }) > 0;
}

void Engine::push_automation_locked() {
  auto schedule = std::make_unique<AutomationSchedule>();
  for (const Automation& a : automations_) {
    const ParameterPath path = ParameterPath::parse(a.path);
    if (!graph_.contains(path.node)) continue;  // the node left with a replaced graph
    const ParameterLookup found = find_parameter(graph_, a.path);
    const ParameterSpec& spec = found.node->parameters()[found.index];
    schedule->lanes.emplace_back(graph_.node_ptr(path.node), found.index, spec.kind, a.points,
                                 a.curve, config_.sample_rate,
                                 found.node->requested_value(found.index));
  }
  AutomationSchedule* raw = schedule.get();
  schedules_.push_back(std::move(schedule));
  try {
    push({.automation = raw});
  } catch (...) {
    schedules_.pop_back();
    throw;
  }
  latest_schedule_ = raw;
}

double Engine::automated_value_locked(std::string_view path, double otherwise) const {
  if (!latest_schedule_) return otherwise;
  const ParameterLookup found = find_parameter(graph_, path);
  const std::uint64_t clock = published_clock_.load(std::memory_order_relaxed);
  for (const AutomationLane& lane : latest_schedule_->lanes)
    if (lane.node() == found.node && lane.index() == found.index && lane.started(clock))
      return lane.value_at(clock);
  return otherwise;
}

void Engine::install_automation(AutomationSchedule* schedule) noexcept {
  AutomationSchedule* old = automation_;
  automation_ = schedule;
  // A full queue (the control side has not collected for 256 swaps) leaves the old
  // schedule to the destructor: never freed here.
  if (old) (void)retired_schedules_.push(old);
}

void Engine::rewind_automation() noexcept {
  if (automation_)
    for (AutomationLane& lane : automation_->lanes) lane.restore();
  automation_clock_ = 0;
  published_clock_.store(0, std::memory_order_relaxed);
}

}  // namespace fxgraph
