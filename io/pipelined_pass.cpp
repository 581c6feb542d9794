#include "fxgraph/io/pipelined_pass.h"

#include <pthread.h>

#include <exception>
#include <thread>

#include "fxgraph/io/chunk_pipeline.h"

namespace fxgraph {

void run_pipelined_pass(const PipelinedPass& pass) {
  constexpr std::size_t kInFlight = 3;
  struct Chunk {
    AudioBuffer audio;
    std::uint32_t frames = 0;
  };
  ClosableQueue<Chunk> free_inputs(kInFlight), filled(kInFlight), free_outputs(kInFlight),
      processed(kInFlight);
  for (std::size_t i = 0; i < kInFlight; ++i) {
    free_inputs.push({AudioBuffer(pass.input_channels, pass.chunk_size), 0});
    free_outputs.push({AudioBuffer(pass.output_channels, pass.chunk_size), 0});
  }
  std::exception_ptr reader_error, writer_error;
  auto close_all = [&] {
    for (auto* q : {&free_inputs, &filled, &free_outputs, &processed}) q->close();
  };

  std::thread reading([&] {
    // Named, so top -H and profilers tell the three threads apart.
    pthread_setname_np(pthread_self(), "fxgraph-read");
    try {
      while (auto chunk = free_inputs.pop()) {
        chunk->frames = pass.read(chunk->audio.view(pass.chunk_size));
        const bool last = chunk->frames == 0;
        if (!filled.push(std::move(*chunk)) || last) break;
      }
    } catch (...) {
      reader_error = std::current_exception();
      close_all();
    }
  });
  std::thread writing([&] {
    pthread_setname_np(pthread_self(), "fxgraph-write");
    try {
      while (auto chunk = processed.pop()) {
        if (chunk->frames == 0) break;
        pass.write(chunk->audio.view(chunk->frames));
        if (!free_outputs.push(std::move(*chunk))) break;
      }
    } catch (...) {
      writer_error = std::current_exception();
      close_all();
    }
  });

  std::exception_ptr processing_error;
  try {
    while (auto in = filled.pop()) {
      throw_if_stop_requested(pass.stop);
      auto out = free_outputs.pop();
      if (!out) break;
      out->frames = in->frames == 0 ? 0 : pass.process(in->audio, out->audio, in->frames);
      const bool ended_early = out->frames < in->frames;
      const bool processed_frames_nonzero = out->frames != 0;
      const bool last = in->frames == 0;
      if (!processed.push(std::move(*out)) || last) break;
      if (ended_early) {
        // The writer stops at an empty chunk; the reader, still reading ahead, at the
        // closed queues.
        free_inputs.close();
        filled.close();
        // (An empty chunk already pushed was that end.)
        auto end = processed_frames_nonzero ? free_outputs.pop() : std::nullopt;
        if (end) {
          end->frames = 0;
          processed.push(std::move(*end));
        }
        break;
      }
      if (!free_inputs.push(std::move(*in))) break;
    }
  } catch (...) {
    processing_error = std::current_exception();
    close_all();
  }
  reading.join();
  writing.join();
  close_all();
  for (const auto& error : {processing_error, reader_error, writer_error})
    if (error) std::rethrow_exception(error);
  // A stop that came while the last chunk was on its way (or that cut a read short,
  // making it look like the end) must not let the caller commit a partial output.
  throw_if_stop_requested(pass.stop);
}

}  // namespace fxgraph
