#pragma once
// Offline rendering of a graph whose edges are files: every file_in is read block by
// block, every file_out written, until the inputs end (or for a set duration when the
// graph only generates sound).
//
// Nothing lost: outputs go to temporary files committed only when the whole render
// succeeded; an output path naming any input file is refused before anything is read.
//
// Multi-pass nodes (normalize): every measuring pass runs the whole graph over the
// inputs. Unlike StreamProcessor::process_file, no scratch file keeps the signal that
// reaches the node, so the DSP upstream of it runs once per pass (engine/multipass.h).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/io/clip_count.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/stop_request.h"
#include "fxgraph/io/tail_render.h"

namespace fxgraph {

struct RenderOptions {
  /// Rate for graphs without file inputs (file inputs set it; two different → error),
  /// or, with resample_inputs, the rate every input is converted to.
  std::optional<double> sample_rate;
  /// Convert every file input to sample_rate (libsoxr; `--rate R` on run and process).
  bool resample_inputs = false;
  /// Frames per engine block.
  std::uint32_t block_size = 4096;
  /// EngineConfig::threads: branches of the graph run on this many threads.
  unsigned threads = 1;
  /// Seconds to render; 0 means "until the longest input ends" (required without inputs).
  double duration_seconds = 0.0;
  /// Called now and then with the fraction done (0 … 1), for progress bars.
  std::function<void(double)> progress;
  /// Whether to play the graph's tail out after the file inputs end (io/tail_render.h);
  /// only for renders that stop with their inputs (duration_seconds 0).
  TailOptions tail;
  /// Whether to keep the graph's latency (Engine::latency) at the start of the outputs.
  /// By default the render runs that many frames longer and drops as many from the
  /// start, so every output lines up with the inputs sample for sample.
  bool keep_latency = false;
  /// Polled between blocks of every pass: yes stops the render (Stopped is thrown and
  /// no output is left behind).
  StopRequested stop;
  /// Parameters moved over time (Engine::automate; time 0 is the render's first frame).
  std::vector<Automation> automation;
};

struct RenderResult {
  double sample_rate = 0.0;
  std::uint64_t frames = 0;                  ///< frames written (the tail included)
  std::vector<std::string> outputs;          ///< files written
  std::vector<ClipCount> clipping;           ///< per output (parallel to outputs): |x| > 1
  std::vector<SampleFormat> sample_formats;  ///< per output: the format written
};

class FileInNode;

/// The rate a render of a graph with these file inputs runs at: sample_rate when
/// resample_inputs is set; else the rate of the inputs that do not resample (they must
/// agree: IoError naming both otherwise); else sample_rate, the first input's, 48 kHz.
/// Inputs at another rate are then converted (FileInNode::convert_to).
double choose_render_rate(const std::vector<FileInNode*>& inputs, const RenderOptions& options);

/// Renders `graph` (throws IoError, GraphError, ConfigError).
RenderResult render_graph(const Graph& graph, const RenderOptions& options);

}  // namespace fxgraph
