// `fxgraph check GRAPH.yaml [--input F] [--output F] [--threads N]`: loads and compiles a
// graph without running it, shows the plan the engine would run (and, on N threads, which
// thread runs which steps), and refuses what `run` would refuse from the graph and its
// files, with the same message. The audio files
// need not exist: a missing input is checked as a silent stereo stand-in (and named in
// a note), so a graph can be checked before its recordings are at hand.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "graph_files.h"

namespace fxgraph::cli {

namespace {

struct CheckOptions {
  std::string graph;
  std::string input;
  std::string output;
  unsigned threads = 1;
};

void run(const CheckOptions& options) {
  // Files named on the command line are the user's real files: they must be there.
  if (!options.input.empty()) check_input_file(options.input);
  if (!options.output.empty()) check_output_path(options.output);

  const auto missing = std::make_shared<std::vector<std::string>>();
  const FileOverrides overrides{.input = options.input, .output = options.output};
  GraphDocument document =
      load_graph_file(options.graph, file_registry(overrides, MissingInputs::stand_in, missing));
  // A chain file is checked as it is, or with the files it would run with.
  if (has_external_ends(document) && (!options.input.empty() || !options.output.empty()))
    attach_files(document, overrides);
  else
    check_overrides_fit(document, overrides);
  check_connected(document);
  const FileCheck files = check_graph_files(document, MissingOutputFolder::note);

  const auto plan = compile_document(
      document, compile_options_for(document, CompileOptions{.sample_rate = files.sample_rate,
                                                             .input_channels = 2,
                                                             .threads = options.threads}));
  std::string order;
  for (const std::string& id : plan->order()) order += (order.empty() ? "" : ", ") + id;
  std::cout << "order: " << order << '\n'
            << plan->describe() << plan->latency_report().describe(plan->sample_rate()) << "ok\n";
  std::cout.flush();
  for (const std::string& path : *missing)
    std::fprintf(stderr,
                 "fxgraph: note: input file '%s' does not exist; checked with a silent stereo "
                 "stand-in (give the real file with --input to check it too)\n",
                 path.c_str());
  for (const std::string& note : files.notes)
    std::fprintf(stderr, "fxgraph: note: %s\n", note.c_str());
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand(
      "check", "Load and compile a YAML graph; print its execution order and buffers");
  sub->add_option("graph", options->graph, "the graph file (.yaml)")->required();
  sub->add_option("--input", options->input,
                  "check with this file in place of the graph's single file_in node");
  sub->add_option("--output", options->output,
                  "check with this file in place of the graph's single file_out node");
  sub->add_option("--threads", options->threads,
                  "show how `run --threads N` would share the steps between N threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->footer(
      "Compiles with the graph's sample_rate (or its input files' rate) and block_size and\n"
      "a stereo external input, prints the plan, each node's latency, the compensating\n"
      "delays and the total latency, then \"ok\". A feedback loop (a cycle closed by an\n"
      "edge like `- fb -> sum:1: {feedback: 441}`, delay in frames) is listed with the\n"
      "sub-blocks it runs in: its shortest feedback delay. A mistake is reported as\n"
      "file:line:column (exit 2). Input files that do not exist are noted on stderr and\n"
      "checked as silent stereo stand-ins; those that exist are checked as `run` checks\n"
      "them (readable, whole, one sample rate). With --threads N above 1, a line per thread\n"
      "lists the steps it runs (\"a+b\": a fused chain or a loop); a graph without branches\n"
      "worth splitting at its block size lists none: it runs on one thread.\n"
      "\n"
      "Examples:\n"
      "  fxgraph check graphs/demo.yaml\n"
      "  fxgraph check graphs/crossover.yaml --input song.wav --output tilted.wav\n"
      "  fxgraph check graphs/crossover.yaml --threads 2");
  return {sub, [options] { run(*options); }};
}

}  // namespace fxgraph::cli
