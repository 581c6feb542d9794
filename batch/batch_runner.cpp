#include "fxgraph/batch/batch_runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stop_request.h"

namespace fxgraph {

namespace fs = std::filesystem;

std::size_t remove_stale_temporaries(const std::vector<BatchFile>& files) {
  std::map<fs::path, std::set<std::string>> names_by_folder;
  for (const BatchFile& file : files) {
    const fs::path output(file.output);
    names_by_folder[output.parent_path()].insert(output.filename().string());
  }
  std::size_t removed = 0;
  for (const auto& [folder, names] : names_by_folder) {
    std::error_code ec;
    const fs::path where = folder.empty() ? fs::path(".") : folder;
    for (fs::directory_iterator it(where, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      // `.<output>.fxgraph-tmp-XXXXXX`: the output's name sits between the dot and the infix.
      const std::size_t infix = name.rfind(".fxgraph-tmp-");
      if (infix == std::string::npos || infix < 1) continue;
      const std::string target = name.substr(1, infix - 1);
      if (names.count(target) && is_writer_temporary_name(name, target) &&
          fs::remove(it->path(), ec))
        ++removed;
    }
  }
  return removed;
}

unsigned worker_count(unsigned jobs, std::size_t files) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  return unsigned(std::max<std::size_t>(1, std::min<std::size_t>(jobs, files)));
}

namespace {

/// The state the workers share: the next file, the stop flag, the first error.
class SharedRun {
 public:
  SharedRun(const std::vector<BatchFile>& files, const RowCallback& on_row)
      : files_(files), on_row_(on_row) {}

  /// The next file to process, or nullptr when there is none or the batch stops.
  const BatchFile* next() {
    if (aborted_.load()) return nullptr;
    const std::size_t i = next_.fetch_add(1);
    if (i >= files_.size()) return nullptr;
    return &files_[i];
  }

  void finished(const ManifestRow& row) {
    const std::lock_guard lock(mutex_);
    if (error_) return;
    switch (row.status) {
      case FileStatus::done:
        ++summary_.done;
        break;
      case FileStatus::skipped:
        ++summary_.skipped;
        break;
      case FileStatus::failed:
        ++summary_.failed;
        break;
    }
    try {
      if (on_row_) on_row_(row);
    } catch (...) {
      error_ = std::current_exception();
      aborted_.store(true);
    }
  }

  /// A worker that stopped (Stopped) or could not start (its graph failed to build).
  void stop(std::exception_ptr error = nullptr) {
    const std::lock_guard lock(mutex_);
    if (error && !error_) error_ = error;
    summary_.stopped = true;
    aborted_.store(true);
  }

  bool aborted() const noexcept { return aborted_.load(std::memory_order_relaxed); }

  BatchSummary summary() {
    if (error_) std::rethrow_exception(error_);
    const std::size_t accounted = summary_.done + summary_.skipped + summary_.failed;
    summary_.not_started = files_.size() - accounted;
    if (summary_.not_started > 0) summary_.stopped = true;
    return summary_;
  }

 private:
  const std::vector<BatchFile>& files_;
  const RowCallback& on_row_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> aborted_{false};
  std::mutex mutex_;
  BatchSummary summary_;
  std::exception_ptr error_;
};

void work(SharedRun& run, const GraphRecipe& recipe, const BatchRunOptions& options) {
  try {
    BatchFileOptions file_options = options.file;
    file_options.stop = [&run, user_stop = options.file.stop] {
      return run.aborted() || (user_stop && user_stop());
    };
    BatchWorker worker(recipe, file_options);
    while (const BatchFile* file = run.next()) {
      if (options.skip_existing)
        if (auto row = existing_output_row(file->input, file->output)) {
          run.finished(*row);
          continue;
        }
      run.finished(worker.process(file->input, file->output));
    }
  } catch (const Stopped&) {
    run.stop();
  } catch (...) {
    run.stop(std::current_exception());
  }
}

}  // namespace

BatchSummary run_batch(const GraphRecipe& recipe, const std::vector<BatchFile>& files,
                       const BatchRunOptions& options, const RowCallback& on_row) {
  const std::size_t removed = remove_stale_temporaries(files);
  SharedRun run(files, on_row);
  const unsigned workers = worker_count(options.jobs, files.size());
  {
    std::vector<std::jthread> threads;
    threads.reserve(workers);
    for (unsigned i = 0; i < workers; ++i)
      threads.emplace_back([&] { work(run, recipe, options); });
  }
  BatchSummary summary = run.summary();
  summary.temporaries_removed = removed;
  return summary;
}

}  // namespace fxgraph
