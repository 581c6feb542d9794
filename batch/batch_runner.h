#pragma once
// run_batch(): a work list processed by N threads, each with its own BatchWorker (its
// own graph and compiled engine), taking the next file as it finishes one.
//
// Before the workers start, temporaries left next to the outputs by a run that was
// killed outright (SIGKILL: no cleanup ran) are removed — only those named for this
// list's outputs (io/sndfile_writer.h, is_writer_temporary_name), so another batch
// writing elsewhere in the same folder is left alone. Two runs writing the same outputs
// at the same time are not supported.
//
// Each finished file is passed to `on_row` (one call at a time, in the order the files
// finish): done, skipped (with skip_existing, an output that is already there and
// complete) or failed. One file's failure does not stop the others. When the stop
// predicate says yes (Ctrl-C), the files in progress are abandoned (their temporaries
// removed), no new file starts, and the summary says stopped. An exception from on_row
// (a manifest that cannot be written) stops the batch the same way and is rethrown.

#include <cstddef>
#include <functional>
#include <vector>

#include "fxgraph/batch/batch_plan.h"
#include "fxgraph/batch/batch_worker.h"
#include "fxgraph/batch/graph_recipe.h"
#include "fxgraph/batch/manifest.h"

namespace fxgraph {

struct BatchRunOptions {
  unsigned jobs = 0;           ///< worker threads; 0: one per hardware thread
  bool skip_existing = false;  ///< leave complete outputs as they are
  BatchFileOptions file;       ///< how each file is processed (and the stop predicate)
};

struct BatchSummary {
  std::size_t done = 0;
  std::size_t skipped = 0;
  std::size_t failed = 0;
  std::size_t not_started = 0;          ///< left when the batch stopped
  std::size_t temporaries_removed = 0;  ///< left by a killed run, removed first
  bool stopped = false;
};

using RowCallback = std::function<void(const ManifestRow&)>;

/// Processes `files` as above.
BatchSummary run_batch(const GraphRecipe& recipe, const std::vector<BatchFile>& files,
                       const BatchRunOptions& options, const RowCallback& on_row);

/// Removes the SndfileWriter temporaries of `files`' outputs; returns how many.
std::size_t remove_stale_temporaries(const std::vector<BatchFile>& files);

/// The number of worker threads for `jobs` (0: hardware threads) and `files` files.
unsigned worker_count(unsigned jobs, std::size_t files);

}  // namespace fxgraph
