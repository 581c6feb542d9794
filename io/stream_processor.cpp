#include "fxgraph/io/stream_processor.h"

#include <algorithm>
#include <optional>

#include "fxgraph/engine/engine_blocks.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph_tail.h"
#include "fxgraph/engine/multipass_driver.h"
#include "fxgraph/engine/multipass_split.h"
#include "fxgraph/io/pipelined_pass.h"
#include "fxgraph/io/sndfile_writer.h"

namespace fxgraph {

namespace {
/// The engine's block: small enough for the cache, never larger than a chunk.
constexpr std::uint32_t kMaxEngineBlock = 4096;
}  // namespace

EngineConfig StreamProcessor::engine_config(const SndfileReader& reader, std::uint32_t chunk_size,
                                            unsigned threads) {
  if (reader.channels() > kMaxChunkChannels)
    throw IoError("'" + reader.path() + "' has more than 64 channels");
  return {.sample_rate = double(reader.sample_rate()),
          .max_block = std::min(chunk_size, kMaxEngineBlock),
          .input_channels = reader.channels(),
          .threads = threads};
}

StreamProcessor::StreamProcessor(Graph graph, std::uint32_t chunk_size)
    : graph_(std::move(graph)), chunk_size_(chunk_size) {
  if (chunk_size_ == 0) throw ConfigError("chunk_size must be at least 1 frame");
  if (!graph_.input() || !graph_.output())
    throw GraphError(
        "StreamProcessor needs a graph with an input and an output (Graph::set_input and "
        "set_output; chains have both)");
}

StreamProcessor::ChunkRange::ChunkRange(const Graph& graph, std::uint32_t chunk_size,
                                        const std::string& input, const StopRequested& stop,
                                        std::uint64_t tail_frames, unsigned threads,
                                        const std::vector<Automation>& automation)
    : reader_(input), chunk_size_(chunk_size) {
  engine_ = std::make_unique<Engine>(graph, engine_config(reader_, chunk_size, threads));
  for (const Automation& a : automation) engine_->automate(a);
  engine_->request_reset();
  const std::uint32_t out_channels = std::max<std::uint32_t>(engine_->output_channels(), 1);
  if (out_channels > kMaxChunkChannels)
    throw GraphError("the graph output has more than 64 channels");
  input_.resize(reader_.channels(), chunk_size);
  output_.resize(out_channels, chunk_size);
  reader_.reserve(chunk_size);
  run_measurement_passes(*engine_, graph, [this, &stop, tail_frames] {
    reader_.seek(0);
    while (process_chunk() != 0) throw_if_stop_requested(stop);
    // The tail the writing pass may play out is measured too (silence in).
    for (std::uint64_t left = tail_frames; left > 0;) {
      throw_if_stop_requested(stop);
      const auto frames = std::uint32_t(std::min<std::uint64_t>(left, chunk_size_));
      input_.clear();
      process_into(input_, output_, frames);
      left -= frames;
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
  process_in_blocks(*engine_, input.view(frames), output.view(frames), frames);
}

StreamProcessor::ChunkRange StreamProcessor::process_chunks(const std::string& input) {
  return ChunkRange(graph_, chunk_size_, input, {}, 0, 1, automation_);
}

ProcessResult StreamProcessor::process_file(const std::string& input, const std::string& output,
                                            const OutputOptions& options) {
  check_output_differs(input, output);
  TailPlan tail;
  std::uint64_t latency = 0;
  {
    // Graphs that split at their first multi-pass node run their upstream DSP once.
    SndfileReader reader(input);
    std::optional<MultiPassSplit> split;
    {
      const Engine whole(graph_, engine_config(reader, chunk_size_));
      split = split_at_first_multipass(graph_, whole.order());
      tail = plan_tail(graph_tail(graph_, whole.order()), tail_, reader.sample_rate());
      latency = whole.latency();
    }
    if (split) return process_file_split(*split, reader, output, options, tail, latency);
  }

  // Measuring passes (normalize) run here, over everything the writing pass may emit.
  ChunkRange chunks(graph_, chunk_size_, input, stop_, tail.max_frames + latency, threads_,
                    automation_);
  SndfileReader& reader = chunks.reader_;
  FileFormat format =
      make_file_format(output, options.sample_format, options.flac_compression, reader.subtype());
  format.dither = options.dither;
  SndfileWriter writer(output, reader.sample_rate(), chunks.output_channels(), format);
  writer.reserve(chunk_size_);
  SilencePaddedSource source([&](const AudioView& chunk) { return reader.read(chunk); },
                             tail.max_frames + latency);
  TailTrimmer trimmer(tail, source, latency);
  run_pipelined_pass(
      {.chunk_size = chunk_size_,
       .input_channels = reader.channels(),
       .output_channels = chunks.output_channels(),
       .read = [&](const AudioView& chunk) { return source.read(chunk); },
       .process =
           [&](AudioBuffer& in, AudioBuffer& out, std::uint32_t frames) {
             chunks.process_into(in, out, frames);
             return trimmer.frames_to_write(out.view(frames), frames);
           },
       .write = progress_writer(writer, reader.frames(), keep_latency_ ? 0 : latency),
       .stop = stop_});
  source.check_complete(reader.path(), reader.frames());
  writer.commit();
  return {writer.frames_written(), writer.clip_count(), format.sample};
}

std::function<void(const ConstAudioView&)> StreamProcessor::progress_writer(SndfileWriter& writer,
                                                                            std::uint64_t frames,
                                                                            std::uint64_t skip) {
  const double total = double(std::max<std::uint64_t>(frames, 1));
  return [this, &writer, total, done = std::uint64_t(0),
          trim = LeadingTrim(skip)](const ConstAudioView& processed) mutable {
    const ConstAudioView chunk = trim.rest(processed);
    if (chunk.num_frames != 0) {
      writer.write(chunk);
      if (tap_) tap_(chunk);
    }
    done += chunk.num_frames;
    if (progress_) progress_(std::min(1.0, double(done) / total));
  };
}

}  // namespace fxgraph
