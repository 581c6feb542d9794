#include "fxgraph/batch/batch_worker.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <new>
#include <system_error>
#include <utility>

#include "fxgraph/batch/freed_memory_reuse.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/truncation_check.h"

namespace fxgraph {

namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void create_output_folder(const std::string& output) {
  const fs::path folder = fs::path(output).parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw IoError("cannot create folder '" + folder.string() + "': " + ec.message());
}

/// Fills the row's frames, rate and channels from the file's header.
void describe(ManifestRow& row, const SndfileReader& file) {
  row.frames = file.frames();
  row.sample_rate = file.sample_rate();
  row.channels = file.channels();
}

}  // namespace

BatchWorker::BatchWorker(const GraphRecipe& recipe, BatchFileOptions options)
    : options_(std::move(options)), graph_(recipe.build()) {
  keep_freed_memory_for_reuse();  // file after file, the same pages (see its header)
  (void)StreamProcessor(graph_, options_.chunk_size);  // the graph and chunk size are fit
}

StreamProcessor BatchWorker::processor_for(std::uint64_t frames) {
  const std::uint64_t fitted = std::max<std::uint64_t>(frames, kMinChunk);
  // A copy of the graph shares its nodes: one file at a time, each from fresh state.
  StreamProcessor processor(graph_,
                            std::uint32_t(std::min<std::uint64_t>(options_.chunk_size, fitted)));
  processor.set_tail(options_.tail);
  processor.set_stop(options_.stop);
  processor.set_automation(options_.automation);
  processor.set_threads(options_.threads);
  processor.set_output_tap([this](const ConstAudioView& chunk) { levels_.add(chunk); });
  return processor;
}

ManifestRow BatchWorker::process(const std::string& input, const std::string& output) {
  const auto start = std::chrono::steady_clock::now();
  ManifestRow row{.input = input, .output = output};
  try {
    throw_if_stop_requested(options_.stop);
    if (const auto problem = truncation_problem(input))
      throw IoError("input file '" + input + "' is damaged: " + *problem);
    create_output_folder(output);
    levels_.clear();
    const std::uint64_t frames = SndfileReader(input).frames();
    processor_for(frames).process_file(input, output,
                                       OutputOptions{.sample_format = options_.sample_format});
    describe(row, SndfileReader(output));
    row.peak = levels_.peak();
    row.rms = levels_.rms();
    row.status = FileStatus::done;
  } catch (const Stopped&) {
    throw;
  } catch (const std::bad_alloc&) {
    row.error = "out of memory";
  } catch (const std::exception& e) {
    row.error = e.what();
  }
  row.seconds = seconds_since(start);
  return row;
}

ManifestRow process_one_file(const GraphRecipe& recipe, const std::string& input,
                             const std::string& output, const BatchFileOptions& options) {
  BatchWorker worker(recipe, options);
  return worker.process(input, output);
}

std::optional<ManifestRow> existing_output_row(const std::string& input,
                                               const std::string& output) {
  std::error_code ec;
  if (!fs::is_regular_file(output, ec)) return std::nullopt;
  try {
    if (truncation_problem(output)) return std::nullopt;
    ManifestRow row{.input = input, .output = output, .status = FileStatus::skipped};
    describe(row, SndfileReader(output));
    return row;
  } catch (const IoError&) {
    return std::nullopt;
  }
}

}  // namespace fxgraph
