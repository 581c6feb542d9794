#pragma once
// The pieces of the extension module fxgraph._fxgraph, one per file (module.cpp calls
// them in order). Each binds one layer of the C++ API; the Python files in
// python/fxgraph/ give the result torchfx's shape.
#include <pybind11/pybind11.h>

#include "graph_recipe.h"

namespace fxgraph::python {

namespace py = pybind11;

/// The graph a Python argument describes: a Graph, a chain spec string, or a list of
/// effects (NodeSpec objects, or objects whose `_spec` is one). TypeError otherwise.
GraphRecipe recipe_from(py::handle graph);

/// fxgraph::Error and its subclasses → fxgraph.errors.* (errors.cpp).
void bind_errors(py::module_& m);
/// The node registry: node_types(), NodeSpec (bind_registry.cpp).
void bind_registry(py::module_& m);
/// Graph: from YAML, a chain spec or node specs (bind_graph.cpp).
void bind_graph(py::module_& m);
/// Engine and the one-shot process() (bind_engine.cpp).
void bind_engine(py::module_& m);
/// RealtimeProcessor, the backends' probes, the ring buffer (bind_realtime.cpp).
void bind_realtime(py::module_& m);
/// StreamProcessor: files and chunk iteration (bind_stream.cpp).
void bind_stream(py::module_& m);
/// The batch library for fxgraph.batch's Dask map: work list, worker, manifest (bind_batch.cpp).
void bind_batch(py::module_& m);

}  // namespace fxgraph::python
