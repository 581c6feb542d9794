// StreamProcessor::process_file for graphs that split at their first multi-pass node
// (engine/multipass_split.h): the DSP upstream of it runs once, not once per pass.
#include <algorithm>

#include "fxgraph/engine/engine_blocks.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/multipass_driver.h"
#include "fxgraph/io/pipelined_pass.h"
#include "fxgraph/io/scratch_audio_file.h"
#include "fxgraph/io/stream_processor.h"

namespace fxgraph {

ProcessResult StreamProcessor::process_file_split(const MultiPassSplit& split,
                                                  SndfileReader& reader, const std::string& output,
                                                  const OutputOptions& options,
                                                  const TailPlan& tail, std::uint64_t latency) {
  const EngineConfig config = engine_config(reader, chunk_size_, threads_);
  // Both engines exist before any pass runs: building one prepares nodes, and M's
  // measurement must never be followed by a prepare. M gets the same channel counts in
  // both (the downstream input is exactly what the upstream output carries), so the
  // second engine does not re-prepare it.
  Engine upstream(split.upstream, config);
  const std::uint32_t cached_channels = upstream.output_channels();
  EngineConfig downstream_config = config;
  downstream_config.input_channels = cached_channels;
  Engine downstream(split.downstream, downstream_config);
  // Each part takes the automation of its own nodes; both count time from the input's
  // first frame.
  for (const Automation& a : automation_) {
    const std::string node = ParameterPath::parse(a.path).node;
    if (split.upstream.contains(node)) upstream.automate(a);
    if (split.downstream.contains(node)) downstream.automate(a);
  }
  const std::uint32_t out_channels = std::max<std::uint32_t>(downstream.output_channels(), 1);
  if (cached_channels > kMaxChunkChannels || out_channels > kMaxChunkChannels)
    throw GraphError("the graph has more than 64 channels at '" + split.node +
                     "' or at its output");
  auto& measured = dynamic_cast<MultiPassNode&>(split.upstream.node(split.node));

  // Created before the long pass, so an unwritable folder or a bad format fails at once.
  ScratchAudioFile cache(output, cached_channels);
  cache.reserve(chunk_size_);
  FileFormat format =
      make_file_format(output, options.sample_format, options.flac_compression, reader.subtype());
  format.dither = options.dither;
  SndfileWriter writer(output, reader.sample_rate(), out_channels, format);
  writer.reserve(chunk_size_);
  reader.reserve(chunk_size_);

  // Pass 1: the file through M's ancestors once, M measuring (its output is its input),
  // into the scratch file.
  // The scratch file gets the whole longest tail, so every measurement covers what the
  // writing pass may emit; that pass trims the tail where the output died away.
  // It also gets the latency's frames of silence, which carry the input's last frames
  // out (the writing pass drops as many from the start).
  SilencePaddedSource source([&](const AudioView& chunk) { return reader.read(chunk); },
                             tail.max_frames + latency);
  measured.set_pass(MultiPassNode::Pass::measure);
  upstream.request_reset();
  run_pipelined_pass({.chunk_size = chunk_size_,
                      .input_channels = reader.channels(),
                      .output_channels = cached_channels,
                      .read = [&](const AudioView& chunk) { return source.read(chunk); },
                      .process =
                          [&](AudioBuffer& in, AudioBuffer& out, std::uint32_t frames) {
                            process_in_blocks(upstream, in.view(frames), out.view(frames), frames);
                            return frames;
                          },
                      .write = [&](const ConstAudioView& chunk) { cache.write(chunk); },
                      .stop = stop_});
  source.check_complete(reader.path(), reader.frames());
  measured.finish_measurement();

  // Later multi-pass nodes measure from the scratch file, in the same chunks (so their
  // statistics add up in the same order as on the whole graph).
  AudioBuffer in, out;
  run_measurement_passes(downstream, split.downstream,
                         [&] {
                           if (in.num_channels() == 0) {
                             in.resize(cached_channels, chunk_size_);
                             out.resize(out_channels, chunk_size_);
                           }
                           cache.rewind();
                           while (const std::uint32_t got = cache.read(in.view(chunk_size_))) {
                             throw_if_stop_requested(stop_);
                             process_in_blocks(downstream, in.view(got), out.view(got), got);
                           }
                         },
                         {&measured});

  // The pass that writes: M (applying) and what follows it, fed from the scratch file.
  cache.rewind();
  TailTrimmer trimmer(tail, source, latency);
  run_pipelined_pass({.chunk_size = chunk_size_,
                      .input_channels = cached_channels,
                      .output_channels = out_channels,
                      .read = [&](const AudioView& chunk) { return cache.read(chunk); },
                      .process =
                          [&](AudioBuffer& in, AudioBuffer& out, std::uint32_t frames) {
                            process_in_blocks(downstream, in.view(frames), out.view(frames),
                                              frames);
                            return trimmer.frames_to_write(out.view(frames), frames);
                          },
                      .write = progress_writer(writer, cache.frames(), keep_latency_ ? 0 : latency),
                      .stop = stop_});
  writer.commit();
  return {writer.frames_written(), writer.clip_count(), format.sample};
}

}  // namespace fxgraph
