#pragma once
// BatchWorker and process_one_file(): the work of a batch for one file, the piece that
// `fxgraph batch` runs on each of its threads and that the Python package can call
// (with the GIL released) from Dask workers.
//
//   BatchWorker worker(GraphRecipe::from_yaml_text(yaml), {});
//   ManifestRow row = worker.process("data/a.wav", "out/a.wav");   // never throws for a
//                                                                  // bad file: row.status
//
// Promises
//   - The output is what `fxgraph process IN OUT` makes of the same file with the same
//     graph and options, bit for bit: the same StreamProcessor, chunk size, tail and
//     format rules (a damaged — truncated — input is refused as `process` refuses it).
//   - Outputs are atomic: written to a temporary next to the output and renamed when
//     complete (io/sndfile_writer.h); a failure leaves no file behind and an older
//     output untouched. The output's folder is created when missing.
//   - A file's failure (unreadable, not audio, truncated, a graph that cannot run at its
//     rate or channel count, a full disk) is a row with status failed and the reason;
//     process() throws only Stopped, when options.stop says so (nothing left behind).
//   - A worker builds its graph once and starts every file from fresh node state; use
//     one worker per thread (it is not thread-safe), as many as there are threads.

#include <cstdint>
#include <optional>
#include <string>

#include "fxgraph/batch/graph_recipe.h"
#include "fxgraph/batch/manifest.h"
#include "fxgraph/batch/output_levels.h"
#include "fxgraph/io/stop_request.h"
#include "fxgraph/io/stream_processor.h"
#include "fxgraph/io/tail_render.h"

namespace fxgraph {

/// How each file of a batch is processed; the defaults are `fxgraph process`'s.
struct BatchFileOptions {
  /// Sample format of the outputs ("pcm16", "float", …); empty: the input's when the
  /// output's container can store it, else pcm24 (io/file_format.h).
  std::string sample_format;
  std::uint32_t chunk_size = StreamProcessor::kDefaultChunkSize;
  /// The graph's tail (reverb decay, filter ring-out) is played out after the input.
  TailOptions tail{.enabled = true};
  /// Polled between chunks; when it says yes, process() throws Stopped.
  StopRequested stop;
  /// Parameters moved over time in every file (StreamProcessor::set_automation).
  std::vector<Automation> automation;
  /// Threads of each file's engine (EngineConfig::threads): its parallel branches run on
  /// them; the output is the same for any count.
  unsigned threads = 1;
};

class BatchWorker {
 public:
  /// The smallest chunk a short file is read in (the engine's largest block).
  static constexpr std::uint32_t kMinChunk = 4096;

  /// Builds the worker's own graph. Throws what the recipe's build throws.
  BatchWorker(const GraphRecipe& recipe, BatchFileOptions options);

  /// Processes `input` into `output`; the row says how it went (see above).
  ManifestRow process(const std::string& input, const std::string& output);

 private:
  /// The processor for a file of `frames` frames (see the chunk rule above).
  StreamProcessor processor_for(std::uint64_t frames);

  BatchFileOptions options_;
  Graph graph_;
  OutputLevels levels_;
};

/// One file with a worker of its own (the graph is built for this call).
ManifestRow process_one_file(const GraphRecipe& recipe, const std::string& input,
                             const std::string& output, const BatchFileOptions& options = {});

/// The row for an output that is already there, complete (--skip-existing): its frames,
/// rate and channels from its header, status skipped. nullopt when `output` is not a
/// complete audio file (missing, not audio, truncated): it is then to be processed.
std::optional<ManifestRow> existing_output_row(const std::string& input, const std::string& output);

}  // namespace fxgraph
