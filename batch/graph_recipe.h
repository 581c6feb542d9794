#pragma once
// GraphRecipe: how each batch worker builds its own copy of the graph.
//
// Nodes hold their DSP state, and copying a Graph shares its nodes (engine/graph.h), so
// workers that process files at the same time cannot share one Graph: each builds its
// own from the recipe, once, and reuses it file after file (StreamProcessor starts
// every file from fresh node state). A recipe is the graph's *description* — YAML text,
// a YAML file, or a function that builds it (the CLI's --chain) — never a built graph;
// the YAML text is also what crosses a process or machine boundary (Dask workers get
// the text, not pickled engines).
//
// The graph is checked when the recipe is made, so a mistake in it is reported once,
// before any file is touched: it must have an external input and output (`chain:`, or
// `input:` and `output:`) and no file or JACK nodes (the batch supplies the files),
// and every node must be on the signal path (graphs/yaml_loader.h, check_connected).

#include <functional>
#include <string>

#include "fxgraph/engine/graph.h"

namespace fxgraph {

struct GraphRecipe {
  std::string name;              ///< what messages call the graph: a file name, "--chain"
  std::function<Graph()> build;  ///< a new graph with new nodes at each call; thread-safe

  /// From YAML text (messages name it `name`). Throws ConfigError, GraphError or
  /// ParameterError for a graph that does not load or cannot run on files as above.
  static GraphRecipe from_yaml_text(std::string yaml, std::string name = "<graph>");
  /// From a YAML file; relative paths in its settings resolve against its folder.
  static GraphRecipe from_yaml_file(const std::string& path);
  /// From a function that builds the graph (called once here to check the result).
  static GraphRecipe from_function(std::string name, std::function<Graph()> build);
};

/// Throws GraphError unless `graph` can process files in a batch: an external input and
/// output, and no file_in/file_out/jack_in/jack_out node. `name` names it in the message.
void check_batch_graph(const Graph& graph, const std::string& name);

}  // namespace fxgraph
