// The node registry seen from Python: the type tables the effect classes are generated
// from, and NodeSpec, the validated settings one effect object carries.
#include <pybind11/stl.h>

#include <sstream>

#include "bindings.h"
#include "cli_support.h"
#include "fxgraph/graphs/catalog.h"
#include "graph_recipe.h"

namespace fxgraph::python {
namespace {

const char* kind_name(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::real:
      return "real";
    case ParameterKind::integer:
      return "integer";
    case ParameterKind::choice:
      return "choice";
    case ParameterKind::toggle:
      return "toggle";
  }
  return "real";
}

py::dict parameter_table(const ParameterSpec& spec) {
  py::dict row;
  row["name"] = spec.name;
  row["unit"] = spec.unit;
  row["min"] = spec.min;
  row["max"] = spec.max;
  row["default"] = spec.default_value;
  row["kind"] = kind_name(spec.kind);
  row["description"] = spec.description;
  row["choices"] = spec.choices;
  row["ramped"] = spec.smoothing == Smoothing::ramped;
  return row;
}

py::list node_types() {
  const NodeRegistry& registry = builtin_registry();
  py::list types;
  for (const std::string& name : registry.names()) {
    const NodeType* type = registry.find(name);
    py::dict entry;
    entry["name"] = type->name;
    entry["aliases"] = type->aliases;
    entry["summary"] = type->summary;
    entry["torchfx_module"] = type->torchfx_module;
    py::list options;
    for (const OptionSpec& option : type->options) {
      py::dict row;
      row["name"] = option.name;
      row["description"] = option.description;
      row["default"] = option.default_text;
      options.append(row);
    }
    entry["options"] = options;
    py::list parameters;
    try {
      for (const ParameterSpec& spec : registry.parameters_of(type->name))
        parameters.append(parameter_table(spec));
    } catch (const Error&) {
      // Types that need outside resources to be built (file_in: an existing file) have
      // no table to show; building one still works, with its own errors.
    }
    entry["parameters"] = parameters;
    entry["exclusive"] = type->exclusive;
    types.append(entry);
  }
  return types;
}

/// A Python value as a setting: numbers (bools as 0/1), text, or a list of numbers.
OptionValue option_value(py::handle value, const std::string& label, const std::string& key) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? 1.0 : 0.0;
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value))
    return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::hasattr(value, "__len__") && !value.is_none()) {
    try {
      return py::cast<std::vector<double>>(value);
    } catch (const py::cast_error&) {
    }
  }
  if (py::hasattr(value, "__float__"))
    return py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();  // numpy scalars
  throw py::type_error(label + ": " + key + " must be a number, a name or a list of numbers, got " +
                       std::string(py::str(py::type::handle_of(value).attr("__name__"))));
}

std::string format_setting(const OptionValue& value) {
  if (const double* number = std::get_if<double>(&value)) return cli::format_number(*number);
  if (const std::string* text = std::get_if<std::string>(&value)) return "'" + *text + "'";
  std::string text = "[";
  const auto& numbers = std::get<std::vector<double>>(value);
  for (std::size_t i = 0; i < numbers.size(); ++i)
    text += (i ? ", " : "") + cli::format_number(numbers[i]);
  return text + "]";
}

/// Settings from a call `Class(*args, **kwargs)`: positional values fill the type's
/// parameters in table order (as the CLI's --chain does), keywords name parameters or
/// options. The node is built once here, so every mistake is reported at the call.
NodeSpec make_spec(const std::string& type, const std::string& class_name, py::tuple args,
                   py::dict kwargs) {
  const NodeRegistry& registry = builtin_registry();
  NodeSpec spec{.type = type, .label = class_name, .settings = {}};
  if (registry.find(type) == nullptr) spec.create();  // the registry's unknown-type error
  const std::vector<ParameterSpec> parameters = registry.parameters_of(type);
  if (args.size() > parameters.size()) {
    std::string names;
    for (const ParameterSpec& p : parameters) names += (names.empty() ? "" : ", ") + p.name;
    throw py::type_error(class_name + "() takes at most " + std::to_string(parameters.size()) +
                         " positional arguments (" + names + "), got " +
                         std::to_string(args.size()));
  }
  for (std::size_t i = 0; i < args.size(); ++i)
    spec.settings[parameters[i].name] = option_value(args[i], class_name, parameters[i].name);
  for (const auto& [key_object, value] : kwargs) {
    const std::string key = key_object.cast<std::string>();
    if (spec.settings.count(key))
      throw py::type_error(class_name + "() got multiple values for argument '" + key + "'");
    spec.settings[key] = option_value(value, class_name, key);
  }
  std::string shown;
  for (const auto& [key, value] : spec.settings)
    shown += (shown.empty() ? "" : ", ") + key + "=" + format_setting(value);
  spec.label = class_name + "(" + shown + ")";
  spec.create();
  return spec;
}

}  // namespace

void bind_registry(py::module_& m) {
  m.def("node_types", &node_types,
        "Every registry type: name, aliases, summary, torchfx_module, options, parameters "
        "(name, unit, min, max, default, kind, description, choices, ramped).");

  py::class_<NodeSpec>(m, "NodeSpec",
                       "A node type with validated settings; each graph built from it gets "
                       "a fresh node.")
      .def(py::init(&make_spec), py::arg("type"), py::arg("class_name"), py::arg("args"),
           py::arg("kwargs"))
      .def_readonly("type", &NodeSpec::type)
      .def_property_readonly("settings",
                             [](const NodeSpec& spec) {
                               py::dict settings;
                               for (const auto& [key, value] : spec.settings)
                                 std::visit([&](const auto& v) { settings[py::str(key)] = v; },
                                            value);
                               return settings;
                             })
      .def("__repr__", [](const NodeSpec& spec) { return spec.label; });
}

}  // namespace fxgraph::python
