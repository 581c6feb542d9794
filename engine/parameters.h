#pragma once
// Parameters: the named, typed, range-checked values every node publishes.
//
// A node declares its parameters once, in its constructor, as a table of
// ParameterSpec. Paths address them from outside: "node.param" — for a chain the
// node ids are "0", "1", …, so "2.gain" and "drive.gain" are the same mechanism.
// Validation (path, range, NaN/inf) happens here, on the caller's thread; the audio
// thread only ever sees values that passed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fxgraph {

/// How a parameter's value is interpreted.
enum class ParameterKind : std::uint8_t {
  real,     ///< any finite value in [min, max]
  integer,  ///< a whole number in [min, max] (e.g. a filter order)
  choice,   ///< an index into `choices` (e.g. a window name); YAML may give the name
  toggle,   ///< 0 or 1
};

/// Whether the node ramps changes of this parameter over time (no zipper noise).
enum class Smoothing : std::uint8_t { none, ramped };

/// One row of a node's parameter table.
struct ParameterSpec {
  std::string name;  ///< e.g. "gain"; unique within the node
  std::string unit;  ///< e.g. "dB", "Hz", "ms", "" for plain numbers
  double min = 0.0;  ///< smallest allowed value (inclusive)
  double max = 1.0;  ///< largest allowed value (inclusive)
  double default_value = 0.0;
  Smoothing smoothing = Smoothing::none;
  ParameterKind kind = ParameterKind::real;
  std::string description;           ///< one line for `fxgraph nodes`
  std::vector<std::string> choices;  ///< names for ParameterKind::choice
};

/// One read-only value a node publishes while it runs (see Node::meters). Meters are
/// addressed like parameters ("comp.gain_reduction_db") but cannot be set.
struct MeterSpec {
  std::string name;            ///< unique among the node's parameters and meters
  std::string unit;            ///< e.g. "dB", "LUFS"
  double initial_value = 0.0;  ///< the value before the node has run
  std::string description;     ///< one line for `fxgraph nodes`
};

/// Splits "node.param" into its two parts. Node ids never contain '.', so the first
/// '.' separates them. Throws ParameterError when either part is empty or '.' is missing.
struct ParameterPath {
  std::string node;
  std::string parameter;
  static ParameterPath parse(std::string_view path);
  std::string str() const { return node + "." + parameter; }
};

/// Checks `value` against `spec`; throws ParameterError naming `where` (a path such as
/// "2.gain") with the allowed range when the value is NaN, infinite, out of range, not a
/// whole number for integer/choice/toggle parameters. The error's key is spec.name.
void validate_parameter_value(const ParameterSpec& spec, double value, std::string_view where);

/// Resolves a choice name (e.g. "hann") to its index; throws ParameterError listing the
/// valid names (its key is spec.name).
double choice_index(const ParameterSpec& spec, std::string_view name, std::string_view where);

/// "[0, 4] linear" style description of the range for messages and tables.
std::string describe_range(const ParameterSpec& spec);

/// Joins names as "a, b, c" for error messages.
std::string join_names(const std::vector<std::string>& names);

}  // namespace fxgraph
