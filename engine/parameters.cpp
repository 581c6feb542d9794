#include "fxgraph/engine/parameters.h"

#include <cmath>
#include <sstream>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

ParameterPath ParameterPath::parse(std::string_view path) {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == path.size()) {
    throw ParameterError("parameter path '" + std::string(path) +
                         "' must be 'node.parameter' (e.g. '2.gain' or 'drive.gain')");
  }
  return {std::string(path.substr(0, dot)), std::string(path.substr(dot + 1))};
}

namespace {
std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
}  // namespace

std::string describe_range(const ParameterSpec& spec) {
  if (spec.kind == ParameterKind::choice) return "one of " + join_names(spec.choices);
  if (spec.kind == ParameterKind::toggle) return "0 or 1";
  std::string range = "[" + format_number(spec.min) + ", " + format_number(spec.max) + "]";
  if (spec.kind == ParameterKind::integer) range += " (whole numbers)";
  if (!spec.unit.empty()) range += " " + spec.unit;
  return range;
}

void validate_parameter_value(const ParameterSpec& spec, double value, std::string_view where) {
  const std::string prefix = "value " + format_number(value) + " for '" + std::string(where) + "'";
  const ErrorContext context{.key = spec.name};
  if (!std::isfinite(value)) throw ParameterError(prefix + " is not a finite number", context);
  const bool whole = spec.kind != ParameterKind::real;
  if (whole && value != std::floor(value))
    throw ParameterError(prefix + " must be a whole number in " + describe_range(spec), context);
  const double lo = spec.kind == ParameterKind::choice ? 0.0 : spec.min;
  const double hi = spec.kind == ParameterKind::choice   ? double(spec.choices.size()) - 1
                    : spec.kind == ParameterKind::toggle ? 1.0
                                                         : spec.max;
  if (value < lo || value > hi)
    throw ParameterError(prefix + " is out of range: allowed " + describe_range(spec), context);
}

double choice_index(const ParameterSpec& spec, std::string_view name, std::string_view where) {
  for (std::size_t i = 0; i < spec.choices.size(); ++i)
    if (spec.choices[i] == name) return double(i);
  throw ParameterError("'" + std::string(name) + "' is not a valid choice for '" +
                           std::string(where) + "': valid choices are " + join_names(spec.choices),
                       {.key = spec.name});
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace fxgraph
