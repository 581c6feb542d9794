// `fxgraph run GRAPH.yaml`: renders a YAML graph whose edges are files (file_in,
// file_out) or generators, offline, as fast as the machine goes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "automate_flag.h"
#include "cli_support.h"
#include "commands.h"
#include "conversion_flags.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/file_nodes.h"
#include "fxgraph/io/offline_render.h"
#include "fxgraph/io/sndfile_writer.h"
#include "graph_files.h"
#include "interrupt_signals.h"
#include "output_channels.h"
#include "parameter_settings.h"
#include "stdio_audio.h"

namespace fxgraph::cli {

namespace {

/// Seconds rendered when the graph has no file_in and no --duration is given.
constexpr double kDefaultGeneratorSeconds = 5.0;

struct RunOptions {
  std::string graph;
  std::vector<std::string> sets;
  std::vector<std::string> automate;
  std::string params;
  std::string input;
  std::string output;
  std::string format;
  double duration = 0.0;
  std::uint32_t block = 0;
  bool quiet = false;
  bool keep_latency = false;
  unsigned threads = 1;
  TailFlags tail;
  ConversionFlags conversion;
  RawInputFlags raw_input;
  CLI::Option* duration_option = nullptr;
  CLI::Option* block_option = nullptr;
};

void run(const RunOptions& options) {
  check_sample_format(options.format);
  if (options.duration_option->count() &&
      !(std::isfinite(options.duration) && options.duration > 0.0))
    throw UsageError("--duration must be a positive number of seconds, not " +
                     format_number(options.duration));
  // `-`: standard input is read into a scratch file first, and the output is written
  // to one, sent to standard output when complete (stdio_audio.h).
  options.raw_input.check(options.input);
  std::optional<StdinAudio> stdin_audio;
  if (is_stdio(options.input)) stdin_audio.emplace(options.raw_input);
  const std::string input = stdin_audio ? stdin_audio->path() : options.input;
  if (!input.empty()) check_input_file(input);
  if (!options.output.empty() && !is_stdio(options.output))
    check_output_path(options.output, options.format);
  std::optional<StdoutAudio> stdout_audio;
  if (is_stdio(options.output)) stdout_audio.emplace(options.format);
  const std::string output = stdout_audio ? stdout_audio->path() : options.output;

  const FileOverrides overrides{.input = input,
                                .output = output,
                                .format = options.format,
                                .dither = options.conversion.dither_choice()};
  const NodeRegistry registry = file_registry(overrides, MissingInputs::refuse);
  GraphDocument document = load_graph_file(options.graph, registry);
  Graph& graph = document.graph;
  if (has_external_ends(document))
    attach_files(document, overrides);
  else
    check_overrides_fit(document, {.input = input, .output = output});
  const auto inputs = nodes_of<FileInNode>(graph);
  const auto outputs = nodes_of<FileOutNode>(graph);
  if (outputs.empty())
    throw UsageError(options.graph +
                     " has no file_out node, so nothing would be written; add one "
                     "(`fxgraph nodes file_out`)");
  check_connected(document);

  // The file first, so a --set on the same command line wins.
  if (!options.params.empty()) apply_params_file(graph, options.params);
  for (const std::string& assignment : options.sets) apply_set(graph, assignment);
  // The file's automation, then --automate (a path given twice: the option wins).
  std::vector<Automation> automation = document.automation;
  for (Automation& a : automate_flags(graph, options.automate)) automation.push_back(std::move(a));

  if (options.conversion.channels) downmix_file_outputs(graph, *options.conversion.channels);

  // The files are checked before anything is written (`check` runs the same checks).
  const FileCheck files =
      check_graph_files(document, MissingOutputFolder::error, options.conversion.rate);
  const double rate = files.sample_rate;
  if (!options.quiet)
    for (const std::string& note : files.notes)
      std::fprintf(stderr, "fxgraph: note: %s\n", note.c_str());

  RenderOptions render{.sample_rate = rate, .resample_inputs = options.conversion.rate.has_value()};
  render.tail = options.tail.options();
  render.keep_latency = options.keep_latency;
  render.threads = options.threads;
  render.automation = std::move(automation);
  render.block_size = options.block_option->count() ? options.block
                      : document.block_size         ? *document.block_size
                                                    : render.block_size;
  render.duration_seconds = options.duration_option->count() ? options.duration
                            : inputs.empty()                 ? kDefaultGeneratorSeconds
                                                             : 0.0;
  // Compile once with the file's locations at hand, so a cycle or a channel mismatch
  // is reported as file:line:col rather than by the renderer.
  check_compiles(
      document,
      CompileOptions{.sample_rate = rate, .max_block = render.block_size, .input_channels = 1});

  ProgressBar bar(options.quiet);
  render.progress = bar.callback();
  const InterruptSignals signals;  // Ctrl-C stops the render and removes the temporaries
  render.stop = InterruptSignals::stop_requested();
  RenderResult result;
  run_output_phase([&] {
    result = render_graph(graph, render);
    if (stdout_audio) stdout_audio->send();
  });
  bar.finish();
  for (std::size_t i = 0; i < result.outputs.size(); ++i)
    warn_if_clipped(result.clipping[i], result.sample_formats[i],
                    result.outputs.size() > 1 ? result.outputs[i] : "");

  if (!options.quiet) {
    std::vector<std::string> paths;
    for (const auto& path : result.outputs)
      paths.push_back(stdout_audio && path == stdout_audio->path() ? "standard output"
                                                                   : "'" + path + "'");
    std::fprintf(stderr, "fxgraph: rendered %llu frames (%.3f s at %s Hz) to %s\n",
                 static_cast<unsigned long long>(result.frames),
                 double(result.frames) / result.sample_rate,
                 format_number(result.sample_rate).c_str(), join_names(paths).c_str());
  }
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "run", "Render a YAML graph offline (file_in nodes read, file_out nodes written)");
  sub->add_option("graph", options->graph, "the graph file (.yaml)")->required();
  sub->add_option("--set", options->sets,
                  "set a parameter before rendering, node.param=value (repeatable)")
      ->type_name("NODE.PARAM=VALUE")
      ->allow_extra_args(false);
  sub->add_option("--params", options->params,
                  "set parameters from a YAML map of node.param: value (--set wins)")
      ->type_name("FILE.yaml");
  sub->add_option("--automate", options->automate, kAutomateHelp)
      ->type_name("PATH=T:V,T:V[,CURVE]")
      ->allow_extra_args(false);
  sub->add_option("--input", options->input,
                  "read this file instead of the path of the graph's single file_in node "
                  "('-': standard input)");
  sub->add_option("--output", options->output,
                  "write this file instead of the path of the graph's single file_out node "
                  "('-': standard output, as WAV)");
  options->duration_option = sub->add_option(
      "--duration", options->duration,
      "seconds to render (default: until the inputs end; 5 s for graphs without file_in)");
  options->block_option =
      sub->add_option("--block", options->block,
                      "frames per processing block (default: the graph's block_size, else 4096)")
          ->check(CLI::Range(1u, 1u << 20));
  sub->add_option("--format", options->format,
                  "sample format of the outputs: pcm16, pcm24, pcm32, float, double, vorbis "
                  "(default: the input's, else pcm24)");
  options->conversion.add_to(*sub);
  options->tail.add_to(*sub);
  options->raw_input.add_to(*sub);
  sub->add_option("--threads", options->threads,
                  "threads that run the graph's parallel branches (same output for any count)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_flag("--keep-latency", options->keep_latency,
                "keep the effects' latency (lookahead, linear-phase filters) at the start of "
                "the output instead of trimming it");
  sub->add_flag("-q,--quiet", options->quiet, "no progress bar and no summary");
  sub->footer(
      "The sample rate is --rate R (inputs converted), else the input files', else the\n"
      "graph's sample_rate, else 48000 Hz; `resample: true` on a file_in converts that file.\n"
      "Without --duration, a graph with file_in stops when its longest input\n"
      "ends, then plays out the effects' tail (reverb, echoes) until it falls below\n"
      "-120 dBFS (--tail caps it, --no-tail stops with the inputs); a graph without\n"
      "file_in (generators only) renders 5 seconds. Effects that delay the signal\n"
      "(lookahead, linear-phase filters; `fxgraph check` lists them) are compensated and\n"
      "their latency trimmed from the start, so outputs line up with the inputs\n"
      "(--keep-latency keeps it).\n"
      "\n"
      "Examples:\n"
      "  fxgraph run graphs/demo.yaml --output out/demo.wav\n"
      "  fxgraph run guitar.yaml --input dry.wav --output wet.wav --set drive.gain_db=-6\n"
      "  fxgraph run tone.yaml --duration 2.5 --format float\n"
      "  fxgraph run synth.yaml --automate \"lp.cutoff=0:200,4:8000,exp\"");
  return {sub, [options] { run(*options); }};
}

}  // namespace fxgraph::cli
