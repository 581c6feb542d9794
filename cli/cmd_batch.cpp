// `fxgraph batch (GRAPH.yaml | --chain SPEC) INPUTS... --out-dir DIR`: many files through
// one graph, on every core. The work itself is the batch library's (batch/): input
// expansion, output paths, shards, one BatchWorker per thread; this file is the command
// line around it — options, the checks made before any file is written, the progress
// line, the per-file messages, the summary and the exit status.
//
// Exit status: 0 when every file was done or skipped; 1 when any failed (each reported
// with its reason, the rest still processed); 2 for bad usage, found before any work (a
// bad graph or option, an input path that does not exist, two inputs mapping to one
// output); 128 + N when stopped by signal N (the files in progress leave nothing behind).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "automate_flag.h"
#include "batch_progress.h"
#include "chain_spec.h"
#include "cli_support.h"
#include "commands.h"
#include "fxgraph/batch/batch_inputs.h"
#include "fxgraph/batch/batch_plan.h"
#include "fxgraph/batch/batch_runner.h"
#include "fxgraph/batch/graph_recipe.h"
#include "fxgraph/batch/manifest.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "interrupt_signals.h"

namespace fxgraph::cli {

namespace {

namespace fs = std::filesystem;

struct BatchCommandOptions {
  std::vector<std::string> arguments;  // [GRAPH.yaml] INPUTS...
  std::string chain;
  CLI::Option* chain_option = nullptr;
  std::string out_dir;
  unsigned jobs = 0;
  unsigned threads = 1;
  std::string shard;
  bool skip_existing = false;
  std::string manifest;
  std::string format;
  std::string subtype;
  std::string suffix;
  std::uint32_t chunk_size = StreamProcessor::kDefaultChunkSize;
  bool quiet = false;
  TailFlags tail;
  std::vector<std::string> automate;
};

/// The graph to run and the automation every file gets.
struct BatchGraph {
  GraphRecipe recipe;
  std::vector<Automation> automation;  ///< the file's `automation:`, then --automate
};

/// The graph and the inputs: with --chain every argument is an input, else the first is
/// the graph file. The automation is the graph file's, then --automate's (a path given
/// twice: the option wins, as in `run` and `process`).
BatchGraph make_graph(BatchCommandOptions& options) {
  BatchGraph graph;
  if (options.chain_option->count() > 0) {
    const std::string spec = options.chain;
    graph.recipe = GraphRecipe::from_function(
        "--chain", [spec] { return build_chain(spec, builtin_registry()); });
  } else {
    if (options.arguments.size() < 2)
      throw UsageError("give the graph (GRAPH.yaml, or --chain \"…\") and at least one input");
    const std::string graph_file = options.arguments.front();
    options.arguments.erase(options.arguments.begin());
    graph.recipe = GraphRecipe::from_yaml_file(graph_file);  // checks the file first
    graph.automation = load_graph_file(graph_file).automation;
  }
  for (Automation& a : automate_flags(graph.recipe.build(), options.automate))
    graph.automation.push_back(std::move(a));
  return graph;
}

std::optional<ContainerFormat> parse_container_option(const std::string& format) {
  if (format.empty()) return std::nullopt;
  try {
    return parse_container_format(format);
  } catch (const IoError& e) {
    std::string hint;
    try {
      (void)parse_sample_format(format);
      hint = " (the sample format is --subtype " + format + ")";
    } catch (const IoError&) {
    }
    throw UsageError(std::string("--format: ") + e.what() + hint);
  }
}

/// Every output's format is checked before any work: a --subtype its container cannot
/// store (float in FLAC) is bad usage, not a failure per file.
void check_output_formats(const std::vector<BatchFile>& files, const std::string& subtype) {
  if (!subtype.empty()) {
    try {
      (void)parse_sample_format(subtype);
    } catch (const IoError& e) {
      throw UsageError(std::string("--subtype: ") + e.what());
    }
  }
  for (const BatchFile& file : files) {
    try {
      (void)make_file_format(file.output, subtype);
    } catch (const IoError& e) {
      throw UsageError(e.what());
    }
  }
}

/// "1 file", "2 files".
std::string files_text(std::size_t count, const std::string& what = "file") {
  return std::to_string(count) + " " + what + (count == 1 ? "" : "s");
}

void create_out_dir(const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir, ec))
    throw UsageError("cannot create the output folder '" + out_dir + "'" +
                     (ec ? ": " + ec.message() : std::string(": a file of that name exists")));
}

