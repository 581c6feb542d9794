#pragma once
// Automation: a parameter moving along a curve over time, on the exact sample.
//
// Aims
//   `Engine::automate("lp.cutoff", {{0, 200}, {4, 8000}}, AutomationCurve::exponential)`
//   sweeps a cutoff from 200 Hz at 0 s to 8 kHz at 4 s. Times are seconds of automation
//   time: the frames the engine has processed since it started or was last reset
//   (Engine::request_reset rewinds it, so every pass of an offline render sees the
//   same automation). Before its first point a parameter keeps the value it had; after
//   its last point it holds the last value.
//
// How values reach a node (per parameter kind; the choice is documented here once)
//   - hold: the value changes on the breakpoint's own frame (seconds × rate, rounded).
//     The node's step is split there, so the change lands on that sample at any block
//     size. Any kind of parameter (choice and toggle too) may be held.
//   - linear and exponential (real and integer parameters; exponential needs positive
//     values): the curve is evaluated on a fixed grid of kAutomationStep frames of
//     automation time, and the automated node runs in sub-blocks that end on those
//     grid lines (and on the breakpoints): within each sub-block the parameter holds
//     the curve's value at the sub-block's first frame. The grid is absolute, so a node
//     sees the same values on the same samples whatever the engine's block size, and
//     the output is identical at any block size. Filters redesign their coefficients
//     on the audio thread for every sub-block (SosFilterNode::on_parameter keeps the
//     state), so a cutoff sweep moves in steps of 32 frames (0.67 ms at 48 kHz): an
//     exponential sweep from 200 Hz to 8 kHz over 4 s moves 0.06 % per step.
//     Integer parameters take the curve's value rounded to the nearest whole number.
//   - Parameters a node ramps itself (Smoothing::ramped: gains, mixes) get the same
//     grid values; the node's own de-zipper ramp then moves them per sample between
//     grid values (so the heard gain trails the curve by up to that ramp's length).
//   Only the automated node (or the fused filter chain or feedback loop holding it)
//   runs in sub-blocks; the rest of the graph keeps whole blocks.
//
// Threads
//   Automation is validated and turned into frames on a control thread
//   (AutomationLane's constructor allocates); the audio thread only evaluates lanes
//   (allocation-free, noexcept). See Engine::automate for the hand-over.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/parameters.h"

namespace fxgraph {

class Graph;
class Node;

/// How a parameter moves between two points.
enum class AutomationCurve : std::uint8_t {
  linear,       ///< a straight line between the values
  exponential,  ///< a straight line in log(value): constant ratio per second (sweeps)
  hold,         ///< the value jumps at each point and stays until the next
};

/// One point of an automation: at `seconds` of automation time, `value`.
struct AutomationPoint {
  double seconds = 0.0;
  double value = 0.0;
  bool operator==(const AutomationPoint&) const = default;
};

/// One parameter's automation, as a user writes it.
struct Automation {
  std::string path;  ///< "node.param"
  std::vector<AutomationPoint> points;
  AutomationCurve curve = AutomationCurve::linear;
};

/// Frames of the grid continuous curves are evaluated on (see the header's essay).
inline constexpr std::uint32_t kAutomationStep = 32;
/// The latest time a point may have (about three years): frames stay far inside 64 bits
/// at any sample rate.
inline constexpr double kMaxAutomationSeconds = 1e8;

/// "linear" (or "lin"), "exponential" (or "exp"), "hold" (or "step"). Throws
/// ParameterError listing the names.
AutomationCurve parse_automation_curve(std::string_view name);
/// The curve's canonical name ("linear", "exponential", "hold").
std::string_view automation_curve_name(AutomationCurve curve);
/// The value a fraction `t` (0 … 1) of the way from breakpoint value `a` to `b`: a
/// straight line, or a constant ratio per unit of time for `exponential`; `a` for `hold`.
double automation_curve_value(AutomationCurve curve, double a, double b, double t) noexcept;

/// Checks `points` and `curve` for a parameter described by `spec`; `where` (a path such
/// as "lp.cutoff") names it in messages. Throws ParameterError (key spec.name) for no
/// points, times outside [0, kMaxAutomationSeconds] or not increasing, values out of the
/// parameter's range, a continuous curve on a choice or toggle parameter, and an
/// exponential curve through a value that is not positive.
void validate_automation(const ParameterSpec& spec, std::span<const AutomationPoint> points,
                         AutomationCurve curve, std::string_view where);

/// Resolves `automation.path` in `graph` (engine/parameter_lookup.h), then
/// validate_automation. Throws ParameterError naming what is wrong, with its node and
/// key set (an unknown node or parameter lists the valid ones).
void check_automation(const Graph& graph, const Automation& automation);

/// A validated automation in frames, bound to its node: what the audio thread evaluates.
/// Built on a control thread; value_at and next_change are pure (any thread); apply_at
/// and restore are for the thread that runs the node.
class AutomationLane {
 public:
  /// `points` must have passed validate_automation. `base` is the parameter's value
  /// outside the automation (restored by restore()).
  AutomationLane(std::shared_ptr<Node> node, std::size_t index, ParameterKind kind,
                 std::span<const AutomationPoint> points, AutomationCurve curve, double sample_rate,
                 double base);

  Node* node() const noexcept { return node_.get(); }
  std::size_t index() const noexcept { return index_; }
  /// Whether the automation has begun at `frame` (its first point is at or before it).
  bool started(std::uint64_t frame) const noexcept { return frame >= frames_.front(); }
  /// The value the parameter holds at `frame` (started(frame) must be true): the
  /// curve's value at the start of the grid piece holding `frame`.
  double value_at(std::uint64_t frame) const noexcept;
  /// The first frame after `frame` at which the value may change (a breakpoint or, on a
  /// continuous segment, the next grid line); UINT64_MAX after the last point.
  std::uint64_t next_change(std::uint64_t frame) const noexcept;

  /// Gives the node the value at `frame` when the automation has begun and the value
  /// differs from the one last given. Audio thread (the one running the node).
  void apply_at(std::uint64_t frame) noexcept;
  /// Gives the node back its value from before the automation, if the lane changed it
  /// (a reset rewinds automation time). Audio thread.
  void restore() noexcept;

 private:
  std::shared_ptr<Node> node_;  // kept alive: a replaced graph may drop it
  std::size_t index_;
  ParameterKind kind_;
  AutomationCurve curve_;
  std::vector<std::uint64_t> frames_;  // breakpoints, non-decreasing
  std::vector<double> values_;
  double base_;
  bool applied_ = false;  // audio side: a value has been given since the last restore
  double last_ = 0.0;     // audio side: the value last given
};

}  // namespace fxgraph
