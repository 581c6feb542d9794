#pragma once
// StreamProcessor: torchfx's StreamProcessor in C++ — a graph or chain applied to a
// large file in fixed-size chunks, with flat memory whatever the file's length.
//
//   StreamProcessor sp(Graph::chain({gain}), 65536);
//   sp.process_file("in.wav", "out.wav");
//   for (const AudioView& chunk : sp.process_chunks("in.wav")) { … }
//
// Promises
//   - Output is bit-identical whatever the chunk size (1, 4096, 65536, whole file): the
//     nodes keep their state across blocks and the engine runs blocks of at most
//     min(chunk_size, 4096) frames.
//   - process_file never loses anything: the output is written to a temporary file in
//     the target folder and renamed on success; on any error the temporary is removed
//     and a previous file at that path is untouched. Output == input is refused.
//   - Each run starts from fresh node state (a second file is not coloured by the first).
//   - set_tail: the graph's tail (a reverb's decay) is played out after the input ends,
//     until it dies away; the output is then longer than the input.
//   - Latency: a graph whose nodes delay the signal (Engine::latency) is fed that many
//     frames of silence after the input, and the same number of frames is dropped from
//     the start of the output, so the output lines up with the input sample for
//     sample; set_keep_latency(true) keeps the leading frames instead.
//   - set_stop: a stop request (Ctrl-C) is polled between chunks; process_file then
//     throws Stopped and leaves nothing behind, like any other failure.
//   - process_file overlaps reading, processing and writing on three threads (a few
//     chunks in flight), so file I/O and DSP use both cores.
//
// The graph needs an external input and output (Graph::set_input/set_output); a chain
// has them. Its input takes the file's channels.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/multipass_split.h"
#include "fxgraph/io/clip_count.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stop_request.h"
#include "fxgraph/io/tail_render.h"

namespace fxgraph {

/// How process_file writes its output.
struct OutputOptions {
  std::string sample_format;            ///< "pcm16", "pcm24", "float", …; empty: the input's
  std::optional<int> flac_compression;  ///< 0 … 8 for FLAC
  bool dither = true;                   ///< TPDF dither for pcm16 output (like SoX)
};

/// What process_file wrote.
struct ProcessResult {
  std::uint64_t frames = 0;                            ///< frames written
  ClipCount clipping;                                  ///< samples with |x| > 1, and the peak
  SampleFormat sample_format = SampleFormat::float32;  ///< the output's
};

class StreamProcessor {
 public:
  static constexpr std::uint32_t kDefaultChunkSize = 65536;

  explicit StreamProcessor(Graph graph, std::uint32_t chunk_size = kDefaultChunkSize);

  std::uint32_t chunk_size() const noexcept { return chunk_size_; }
  /// Called with the fraction done (0 … 1) as a file is processed.
  void set_progress(std::function<void(double)> progress) { progress_ = std::move(progress); }
  /// Polled between chunks of every pass; when it says yes, processing throws Stopped.
  void set_stop(StopRequested stop) { stop_ = std::move(stop); }
  /// Whether process_file plays the graph's tail out after the input ends
  /// (io/tail_render.h). Off by default: the output then has the input's length.
  void set_tail(TailOptions tail) { tail_ = tail; }
  /// Called by process_file with every chunk of output as it is written (on the thread
  /// that writes the file, in file order), e.g. to measure levels. Empty: none.
  void set_output_tap(std::function<void(const ConstAudioView&)> tap) { tap_ = std::move(tap); }
  /// Whether process_file keeps the graph's latency at the start of the output
  /// (otherwise those frames are dropped and the output lines up with the input).
  void set_keep_latency(bool keep) { keep_latency_ = keep; }
  /// EngineConfig::threads for the graph (branches run in parallel; same output).
  void set_threads(unsigned threads) { threads_ = std::max(1u, threads); }
  /// Parameters moved over time while a file is processed (Engine::automate; time 0 is
  /// the input's first frame). Checked when processing starts (ParameterError).
  void set_automation(std::vector<Automation> automation) { automation_ = std::move(automation); }

