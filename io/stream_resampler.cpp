#include "fxgraph/io/stream_resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

struct StreamResampler::Soxr {
  soxr_t handle = nullptr;
  ~Soxr() { soxr_delete(handle); }
};

StreamResampler::StreamResampler(double from_rate, double to_rate, std::uint32_t channels)
    : from_(from_rate), to_(to_rate), channels_(std::max(1u, channels)), soxr_(new Soxr) {
  if (!(from_rate > 0.0) || !(to_rate > 0.0) || to_rate / from_rate > 256.0 ||
      from_rate / to_rate > 256.0)
    throw ConfigError("cannot resample from " + std::to_string(from_rate) + " Hz to " +
                      std::to_string(to_rate) + " Hz (rates above 0, ratio within 1:256)");
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, SOXR_LINEAR_PHASE);
  // SoX's `rate -v` keeps 95% of the band; soxr's own default (91.3%) starts rolling
  // off just above 20 kHz at 44.1 kHz.
  quality.passband_end = 0.95;
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // one thread: deterministic
  soxr_error_t error = nullptr;
  soxr_->handle = soxr_create(from_rate, to_rate, channels_, &error, &io, &quality, &runtime);
  if (error != nullptr || soxr_->handle == nullptr)
    throw ConfigError("libsoxr cannot resample from " + std::to_string(from_rate) + " Hz to " +
                      std::to_string(to_rate) + " Hz: " + (error ? error : "unknown error"));
  pending_.assign(channels_, {});
  output_.assign(channels_, {});
  for (auto& p : pending_) p.reserve(kChunk);
}

StreamResampler::~StreamResampler() = default;

std::uint64_t StreamResampler::converted_frames(std::uint64_t frames) const noexcept {
  return std::uint64_t(std::llround(double(frames) * to_ / from_));
}

void StreamResampler::push(const ConstAudioView& in) {
  if (finished_) return;
  for (std::uint32_t done = 0; done < in.num_frames;) {
    const std::uint32_t n =
        std::min<std::uint32_t>(in.num_frames - done, kChunk - std::uint32_t(pending_[0].size()));
    for (std::uint32_t c = 0; c < channels_; ++c) {
      const float* x = c < in.num_channels ? in.channels[c] + done : nullptr;
      if (x)
        pending_[c].insert(pending_[c].end(), x, x + n);
      else
        pending_[c].insert(pending_[c].end(), n, 0.0f);
    }
    done += n;
    input_frames_ += n;
    if (pending_[0].size() == kChunk) convert(kChunk, false);
  }
}

void StreamResampler::finish() {
  if (finished_) return;
  convert(std::uint32_t(pending_[0].size()), true);
  finished_ = true;
}

// Hands `frames` pending frames to soxr (and, when `last`, the end of input) and appends
// what comes out, capped at the stream's converted length.
void StreamResampler::convert(std::uint32_t frames, bool last) {
  // Drop what was read, so the output queue stays a few chunks long.
  if (read_ > 0) {
    for (auto& o : output_) o.erase(o.begin(), o.begin() + std::ptrdiff_t(read_));
    read_ = 0;
  }
  const auto room = std::size_t(std::ceil(double(kChunk) * to_ / from_)) + 64;
  scratch_.resize(room * channels_);
  std::vector<const float*> in(channels_);
  std::vector<float*> out(channels_);
  for (std::uint32_t c = 0; c < channels_; ++c) {
    in[c] = pending_[c].data();
    out[c] = scratch_.data() + c * room;
  }
  const std::uint64_t limit = converted_frames(input_frames_);
  auto append = [&](std::size_t produced) {
    const auto keep =
        std::size_t(std::min<std::uint64_t>(produced, limit - std::min(limit, output_frames_)));
    for (std::uint32_t c = 0; c < channels_; ++c)
      output_[c].insert(output_[c].end(), out[c], out[c] + keep);
    output_frames_ += keep;
  };
  std::size_t offset = 0;
  while (offset < frames) {
    std::vector<const float*> at(channels_);
    for (std::uint32_t c = 0; c < channels_; ++c) at[c] = in[c] + offset;
    std::size_t used = 0, produced = 0;
    if (soxr_error_t error = soxr_process(soxr_->handle, at.data(), frames - offset, &used,
                                          out.data(), room, &produced))
      throw IoError(std::string("libsoxr failed while resampling: ") + error);
    append(produced);
    offset += used;
    if (used == 0 && produced == 0) break;
  }
  for (auto& p : pending_) p.clear();
  if (!last) return;
  // End of input: soxr gives out what its filter still holds.
  while (output_frames_ < limit) {
    std::size_t produced = 0;
    if (soxr_error_t error =
            soxr_process(soxr_->handle, nullptr, 0, nullptr, out.data(), room, &produced))
      throw IoError(std::string("libsoxr failed while resampling: ") + error);
    if (produced == 0) break;
    append(produced);
  }
  // Should soxr end short of round(in x ratio), the stream still has its promised length.
  if (output_frames_ < limit) {
    for (auto& o : output_) o.resize(o.size() + (limit - output_frames_), 0.0f);
    output_frames_ = limit;
  }
}

std::uint32_t StreamResampler::pull(const AudioView& out) {
  const auto n = std::uint32_t(std::min<std::size_t>(out.num_frames, available()));
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    if (c < channels_)
      std::copy_n(output_[c].begin() + std::ptrdiff_t(read_), n, out.channels[c]);
    else
      std::fill_n(out.channels[c], n, 0.0f);
  }
  read_ += n;
  return n;
}

void StreamResampler::reset() {
  soxr_clear(soxr_->handle);
  for (auto& p : pending_) p.clear();
  for (auto& o : output_) o.clear();
  read_ = 0;
  input_frames_ = output_frames_ = 0;
  finished_ = false;
}

}  // namespace fxgraph
