#include "fxgraph/engine/automation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/engine/parameter_lookup.h"

namespace fxgraph {

namespace {
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool is_continuous(AutomationCurve curve) {
  return curve != AutomationCurve::hold;
}
}  // namespace

AutomationCurve parse_automation_curve(std::string_view name) {
  if (name == "linear" || name == "lin") return AutomationCurve::linear;
  if (name == "exponential" || name == "exp") return AutomationCurve::exponential;
  if (name == "hold" || name == "step") return AutomationCurve::hold;
  throw ParameterError("unknown automation curve '" + std::string(name) +
                       "': curves are linear (lin), exponential (exp), hold (step)");
}

std::string_view automation_curve_name(AutomationCurve curve) {
  switch (curve) {
    case AutomationCurve::linear:
      return "linear";
    case AutomationCurve::exponential:
      return "exponential";
    case AutomationCurve::hold:
      return "hold";
  }
  return "linear";
}

void validate_automation(const ParameterSpec& spec, std::span<const AutomationPoint> points,
                         AutomationCurve curve, std::string_view where) {
  const std::string what = "automation of '" + std::string(where) + "'";
  const ErrorContext context{.key = spec.name};
  if (points.empty())
    throw ParameterError(what + " has no points; give (seconds, value) pairs", context);
  if (is_continuous(curve) &&
      (spec.kind == ParameterKind::choice || spec.kind == ParameterKind::toggle))
    throw ParameterError(what + ": a " + std::string(automation_curve_name(curve)) +
                             " curve needs a continuous parameter, and '" + std::string(where) +
                             "' is a " +
                             (spec.kind == ParameterKind::choice ? "choice" : "toggle") + " (" +
                             describe_range(spec) + "); use the hold curve",
                         context);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const AutomationPoint& p = points[i];
    const std::string point = what + ", point " + std::to_string(i + 1) + " (" +
                              number_text(p.seconds) + " s, " + number_text(p.value) + ")";
    if (!std::isfinite(p.seconds) || p.seconds < 0.0 || p.seconds > kMaxAutomationSeconds)
      throw ParameterError(point + ": the time must be a number of seconds in [0, " +
                               number_text(kMaxAutomationSeconds) + "]",
                           context);
    if (i > 0 && !(p.seconds > points[i - 1].seconds))
      throw ParameterError(point +
                               ": times must increase from point to point (the point before "
                               "is at " +
                               number_text(points[i - 1].seconds) + " s)",
                           context);
    try {
      validate_parameter_value(spec, p.value, where);
    } catch (Error& error) {
      error.prefix_message(point + ": ");
      throw;
    }
    if (curve == AutomationCurve::exponential && !(p.value > 0.0))
      throw ParameterError(point +
                               ": an exponential curve needs values above 0 (use linear "
                               "for a curve through 0 or negative values)",
                           context);
  }
}

void check_automation(const Graph& graph, const Automation& automation) {
  const ParameterLookup found = find_parameter(graph, automation.path);
  try {
    validate_automation(found.node->parameters()[found.index], automation.points, automation.curve,
                        automation.path);
  } catch (Error& error) {
    error.add_context({.node = ParameterPath::parse(automation.path).node});
    throw;
  }
}

double automation_curve_value(AutomationCurve curve, double a, double b, double t) noexcept {
  switch (curve) {
    case AutomationCurve::hold:
      return a;
    case AutomationCurve::exponential:
      return a * std::pow(b / a, t);
    case AutomationCurve::linear:
      break;
  }
  return a + (b - a) * t;
}

AutomationLane::AutomationLane(std::shared_ptr<Node> node, std::size_t index, ParameterKind kind,
                               std::span<const AutomationPoint> points, AutomationCurve curve,
                               double sample_rate, double base)
    : node_(std::move(node)), index_(index), kind_(kind), curve_(curve), base_(base) {
  for (const AutomationPoint& p : points) {
    frames_.push_back(std::uint64_t(std::llround(p.seconds * sample_rate)));
    values_.push_back(p.value);
  }
}

double AutomationLane::value_at(std::uint64_t frame) const noexcept {
  // The segment holding `frame`: the last point at or before it (of points that round
  // to the same frame, the later one wins).
  const auto after = std::upper_bound(frames_.begin(), frames_.end(), frame);
  const std::size_t k = std::size_t(after - frames_.begin()) - 1;
  if (k + 1 == frames_.size() || curve_ == AutomationCurve::hold) return values_[k];
  // Continuous: the curve at the start of the grid piece, so the value does not depend
  // on where a block happens to start.
  const std::uint64_t piece = std::max(frames_[k], frame - frame % kAutomationStep);
  const double t = double(piece - frames_[k]) / double(frames_[k + 1] - frames_[k]);
  const double v = automation_curve_value(curve_, values_[k], values_[k + 1], t);
  return kind_ == ParameterKind::integer ? std::round(v) : v;
}

std::uint64_t AutomationLane::next_change(std::uint64_t frame) const noexcept {
  const auto after = std::upper_bound(frames_.begin(), frames_.end(), frame);
  if (after == frames_.end()) return std::numeric_limits<std::uint64_t>::max();
  if (after == frames_.begin() || curve_ == AutomationCurve::hold) return *after;
  return std::min<std::uint64_t>(*after, frame - frame % kAutomationStep + kAutomationStep);
}

void AutomationLane::apply_at(std::uint64_t frame) noexcept {
  if (!started(frame)) return;
  const double v = value_at(frame);
  if (applied_ && v == last_) return;
  node_->apply_parameter(index_, v);
  applied_ = true;
  last_ = v;
}

void AutomationLane::restore() noexcept {
  if (!applied_) return;
  node_->apply_parameter(index_, base_);
  applied_ = false;
}

}  // namespace fxgraph