void print_summary(const BatchSummary& summary, std::size_t total, std::size_t ignored,
                   const BatchProgress& progress) {
  const double seconds = progress.elapsed();
  std::fprintf(stderr, "fxgraph: batch: %zu done, %zu skipped, %zu failed of %s in %.2f s",
               summary.done, summary.skipped, summary.failed, files_text(total).c_str(), seconds);
  if (progress.audio_seconds() > 0.0 && seconds > 0.0)
    std::fprintf(stderr, " (%.1fx realtime)", progress.audio_seconds() / seconds);
  std::fputs("\n", stderr);
  if (ignored > 0)
    std::fprintf(stderr,
                 "fxgraph: batch: ignored %s in the input folders that are not audio files "
                 "(by extension)\n",
                 files_text(ignored).c_str());
}

void run(BatchCommandOptions& options) {
  BatchGraph graph = make_graph(options);
  const GraphRecipe& recipe = graph.recipe;
  const TailOptions tail = options.tail.options();
  const OutputNaming naming{.out_dir = options.out_dir,
                            .container = parse_container_option(options.format),
                            .suffix = options.suffix};
  std::optional<Shard> shard;
  if (!options.shard.empty()) shard = parse_shard(options.shard);
  if (options.suffix.find('/') != std::string::npos)
    throw UsageError("--suffix is added to file names and cannot hold '/'");

  const ExpandedInputs expanded =
      expand_inputs(options.arguments, {.skip_folder = options.out_dir});
  if (expanded.inputs.empty())
    throw UsageError("no audio files in the inputs (folders are searched for the extensions " +
                     std::string("libsndfile reads; see `fxgraph batch --help`)"));
  std::vector<BatchFile> files = plan_outputs(expanded.inputs, naming);
  if (shard) files = select_shard(files, *shard);
  check_output_formats(files, options.subtype);
  create_out_dir(options.out_dir);
  std::optional<ManifestWriter> manifest;
  if (!options.manifest.empty()) manifest.emplace(options.manifest);

  const InterruptSignals signals;  // Ctrl-C: the files in progress are abandoned cleanly
  BatchProgress progress(options.quiet, files.size());
  const BatchRunOptions run_options{.jobs = options.jobs,
                                    .skip_existing = options.skip_existing,
                                    .file = {.sample_format = options.subtype,
                                             .chunk_size = options.chunk_size,
                                             .tail = tail,
                                             .stop = InterruptSignals::stop_requested(),
                                             .automation = std::move(graph.automation),
                                             .threads = options.threads}};
  BatchSummary summary;
  run_output_phase([&] {
    summary = run_batch(recipe, files, run_options, [&](const ManifestRow& row) {
      if (row.status == FileStatus::failed)
        progress.message("fxgraph: failed: " + row.input + ": " + row.error);
      if (manifest) manifest->write(row);
      progress.finished(row);
    });
  });
  progress.finish();
  if (summary.temporaries_removed > 0 && !options.quiet)
    std::fprintf(stderr, "fxgraph: batch: removed %s left by an interrupted run\n",
                 files_text(summary.temporaries_removed, "temporary file").c_str());
  if (summary.stopped)
    throw RuntimeFailure("the batch stopped with " + files_text(summary.not_started) +
                         " not processed");
  if (!options.quiet) print_summary(summary, files.size(), expanded.ignored, progress);
  if (summary.failed > 0)
    throw RuntimeFailure(std::to_string(summary.failed) + " of " + files_text(files.size()) +
                         " failed (see the messages above)");
}

}  // namespace

