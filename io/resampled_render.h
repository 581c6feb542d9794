#pragma once
// A file through an effect chain at another sample rate: `fxgraph process IN OUT
// --rate R` (and batch jobs with a rate). The chain (a graph with an external input
// and output, as StreamProcessor takes) gets a file_in that converts IN to R with
// libsoxr and a file_out for OUT, and is rendered by render_graph: the same promises
// (nothing left behind on failure, the tail played out, progress, stop), with the
// input converted on the reading side (io/stream_resampler.h).

#include <string>

#include "fxgraph/engine/graph.h"
#include "fxgraph/io/offline_render.h"

namespace fxgraph {

/// Where process_file_at_rate reads and writes.
struct RateConversionJob {
  std::string input;
  std::string output;
  std::string sample_format;  ///< as file_out's `format`; empty: the input's
  double rate = 48000.0;      ///< the rate the chain runs at and OUT is written at
  bool dither = true;         ///< TPDF dither for pcm16 output
};

/// Renders `chain` over the job's input converted to job.rate. `render` supplies the
/// block size, tail, progress and stop (its sample_rate and resample_inputs are set
/// here). Throws IoError, GraphError, ConfigError like render_graph.
RenderResult process_file_at_rate(const Graph& chain, const RateConversionJob& job,
                                  RenderOptions render = {});

}  // namespace fxgraph
