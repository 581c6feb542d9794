// `fxgraph check GRAPH.yaml`: loads and compiles a graph without running it, and shows
// the plan the engine would run.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace fxgraph::cli {

Command add_check_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "check", "Load and compile a YAML graph; print its execution order and buffers");
  sub->add_option("graph", *path, "the graph file (.yaml)")->required();
  sub->footer(
      "Compiles with the graph's sample_rate and block_size and a stereo external input,\n"
      "prints the plan, then \"ok\". A mistake is reported as file:line:column (exit 2).\n"
      "\n"
      "Example:\n"
      "  fxgraph check graphs/demo.yaml");
  return {sub, [path] {
            const GraphDocument document = load_graph_file(*path);
            const auto plan = compile_document(
                document, compile_options_for(document, CompileOptions{.input_channels = 2}));
            std::string order;
            for (const std::string& id : plan->order()) order += (order.empty() ? "" : ", ") + id;
            std::cout << "order: " << order << '\n' << plan->describe() << "ok\n";
          }};
}

}  // namespace fxgraph::cli
