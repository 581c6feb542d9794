#pragma once
// One pass over a signal with reading, processing and writing on three threads, so
// file I/O and DSP use both cores (the loop behind StreamProcessor::process_file).
//
// A reader thread fills input chunks, the calling thread processes them, a writer
// thread writes the results. Buffers circulate through bounded queues (a few chunks in
// flight, reused: memory stays flat however long the signal is). Chunks are processed
// in order, so the result is the same as a single-threaded loop's. The first exception
// on any thread stops all three and is rethrown by run_pipelined_pass once they joined.
// A stop request (io/stop_request.h), polled before each chunk is processed, stops
// them the same way, as a Stopped error.

#include <cstdint>
#include <functional>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/io/stop_request.h"

namespace fxgraph {

struct PipelinedPass {
  std::uint32_t chunk_size = 65536;
  std::uint32_t input_channels = 2;
  std::uint32_t output_channels = 2;
  /// Reader thread: fills `chunk` (chunk_size frames) and returns the frames read;
  /// 0 ends the pass.
  std::function<std::uint32_t(const AudioView& chunk)> read;
  /// Calling thread: processes `frames` frames of `in` into `out` and returns how many
  /// of them to write; fewer than `frames` ends the pass after that chunk (a tail that
  /// died away, io/tail_render.h).
  std::function<std::uint32_t(AudioBuffer& in, AudioBuffer& out, std::uint32_t frames)> process;
  /// Writer thread: takes the processed chunk (its exact frame count).
  std::function<void(const ConstAudioView& chunk)> write;
  /// Calling thread, before each chunk: true stops the pass (Stopped is thrown).
  StopRequested stop;
};

/// Runs the pass to the end of the input. Rethrows the first error of any stage;
/// throws Stopped when `pass.stop` asked to stop.
void run_pipelined_pass(const PipelinedPass& pass);

}  // namespace fxgraph
