#include "fxgraph/io/file_nodes.h"

#include <vector>

#include <algorithm>
#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

FileInNode::FileInNode(std::string path, bool resample)
    : Node(std::string(kType)), reader_(std::move(path)), resample_(resample) {
  add_output("out", reader_.channels());
}

void FileInNode::convert_to(double rate) {
  if (rate == file_sample_rate()) {
    resampler_.reset();
    return;
  }
  resampler_ = std::make_unique<StreamResampler>(file_sample_rate(), rate, reader_.channels());
  file_chunk_.resize(reader_.channels(), StreamResampler::kChunk);
  reader_.reserve(StreamResampler::kChunk);
}

void FileInNode::rewind() {
  reader_.seek(0);
  if (resampler_) resampler_->reset();
}

std::uint32_t FileInNode::stage_converted(const AudioView& view) {
  while (resampler_->available() < view.num_frames && !resampler_->finished()) {
    const AudioView chunk = file_chunk_.view(StreamResampler::kChunk);
    const std::uint32_t got = reader_.read(chunk);
    resampler_->push(file_chunk_.view(got));
    if (got < chunk.num_frames) resampler_->finish();
  }
  return resampler_->pull(view);
}

void FileInNode::on_prepare(const PrepareInfo& info) {
  staged_.resize(reader_.channels(), info.max_block);
  reader_.reserve(info.max_block);
}

std::uint32_t FileInNode::stage(std::uint32_t frames) {
  AudioView view = staged_.view(std::min(frames, staged_.capacity_frames()));
  const std::uint32_t got = resampler_ ? stage_converted(view) : reader_.read(view);
  for (std::uint32_t c = 0; c < view.num_channels; ++c)
    std::memset(view.channels[c] + got, 0, (view.num_frames - got) * sizeof(float));
  return got;
}

void FileInNode::do_process(const ProcessContext& ctx) noexcept {
  const AudioView& out = ctx.outputs[0];
  for (std::uint32_t c = 0; c < out.num_channels; ++c)
    std::memcpy(out.channels[c], staged_.channel(c), ctx.frames * sizeof(float));
}

FileOutNode::FileOutNode(FileOutOptions options)
    : Node(std::string(kType)), options_(std::move(options)) {
  if (options_.path.empty()) throw ConfigError("file_out needs a 'path'");
  // Validate the format now, so a bad extension or subtype fails at load time.
  (void)make_file_format(options_.path, options_.sample_format, options_.flac_compression);
  add_input("in");
}

void FileOutNode::on_prepare(const PrepareInfo& info) {
  staged_.resize(info.input_channels[0], info.max_block);
}

void FileOutNode::open(std::uint32_t sample_rate, std::optional<SampleFormat> input_sample) {
  FileFormat format = make_file_format(options_.path, options_.sample_format,
                                       options_.flac_compression, input_sample);
  format.dither = options_.dither;
  writer_ =
      std::make_unique<SndfileWriter>(options_.path, sample_rate, staged_.num_channels(), format);
  sample_format_ = format.sample;
  writer_->reserve(staged_.capacity_frames());
}

void FileOutNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  for (std::uint32_t c = 0; c < staged_.num_channels(); ++c)
    std::memcpy(staged_.channel(c), in.channels[c], ctx.frames * sizeof(float));
}

void FileOutNode::flush(std::uint32_t frames, std::uint32_t from) {
  if (!writer_) throw IoError("file_out '" + options_.path + "' was not opened");
  if (from >= frames) return;
  const AudioView block = staged_.view(frames);
  std::vector<const float*> channels(block.channels, block.channels + block.num_channels);
  for (auto& channel : channels) channel += from;
  writer_->write(ConstAudioView{channels.data(), block.num_channels, frames - from});
}

void FileOutNode::commit() {
  if (!writer_) throw IoError("file_out '" + options_.path + "' was not opened");
  writer_->commit();
  clip_count_ = writer_->clip_count();
  writer_.reset();
}

}  // namespace fxgraph
