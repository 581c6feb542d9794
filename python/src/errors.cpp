// C++ exceptions → the Python classes of fxgraph/errors.py, most derived first, with
// the error's context (node, edge, key, location) as attributes.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph::python {
namespace {

py::object optional_text(const std::string& text) {
  return text.empty() ? py::object(py::none()) : py::object(py::str(text));
}

void raise_as(const char* class_name, const Error& error) {
  const py::object cls = py::module_::import("fxgraph.errors").attr(class_name);
  py::object instance = cls(error.what());
  const ErrorContext& context = error.context();
  instance.attr("node") = optional_text(context.node);
  instance.attr("edge") = optional_text(context.edge);
  instance.attr("key") = optional_text(context.key);
  instance.attr("location") =
      context.has_location() ? py::object(py::str(context.location.str())) : py::none();
  PyErr_SetObject(cls.ptr(), instance.ptr());
}

}  // namespace

void bind_errors(py::module_&) {
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const BackendNotAvailableError& e) {
      raise_as("BackendNotAvailableError", e);
    } catch (const StreamError& e) {
      raise_as("StreamError", e);
    } catch (const BufferOverrunError& e) {
      raise_as("BufferOverrunError", e);
    } catch (const BufferUnderrunError& e) {
      raise_as("BufferUnderrunError", e);
    } catch (const RealtimeError& e) {
      raise_as("RealtimeError", e);
    } catch (const GraphError& e) {
      raise_as("GraphError", e);
    } catch (const ParameterError& e) {
      raise_as("ParameterError", e);
    } catch (const ConfigError& e) {
      raise_as("ConfigError", e);
    } catch (const IoError& e) {
      raise_as("IoError", e);
    } catch (const Error& e) {
      raise_as("Error", e);
    }
  });
}

}  // namespace fxgraph::python
