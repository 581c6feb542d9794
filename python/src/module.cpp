// fxgraph._fxgraph: the C++ half of the Python package. Importing it loads the
// registry-backed library only; NumPy is imported the first time an array crosses,
// so `import fxgraph` stays fast.
#include "bindings.h"

PYBIND11_MODULE(_fxgraph, m) {
  m.doc() = "fxgraph's C++ engine (use the fxgraph package, not this module)";
  fxgraph::python::bind_errors(m);
  fxgraph::python::bind_registry(m);
  fxgraph::python::bind_graph(m);
  fxgraph::python::bind_engine(m);
  fxgraph::python::bind_realtime(m);
  fxgraph::python::bind_stream(m);
  fxgraph::python::bind_batch(m);
}
