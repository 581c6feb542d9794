#include "io/stream_processor.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "engine/errors.h"
#include "engine/multipass_driver.h"
#include "io/chunk_pipeline.h"
#include "io/sndfile_writer.h"

namespace fxgraph {

namespace {
/// The engine's block: small enough for the cache, never larger than a chunk.
constexpr std::uint32_t kMaxEngineBlock = 4096;

/// A view of frames [offset, offset + frames) of `v`, without copying.
struct SubView {
  float* pointers[64];
  AudioView view;
  SubView(const AudioView& v, std::uint32_t offset, std::uint32_t frames) {
    for (std::uint32_t c = 0; c < v.num_channels && c < 64; ++c)
      pointers[c] = v.channels[c] + offset;
    view = {pointers, std::min<std::uint32_t>(v.num_channels, 64), frames};
  }
};
}  // namespace

StreamProcessor::StreamProcessor(Graph graph, std::uint32_t chunk_size)
    : graph_(std::move(graph)), chunk_size_(chunk_size) {
  if (chunk_size_ == 0) throw ConfigError("chunk_size must be at least 1 frame");
  if (!graph_.input() || !graph_.output())
    throw GraphError(
        "StreamProcessor needs a graph with an input and an output (Graph::set_input and "
        "set_output; chains have both)");
}

StreamProcessor::ChunkRange::ChunkRange(const Graph& graph, std::uint32_t chunk_size,
                                        const std::string& input)
    : reader_(input), chunk_size_(chunk_size) {
  if (reader_.channels() > 64) throw IoError("'" + input + "' has more than 64 channels");
  engine_ = std::make_unique<Engine>(
      graph, EngineConfig{.sample_rate = double(reader_.sample_rate()),
                          .max_block = std::min(chunk_size, kMaxEngineBlock),
                          .input_channels = reader_.channels()});
  engine_->request_reset();
  const std::uint32_t out_channels = std::max<std::uint32_t>(engine_->output_channels(), 1);
  if (out_channels > 64) throw GraphError("the graph output has more than 64 channels");
  input_.resize(reader_.channels(), chunk_size);
  output_.resize(out_channels, chunk_size);
  reader_.reserve(chunk_size);
  run_measurement_passes(*engine_, graph, [this] {
    reader_.seek(0);
    while (process_chunk() != 0) {
    }
  });
  reader_.seek(0);
}

bool StreamProcessor::ChunkRange::advance() {
  const std::uint32_t got = process_chunk();
  if (got == 0) return false;
  current_ = output_.view(got);
  done_ += got;
  return true;
}

std::uint32_t StreamProcessor::ChunkRange::process_chunk() {
  const std::uint32_t got = reader_.read(input_.view(chunk_size_));
  if (got != 0) process_into(input_, output_, got);
  return got;
}

void StreamProcessor::ChunkRange::process_into(AudioBuffer& input, AudioBuffer& output,
                                               std::uint32_t frames) {
  const std::uint32_t block = engine_->config().max_block;
  for (std::uint32_t offset = 0; offset < frames; offset += block) {
    const std::uint32_t n = std::min(block, frames - offset);
    SubView in(input.view(frames), offset, n), out(output.view(frames), offset, n);
    engine_->process(in.view, out.view);
  }
}

StreamProcessor::ChunkRange StreamProcessor::process_chunks(const std::string& input) {
  return ChunkRange(graph_, chunk_size_, input);
}

void StreamProcessor::process_file(const std::string& input, const std::string& output,
                                   const OutputOptions& options) {
  check_output_differs(input, output);
  ChunkRange chunks(graph_, chunk_size_, input);  // measuring passes (normalize) run here
  SndfileReader& reader = chunks.reader_;
  const FileFormat format =
      make_file_format(output, options.sample_format, options.flac_compression, reader.subtype());
  SndfileWriter writer(output, reader.sample_rate(), chunks.output_channels(), format);
  writer.reserve(chunk_size_);

  // Three stages overlap: a reader thread fills input chunks, this thread processes,
  // a writer thread writes. Buffers circulate through the queues (a few chunks in
  // flight, reused: memory stays flat). The order of processing is unchanged, so the
  // output is the same as the single-threaded chunk range's.
  constexpr std::size_t kInFlight = 3;
  struct Chunk {
    AudioBuffer audio;
    std::uint32_t frames = 0;
  };
  ClosableQueue<Chunk> free_inputs(kInFlight), filled(kInFlight), free_outputs(kInFlight),
      processed(kInFlight);
  for (std::size_t i = 0; i < kInFlight; ++i) {
    free_inputs.push({AudioBuffer(reader.channels(), chunk_size_), 0});
    free_outputs.push({AudioBuffer(chunks.output_channels(), chunk_size_), 0});
  }
  std::exception_ptr reader_error, writer_error;
  auto close_all = [&] {
    for (auto* q : {&free_inputs, &filled, &free_outputs, &processed}) q->close();
  };

  std::thread reading([&] {
    try {
      while (auto chunk = free_inputs.pop()) {
        chunk->frames = reader.read(chunk->audio.view(chunk_size_));
        const bool last = chunk->frames == 0;
        if (!filled.push(std::move(*chunk)) || last) break;
      }
    } catch (...) {
      reader_error = std::current_exception();
      close_all();
    }
  });
  std::thread writing([&] {
    try {
      const double total = double(std::max<std::uint64_t>(reader.frames(), 1));
      std::uint64_t done = 0;
      while (auto chunk = processed.pop()) {
        if (chunk->frames == 0) break;
        writer.write(chunk->audio.view(chunk->frames));
        done += chunk->frames;
        if (progress_) progress_(std::min(1.0, double(done) / total));
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
      auto out = free_outputs.pop();
      if (!out) break;
      out->frames = in->frames;
      if (in->frames != 0) chunks.process_into(in->audio, out->audio, in->frames);
      const bool last = in->frames == 0;
      if (!processed.push(std::move(*out)) || last) break;
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
  writer.commit();
}

}  // namespace fxgraph
