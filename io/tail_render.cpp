#include "fxgraph/io/tail_render.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

TailPlan plan_tail(const Tail& graph_tail, const TailOptions& options, double sample_rate) {
  if (!options.enabled) return {};
  const auto seconds_to_frames = [&](double seconds) {
    return std::uint64_t(std::llround(std::max(0.0, seconds) * sample_rate));
  };
  TailPlan plan;
  if (options.max_seconds)
    plan.max_frames = seconds_to_frames(*options.max_seconds);
  else if (graph_tail.bounded())
    plan.max_frames = graph_tail.frames;
  else
    plan.max_frames = seconds_to_frames(TailOptions::kDefaultMaxSeconds);
  const std::uint64_t gap =
      graph_tail.quiet_gap == Tail::kUnbounded ? plan.max_frames : graph_tail.quiet_gap + 1;
  plan.hold =
      std::max(gap, std::max<std::uint64_t>(1, seconds_to_frames(TailOptions::kMinQuietSeconds)));
  return plan;
}

std::uint32_t TailEndDetector::end_of(std::span<const ConstAudioView> outputs, std::uint32_t from,
                                      std::uint32_t to) noexcept {
  if (done_ || hold_ == 0) return from;
  for (std::uint32_t i = from; i < to; ++i) {
    bool quiet = true;
    for (const ConstAudioView& out : outputs)
      for (std::uint32_t c = 0; c < out.num_channels; ++c)
        quiet = quiet && std::fabs(out.channels[c][i]) < float(Tail::kThreshold);
    quiet_run_ = quiet ? quiet_run_ + 1 : 0;
    if (quiet_run_ >= hold_) {
      done_ = true;
      return i + 1;
    }
  }
  return to;
}

std::uint32_t SilencePaddedSource::read(const AudioView& chunk) {
  std::uint32_t got = read_(chunk);  // silence after the source's frames
  if (got < chunk.num_frames) {
    if (input_frames_.load() == UINT64_MAX) input_frames_.store(position_ + got);
    const auto extra = std::uint32_t(std::min<std::uint64_t>(chunk.num_frames - got, tail_left_));
    tail_left_ -= extra;
    got += extra;
  }
  position_ += got;
  return got;
}

void SilencePaddedSource::check_complete(const std::string& path, std::uint64_t announced) const {
  check_input_complete(path, input_frames(), announced);
}

void check_input_complete(const std::string& path, std::uint64_t had, std::uint64_t announced) {
  if (had < announced)
    throw IoError("'" + path + "' ended after " + std::to_string(had) + " of its " +
                  std::to_string(announced) +
                  " frames (was it truncated while being read?); nothing was written");
}

std::uint32_t TailTrimmer::frames_to_write(const ConstAudioView& out,
                                           std::uint32_t frames) noexcept {
  const std::uint64_t start = position_;
  position_ += frames;
  const std::uint64_t input_frames = source_.input_frames();
  const std::uint64_t input_end = input_frames == UINT64_MAX ? UINT64_MAX : input_frames + latency_;
  if (input_end >= start + frames) return frames;
  const auto from = std::uint32_t(input_end > start ? input_end - start : 0);
  return detector_.end_of({&out, 1}, from, frames);
}

ConstAudioView LeadingTrim::rest(const ConstAudioView& chunk) noexcept {
  if (left_ == 0) return chunk;
  const auto skip = std::uint32_t(std::min<std::uint64_t>(left_, chunk.num_frames));
  left_ -= skip;
  const std::uint32_t channels = std::min<std::uint32_t>(chunk.num_channels, 64);
  for (std::uint32_t c = 0; c < channels; ++c) channels_[c] = chunk.channels[c] + skip;
  return {channels_.data(), channels, chunk.num_frames - skip};
}

}  // namespace fxgraph
