// fxgraph.Graph: a graph description from YAML, a chain spec or effect objects.
#include <pybind11/stl.h>

#include <filesystem>

#include "bindings.h"

namespace fxgraph::python {
namespace {

NodeSpec spec_of(py::handle item, std::size_t index) {
  if (py::isinstance<NodeSpec>(item)) return item.cast<NodeSpec>();
  const py::object spec = py::getattr(item, "_spec", py::none());
  if (!spec.is_none() && py::isinstance<NodeSpec>(spec)) return spec.cast<NodeSpec>();
  throw py::type_error("effect " + std::to_string(index) +
                       ": expected an fxgraph effect (fxgraph.effect, fxgraph.filter or "
                       "fxgraph.nodes class), got " +
                       std::string(py::str(py::type::handle_of(item).attr("__name__"))));
}

/// YAML text has a newline or a `key:`; anything else is taken for a file name.
bool looks_like_yaml_text(const std::string& text) {
  return text.find('\n') != std::string::npos ||
         (text.find(": ") != std::string::npos && !std::filesystem::exists(text));
}

}  // namespace

GraphRecipe recipe_from(py::handle graph) {
  if (py::isinstance<GraphRecipe>(graph)) return graph.cast<GraphRecipe>();
  if (py::isinstance<py::str>(graph))
    return GraphRecipe::from_chain_spec(graph.cast<std::string>());
  if (py::isinstance<py::list>(graph) || py::isinstance<py::tuple>(graph)) {
    std::vector<NodeSpec> specs;
    std::size_t index = 0;
    for (py::handle item : graph) specs.push_back(spec_of(item, index++));
    if (specs.empty()) throw py::value_error("an effect chain needs at least one effect");
    return GraphRecipe::from_specs(std::move(specs));
  }
  if (!graph.is_none()) {
    const py::object spec = py::getattr(graph, "_spec", py::none());
    if (!spec.is_none()) return GraphRecipe::from_specs({spec_of(graph, 0)});
  }
  throw py::type_error(
      "expected a graph: an fxgraph.Graph, a chain spec such as \"highpass(80) | gain(1.5)\" "
      "or a list of effects, got " +
      std::string(py::str(py::type::handle_of(graph).attr("__name__"))));
}

void bind_graph(py::module_& m) {
  py::class_<GraphRecipe>(m, "Graph", R"doc(
A graph description. Each Engine or processor built from it gets nodes of its own.

Build one with Graph.from_yaml(path_or_text), Graph.chain(spec_or_effects) or
fxgraph.chain(...).)doc")
      .def_static(
          "from_yaml",
          [](py::handle path_or_text) {
            // str or os.PathLike (pathlib.Path) alike.
            const std::string text =
                py::str(py::module_::import("os").attr("fspath")(path_or_text)).cast<std::string>();
            py::gil_scoped_release release;  // file I/O
            return looks_like_yaml_text(text) ? GraphRecipe::from_yaml_text(text)
                                              : GraphRecipe::from_yaml_file(text);
          },
          py::arg("path_or_text"),
          "A graph from a YAML file (str or pathlib.Path) or YAML text (a string with a "
          "newline or 'key: value'). Errors point at file:line:col.")
      .def_static("chain", &recipe_from, py::arg("spec_or_effects"),
                  "A chain from a spec (\"highpass(80) | gain(1.5)\", as `fxgraph process "
                  "--chain`) or a list of effects; nodes are named \"0\", \"1\", …")
      .def_readonly("sample_rate", &GraphRecipe::sample_rate,
                    "The YAML document's sample_rate, or None")
      .def_readonly("block_size", &GraphRecipe::block_size,
                    "The YAML document's block_size, or None")
      .def_property_readonly(
          "nodes",
          [](const GraphRecipe& recipe) {
            const Graph graph = recipe.build();
            std::vector<std::pair<std::string, std::string>> nodes;
            for (const std::string& id : graph.ids()) nodes.emplace_back(id, graph.node(id).type());
            return nodes;
          },
          "(id, type) of every node, in the order they were added")
      .def_property_readonly(
          "edges",
          [](const GraphRecipe& recipe) {
            const Graph graph = recipe.build();
            std::vector<std::string> edges;
            for (const Edge& edge : graph.edges()) edges.push_back(edge.str());
            return edges;
          },
          "Every edge as 'from -> to'")
      .def("__repr__",
           [](const GraphRecipe& recipe) { return "Graph(\n" + recipe.description() + ")"; });
}

}  // namespace fxgraph::python
