// `fxgraph process IN OUT --chain SPEC` (or `--chain-file chain.yaml`): a file through an
// effect chain, in chunks
// (StreamProcessor), so memory stays flat however long the file is.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "automate_flag.h"
#include "chain_spec.h"
#include "cli_support.h"
#include "commands.h"
#include "conversion_flags.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/resampled_render.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_processor.h"
#include "graph_files.h"
#include "interrupt_signals.h"
#include "output_channels.h"
#include "parameter_settings.h"
#include "stdio_audio.h"

namespace fxgraph::cli {

namespace {

struct ProcessOptions {
  std::string input;
  std::string output;
  std::string chain;
  std::string chain_file;
  std::string params;
  std::vector<std::string> automate;
  CLI::Option* chain_option = nullptr;
  std::uint32_t chunk_size = StreamProcessor::kDefaultChunkSize;
  std::string format;
  bool quiet = false;
  bool keep_latency = false;
  unsigned threads = 1;
  TailFlags tail;
  ConversionFlags conversion;
  RawInputFlags raw_input;
};

/// The `chain:` file's graph (its errors located in the file), checked as far as it can be
/// without the input: every node on the path from its input to its output.
GraphDocument load_chain_file(const std::string& path) {
  GraphDocument document = load_graph_file(path);
  if (!has_external_ends(document))
    throw UsageError(path +
                     " is not a chain: `process` takes a file with `chain:` (or `input:` and "
                     "`output:`) and no file or JACK nodes; run a graph with its own files "
                     "with `fxgraph run`");
  check_connected(document);
  return document;
}

/// `--rate R` at another rate than the input's: the chain rendered with the input
/// converted on the way in (io/resampled_render.h).
void process_at_rate(Graph graph, const ProcessOptions& options, double rate,
                     const TailOptions& tail, bool dither, std::vector<Automation> automation) {
  RenderOptions render{.block_size = std::min(options.chunk_size, 4096u), .tail = tail};
  render.automation = std::move(automation);
  ProgressBar bar(options.quiet);
  render.progress = bar.callback();
  const InterruptSignals signals;
  render.stop = InterruptSignals::stop_requested();
  RenderResult result;
  run_output_phase([&] {
    result = process_file_at_rate(graph,
                                  {.input = options.input,
                                   .output = options.output,
                                   .sample_format = options.format,
                                   .rate = rate,
                                   .dither = dither},
                                  render);
  });
  bar.finish();
  warn_if_clipped(result.clipping.front(), result.sample_formats.front());
  if (!options.quiet)
    std::fprintf(stderr,
                 "fxgraph: processed %llu frames (%.3f s at %g Hz, converted from the input's "
                 "rate) from '%s' to '%s'\n",
                 static_cast<unsigned long long>(result.frames), double(result.frames) / rate, rate,
                 options.input.c_str(), options.output.c_str());
}

void run(const ProcessOptions& options) {
  check_sample_format(options.format);
  if ((options.chain_option->count() > 0) == !options.chain_file.empty())
    throw UsageError("give the effects with --chain \"…\" or --chain-file FILE.yaml (one of them)");
  // The chain first: a typo in it is the cheapest mistake to report.
  std::optional<GraphDocument> document;
  if (!options.chain_file.empty()) document = load_chain_file(options.chain_file);
  Graph graph = document ? document->graph : build_chain(options.chain, builtin_registry());
  if (!options.params.empty()) apply_params_file(graph, options.params);
  // The chain file's automation, then --automate (a path given twice: the option wins).
  std::vector<Automation> automation;
  if (document) automation = document->automation;
  for (Automation& a : automate_flags(graph, options.automate)) automation.push_back(std::move(a));
  const bool dither = options.conversion.dither_choice().value_or(true);

  // `-`: standard input is read into a scratch file first, and the output is written
  // to one, sent to standard output when complete (stdio_audio.h).
  options.raw_input.check(options.input);
  std::optional<StdinAudio> stdin_audio;
  if (is_stdio(options.input)) stdin_audio.emplace(options.raw_input);
  const std::string input = stdin_audio ? stdin_audio->path() : options.input;
  check_input_file(input);
  if (!is_stdio(options.output)) check_output_path(options.output, options.format);
  std::optional<StdoutAudio> stdout_audio;
  if (is_stdio(options.output)) stdout_audio.emplace(options.format);
  const std::string output = stdout_audio ? stdout_audio->path() : options.output;
  try {
    check_output_differs(input, output);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  const SndfileReader probe(input);
  const double rate = options.conversion.rate.value_or(probe.sample_rate());
  // A chain file's compile errors (channel mismatches, a cutoff above Nyquist) point
  // into the file.
  if (document)
    check_compiles(*document, compile_options_for(*document, {.sample_rate = rate,
                                                              .max_block = options.chunk_size,
                                                              .input_channels = probe.channels()}));

  if (options.conversion.channels)
    graph = with_output_channels(graph, *options.conversion.channels);
  const TailOptions tail = options.tail.options();
  if (rate != probe.sample_rate()) {
    process_at_rate(std::move(graph), options, rate, tail, dither, std::move(automation));
    return;
  }
  StreamProcessor processor(std::move(graph), options.chunk_size);
  processor.set_tail(tail);
  processor.set_keep_latency(options.keep_latency);
  processor.set_threads(options.threads);
  processor.set_automation(std::move(automation));
  ProgressBar bar(options.quiet, double(probe.frames()) / rate);
  processor.set_progress(bar.callback());
  const InterruptSignals signals;  // Ctrl-C stops the render and removes the temporary
  processor.set_stop(InterruptSignals::stop_requested());
  ProcessResult result;
  run_output_phase([&] {
    result = processor.process_file(
        input, output, OutputOptions{.sample_format = options.format, .dither = dither});
    if (stdout_audio) stdout_audio->send();
  });
  bar.finish();
  warn_if_clipped(result.clipping, result.sample_format);

  if (!options.quiet)
    std::fprintf(stderr, "fxgraph: processed %llu frames (%.3f s at %g Hz) from %s to %s\n",
                 static_cast<unsigned long long>(result.frames), double(result.frames) / rate, rate,
                 display_path(options.input, false).c_str(),
                 display_path(options.output, true).c_str());
}

}  // namespace

Command add_process_command(CLI::App& app) {
  auto options = std::make_shared<ProcessOptions>();
  CLI::App* sub =
      app.add_subcommand("process", "Run an audio file through an effect chain, chunk by chunk");
  sub->add_option("input", options->input, "the audio file to read ('-': standard input)")
      ->required();
  sub->add_option("output", options->output,
                  "the audio file to write (.wav, .flac, …; '-': standard output, as WAV)")
      ->required();
  options->chain_option = sub->add_option(
      "-c,--chain", options->chain, "the effect chain, e.g. \"gain(0.5) | gain(gain_db=-3)\"");
  sub->add_option("--params", options->params,
                  "set parameters from a YAML map of node.param: value (a chain's nodes "
                  "are 0, 1, …)")
      ->type_name("FILE.yaml");
  sub->add_option("--automate", options->automate, kAutomateHelp)
      ->type_name("PATH=T:V,T:V[,CURVE]")
      ->allow_extra_args(false);
  sub->add_option("--chain-file", options->chain_file,
                  "the effect chain as a YAML file with `chain:` (see graphs/chain_example.yaml)");
  sub->add_option("--chunk-size", options->chunk_size,
                  "frames read and written at a time (the output does not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 24));
  sub->add_option("--format", options->format,
                  "sample format of OUT: pcm16, pcm24, pcm32, float, double, vorbis "
                  "(default: the input's when OUT can store it, else pcm24)");
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
      "The chain is nodes separated by '|', each TYPE or TYPE(args): positional values\n"
      "fill the type's parameters in order (see `fxgraph nodes TYPE`), name=value sets\n"
      "one by name, words name choices, \"quoted text\" passes text. The output format\n"
      "follows OUT's extension; OUT is written to a temporary file, renamed when complete.\n"
      "After the input ends the effects' tail (reverb, echoes, filter ring-out) is played\n"
      "out until it falls below -120 dBFS; --tail caps it, --no-tail keeps IN's length.\n"
      "IN and OUT may be '-': standard input (any format libsndfile reads, or bare samples\n"
      "with --type raw --encoding f32 --input-rate 48000 --input-channels 2) and standard output "
      "(WAV);\n"
      "then nothing but the audio goes to standard output.\n"
      "The effects' latency (lookahead, linear-phase filters) is trimmed from the start,\n"
      "so OUT lines up with IN sample for sample; --keep-latency keeps it.\n"
      "\n"
      "Examples:\n"
      "  fxgraph process in.wav out.wav --chain \"gain(0.5)\"\n"
      "  fxgraph process in.wav out.flac --chain \"gain(gain_db=-3) | gain(2, clamp=1)\" "
      "--format pcm16\n"
      "  fxgraph process voice.wav clean.wav --chain \"highpass(80) | lowpass(8000, order=2)\"\n"
      "  fxgraph process in.wav out.wav --chain-file graphs/chain_example.yaml\n"
      "  fxgraph process in.wav out.wav --chain \"lowpass(200)\" --automate "
      "\"0.cutoff=0:200,4:8000,exp\"\n"
      "  sox in.flac -t wav - | fxgraph process - - --chain \"gain(0.5)\" | aplay");
  return {sub, [options] { run(*options); }};
}

}  // namespace fxgraph::cli