  /// Processes `input` into `output` (format from the output's extension). Throws
  /// IoError/GraphError; nothing is left behind on failure.
  ProcessResult process_file(const std::string& input, const std::string& output,
                             const OutputOptions& options = {});

  /// A single-pass range over the processed chunks of `input`; each chunk is a view of
  /// chunk_size frames (the last may be shorter), valid until the next one.
  /// With multi-pass nodes (normalize) in the graph, building the range first reads the
  /// whole file once per such node and runs the whole graph over it to measure; the
  /// chunks then come from the final, exact pass. Memory stays flat either way. (No
  /// scratch file here, unlike process_file: see "Multi-pass nodes" above.)
  class ChunkRange;
  ChunkRange process_chunks(const std::string& input);

 private:
  friend class ChunkRange;
  static EngineConfig engine_config(const SndfileReader& reader, std::uint32_t chunk_size,
                                    unsigned threads = 1);
  /// process_file for a graph split at its first multi-pass node: the upstream part runs
  /// once, its output kept in a scratch file (io/stream_processor_split.cpp).
  ProcessResult process_file_split(const MultiPassSplit& split, SndfileReader& reader,
                                   const std::string& output, const OutputOptions& options,
                                   const TailPlan& tail, std::uint64_t latency);
  /// A writer stage that reports progress over `frames` frames.
  /// Drops the first `skip` frames (the latency trimmed from the start).
  std::function<void(const ConstAudioView&)> progress_writer(SndfileWriter& writer,
                                                             std::uint64_t frames,
                                                             std::uint64_t skip);
  Graph graph_;
  std::uint32_t chunk_size_;
  std::function<void(double)> progress_;
  StopRequested stop_;
  TailOptions tail_;
  std::function<void(const ConstAudioView&)> tap_;
  bool keep_latency_ = false;
  unsigned threads_ = 1;
  std::vector<Automation> automation_;
};

/// The processing state of one pass over a file, exposed as an input range.
class StreamProcessor::ChunkRange {
 public:
  /// `stop` is polled between the chunks of the measuring passes, which run over the
  /// input and then `tail_frames` frames of silence.
  /// `automation` (may be empty) is given to the engine before any pass.
  ChunkRange(const Graph& graph, std::uint32_t chunk_size, const std::string& input,
             const StopRequested& stop = {}, std::uint64_t tail_frames = 0, unsigned threads = 1,
             const std::vector<Automation>& automation = {});

  class iterator {
   public:
    using value_type = AudioView;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(ChunkRange* range) : range_(range) {}
    const AudioView& operator*() const { return range_->current_; }
    const AudioView* operator->() const { return &range_->current_; }
    iterator& operator++() {
      if (!range_->advance()) range_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& other) const { return range_ == other.range_; }

   private:
    ChunkRange* range_ = nullptr;
  };

  iterator begin() { return advance() ? iterator(this) : iterator(); }
  iterator end() { return iterator(); }

  const SndfileReader& reader() const noexcept { return reader_; }
  std::uint32_t output_channels() const noexcept { return output_.num_channels(); }
  /// Frames delivered so far.
  std::uint64_t frames_done() const noexcept { return done_; }

 private:
  bool advance();
  /// Reads and processes the next chunk into output_; returns frames (0 at the end).
  std::uint32_t process_chunk();
  /// Runs `frames` frames of `input` through the engine into `output`.
  void process_into(AudioBuffer& input, AudioBuffer& output, std::uint32_t frames);
  friend class StreamProcessor;

  SndfileReader reader_;
  std::uint32_t chunk_size_;
  std::unique_ptr<Engine> engine_;
  AudioBuffer input_;
  AudioBuffer output_;
  AudioView current_{};
  std::uint64_t done_ = 0;
};

}  // namespace fxgraph
