#pragma once
// Playing out a graph's tail after its file inputs end (a reverb's decay, a delay's
// last echoes), as SoX drains its effects, instead of cutting it off.
//
// After the inputs end the renderer keeps feeding silence and stops
//   - once the output (every channel of every output) has stayed below -120 dBFS
//     (Tail::kThreshold) for `hold` frames: the longest quiet gap the graph reports
//     (a delay's time, so the next echo is not mistaken for the end), at least 0.1 s;
//   - or when `max_frames` of tail were rendered: the graph's reported tail
//     (engine/graph_tail.h), or TailOptions::max_seconds when given; an unbounded
//     tail (a feedback loop that may not decay) stops at kDefaultMaxSeconds.
// The end is found frame by frame, so it does not depend on the chunk size: chunked
// output stays bit-identical to whole-file output. Passes that measure (normalize)
// run over the whole max_frames, so the pass that writes emits a prefix of what was
// measured.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/node.h"

namespace fxgraph {

struct TailOptions {
  /// Longest tail when the graph's is unbounded and no max_seconds is given.
  static constexpr double kDefaultMaxSeconds = 30.0;
  /// Shortest stretch below the threshold taken as the end.
  static constexpr double kMinQuietSeconds = 0.1;

  bool enabled = false;               ///< render the tail at all
  std::optional<double> max_seconds;  ///< the longest tail; default: the graph's own
};

/// What one render does after its inputs end.
struct TailPlan {
  std::uint64_t max_frames = 0;  ///< 0: no tail
  std::uint64_t hold = 0;        ///< frames below the threshold that end it
};

/// The plan for a graph whose tail is `graph_tail`, at `sample_rate`.
TailPlan plan_tail(const Tail& graph_tail, const TailOptions& options, double sample_rate);

/// Finds where a tail ends, frame by frame, across the blocks of a render.
class TailEndDetector {
 public:
  explicit TailEndDetector(const TailPlan& plan) : hold_(plan.hold) {}

  /// Scans frames [from, to) of `outputs` (all from the tail, after the inputs ended)
  /// and returns the frame at which the render ends: `to` while the tail goes on, or
  /// the frame after the one that completes `hold` quiet frames. No allocation.
  std::uint32_t end_of(std::span<const ConstAudioView> outputs, std::uint32_t from,
                       std::uint32_t to) noexcept;
  /// True once end_of found the end.
  bool done() const noexcept { return done_; }

 private:
  std::uint64_t hold_;
  std::uint64_t quiet_run_ = 0;
  bool done_ = false;
};

/// A source of chunks (a file reader) continued by `tail_frames` frames of silence
/// once it ends; remembers where it ended. read() runs on one thread (a pass's reader);
/// input_frames() may be read by the thread the chunks are handed to.
class SilencePaddedSource {
 public:
  /// `read` fills a chunk (silence past its end) and returns the frames it had.
  SilencePaddedSource(std::function<std::uint32_t(const AudioView&)> read,
                      std::uint64_t tail_frames)
      : read_(std::move(read)), tail_left_(tail_frames) {}

  /// Fills `chunk`: the source's frames, then silence up to the tail's length.
  std::uint32_t read(const AudioView& chunk);
  /// Frames the source had, once it ended; UINT64_MAX before.
  std::uint64_t input_frames() const noexcept { return input_frames_.load(); }
  /// Throws IoError when the source ended before the `announced` frames of `path`
  /// (a file truncated while it was being read): its output would be silently short.
  void check_complete(const std::string& path, std::uint64_t announced) const;

 private:
  std::function<std::uint32_t(const AudioView&)> read_;
  std::uint64_t tail_left_;
  std::uint64_t position_ = 0;
  std::atomic<std::uint64_t> input_frames_{UINT64_MAX};
};

/// Throws IoError when the input `path`, whose header announced `announced` frames,
/// delivered only `had` (a file truncated while it was being read): the output would be
/// silently short. The one message for it, whichever driver reads the file.
void check_input_complete(const std::string& path, std::uint64_t had, std::uint64_t announced);

/// For a pass's processing stage: how many frames of each processed chunk to write.
/// Frames before the input's end, plus the graph's `latency` after it (the input's last
/// frames, still on their way through latent nodes), are all written; from there the
/// detector decides.
class TailTrimmer {
 public:
  TailTrimmer(const TailPlan& plan, const SilencePaddedSource& source, std::uint64_t latency = 0)
      : detector_(plan), source_(source), latency_(latency) {}
  /// `out` holds the next `frames` processed frames; returns how many to write.
  std::uint32_t frames_to_write(const ConstAudioView& out, std::uint32_t frames) noexcept;

 private:
  TailEndDetector detector_;
  const SilencePaddedSource& source_;
  std::uint64_t latency_;
  std::uint64_t position_ = 0;
};

/// Drops the first `frames` frames of a stream of chunks: the graph's latency at the
/// start of an offline render, so the output lines up with the input sample for sample.
/// One thread (a pass's writer); no allocation.
class LeadingTrim {
 public:
  explicit LeadingTrim(std::uint64_t frames) : left_(frames) {}
  /// What remains of `chunk` after the frames still to drop (maybe nothing). The view
  /// is valid until the next call. At most 64 channels (kMaxChunkChannels).
  ConstAudioView rest(const ConstAudioView& chunk) noexcept;

 private:
  std::uint64_t left_;
  std::array<const float*, 64> channels_{};
};

}  // namespace fxgraph