Command add_batch_command(CLI::App& app) {
  auto options = std::make_shared<BatchCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "batch", "Run many audio files through one graph, on every core, into an output folder");
  sub->add_option("arguments", options->arguments,
                  "GRAPH.yaml (unless --chain is given), then the inputs: files, folders "
                  "(searched recursively for audio files), quoted globs, @LIST.txt")
      ->required();
  options->chain_option =
      sub->add_option("-c,--chain", options->chain,
                      "the effect chain instead of a graph file, e.g. \"highpass(80) | gain(2)\"");
  sub->add_option("-o,--out-dir", options->out_dir,
                  "the output folder (created when missing); outputs mirror the inputs' paths")
      ->required();
  sub->add_option("-j,--jobs", options->jobs,
                  "files processed at once, each by its own engine (default: one per core)")
      ->check(CLI::Range(1u, 4096u));
  sub->add_option("--threads", options->threads,
                  "threads per file's engine for the graph's parallel branches (same output for "
                  "any count); --jobs x --threads threads run at once, so on a machine busy "
                  "with many files keep it at 1 and let --jobs use the cores")
      ->check(CLI::Range(1u, 256u));
  sub->add_option("--shard", options->shard,
                  "process only shard K of N (e.g. 2/8), for several machines or Slurm "
                  "array jobs; the N shards partition the inputs exactly")
      ->type_name("K/N");
  sub->add_flag("--skip-existing", options->skip_existing,
                "leave outputs that are already there and complete (resume a batch)");
  sub->add_option("--manifest", options->manifest,
                  "append one JSON line per file (input, output, frames, sample_rate, "
                  "channels, peak, rms, seconds, status, error)")
      ->type_name("FILE.jsonl");
  sub->add_option("--format", options->format,
                  "container of the outputs: wav, flac, ogg, aiff, au, caf, w64, rf64 (default: "
                  "the input's, else wav); sets the extension");
  sub->add_option("--subtype", options->subtype,
                  "sample format of the outputs: pcm16, pcm24, pcm32, float, double, vorbis "
                  "(default: the input's when the container can store it, else pcm24)");
  sub->add_option("--suffix", options->suffix,
                  "text added to each output name before its extension (x.wav -> x_hp.wav)");
  sub->add_option("--automate", options->automate, kAutomateHelp)
      ->type_name("PATH=T:V,T:V[,CURVE]")
      ->allow_extra_args(false);
  sub->add_option("--chunk-size", options->chunk_size,
                  "frames read and written at a time (the output does not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 24));
  options->tail.add_to(*sub);
  sub->add_flag("-q,--quiet", options->quiet,
                "no progress line and no summary (failures are still reported)");
  sub->footer(
      "Each output is what `fxgraph process IN OUT` makes of its input, written to a\n"
      "temporary file and renamed when complete. Folders are searched recursively for\n"
      "audio files, told by extension (libsndfile's formats: wav, flac, ogg, aiff, …);\n"
      "hidden files and the output folder are skipped. One file's failure does not stop\n"
      "the batch: it is reported, counted, and the exit status is 1. Inputs are sorted by\n"
      "their path below the input folder; --shard K/N takes every N-th from the K-th.\n"
      "\n"
      "Examples:\n"
      "  fxgraph batch graphs/chain_example.yaml data/ --out-dir out/\n"
      "  fxgraph batch --chain \"highpass(80) | lowpass(8000) | gain(1.5)\" data/ -o out/ "
      "--jobs 4\n"
      "  fxgraph batch clean.yaml @files.txt -o out/ --format flac --subtype pcm16 "
      "--manifest out/manifest.jsonl\n"
      "  fxgraph batch clean.yaml 'data/*/*.wav' -o out/ --shard $SLURM_ARRAY_TASK_ID/16 "
      "--skip-existing");
  return {sub, [options] { run(*options); }};
}

}  // namespace fxgraph::cli
