#pragma once
// SosFilter: a streaming multichannel cascade of second-order sections (biquads),
// the engine of every IIR filter node.
//
// Aims
//   - Exact streaming: the output does not depend on how the signal is cut into
//     blocks (state carries across process() calls; same samples in, same bits out).
//   - Click-free parameter changes: set_sections() swaps coefficients and keeps the
//     state, so sweeping a cutoff is smooth (unlike torchfx, which resets the state).
//   - Realtime: process(), set_sections() and reset() never allocate, lock or throw.
//   - Speed: double precision, yet fast enough for many channels (see Notes).
//
// Notes
//   - Structure: transposed direct form II per section, coefficients and state in
//     double. TDF-II has the best round-off behaviour of the direct forms for floating
//     point and needs two state values per section; double keeps low, narrow sections
//     (poles within 1e-4 of z = 1) accurate, which float cannot.
//   - Layout for SIMD: channels are processed in groups as wide as one SIMD register
//     of doubles (8 lanes with AVX-512, 4 with AVX2, 2 otherwise; the remainder in
//     narrower groups). Two kernels (nodes/dsp/sos_kernels.h):
//       * passes: the group's lanes are its channels. Per chunk of kChunkFrames the
//         planar input is transposed into a [frame][lane] double scratch (in
//         registers, W frames at a time), passes of up to four sections run over it
//         with their state in registers, and the result is transposed back.
//       * skewed, for a group narrower than a register with two or more sections
//         (stereo on AVX-512): the lanes are (section, channel) pairs and section k
//         works on frame t - k while section 0 takes frame t, so one vector operation
//         advances several sections; no section waits on another's recursion.
//     The arithmetic is written once, on GCC/Clang vector-extension types (no
//     intrinsics), and compiled for AVX-512, AVX2+FMA and baseline x86-64; the
//     variant for the running CPU is chosen at load time (see sos_filter.cpp).
//   - Chains: process_chain runs several filters' sections as one cascade, which is
//     how the compiler runs consecutive filter nodes (engine/chain_fusable.h).
//   - Speed (bench/README.md): 60 s x 8 channels at 44.1 kHz through four one-section
//     filters as a chain, about 19 ms on one core of a 2.1 GHz AMD EPYC (Zen 4) VM;
//     10 minutes of stereo at 48 kHz through 7 sections and a gain, about 120 ms.
//   - Denormals are flushed to zero during process() (see denormals.h for why).
//
// Threads
//   prepare() on a control thread, before processing starts. process(),
//   set_sections() and reset() on the audio thread (they must not run concurrently
//   with each other; a node calls set_sections() between two process() calls).

#include <cstdint>
#include <span>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/cache_line_allocator.h"
#include "fxgraph/nodes/dsp/biquad.h"

namespace fxgraph::dsp {

class SosFilter {
 public:
  /// Sets the channel count and the longest cascade set_sections() will accept, and
  /// clears coefficients (to zero sections: a pass-through) and state. Allocates.
  /// Throws fxgraph::ParameterError if channels is 0 or above 1024, or max_sections
  /// above 4096.
  void prepare(std::uint32_t channels, std::uint32_t max_sections);

  /// Replaces the cascade's coefficients (audio thread). The state is kept, so a
  /// coefficient change mid-stream does not click:
  ///   - sections that exist before and after the call keep their state (section i
  ///     continues from section i's state);
  ///   - when the count grows, the added sections start from zero state;
  ///   - when the count shrinks, the state of the removed sections is cleared, so
  ///     growing again later starts them from zero rather than from stale values.
  /// Returns false and changes nothing if count > max_sections().
  bool set_sections(const Biquad* sections, std::uint32_t count) noexcept;

  /// Clears the state of every section and channel (audio thread).
  void reset() noexcept;

  /// Filters in into out (audio thread). in and out may be the same memory (in place).
  /// Any number of frames per call. Precondition: in and out have num_channels()
  /// channels and the same frame count. (Defensively: extra channels are ignored, only
  /// the common frames are processed, and with too few channels nothing is done.)
  void process(const ConstAudioView& in, const AudioView& out) noexcept;

  /// Runs `filters` as one cascade (audio thread): in -> filters[0] -> ... -> out, in
  /// one walk over the block instead of one per filter, which hides each section's
  /// recursion latency behind the others'. The signal stays double between filters,
  /// where process() on each in turn would round it to float in between, so the two
  /// agree to float precision (tests/dsp/test_sos_chain.cpp bounds the difference),
  /// and the chain is the more exact. Filters prepared for different channel counts,
  /// or more than kMaxChainSections sections in all, simply run in turn. in and out
  /// may be the same memory. The filters must be distinct.
  static void process_chain(std::span<SosFilter* const> filters, const ConstAudioView& in,
                            const AudioView& out) noexcept;

  std::uint32_t num_channels() const noexcept { return channels_; }
  std::uint32_t num_sections() const noexcept { return num_sections_; }
  /// The current sections (valid until the next set_sections or prepare).
  std::span<const Biquad> sections() const noexcept {
    return {coefficients_.data(), num_sections_};
  }
  std::uint32_t max_sections() const noexcept { return max_sections_; }

  /// Frames per scratch chunk: the unit in which process() walks a block.
  static constexpr std::uint32_t kChunkFrames = 128;
  /// Widest channel group processed side by side.
  static constexpr std::uint32_t kMaxLanes = 8;
  /// Most sections process_chain runs as one cascade.
  static constexpr std::uint32_t kMaxChainSections = 128;

 private:
  struct Group {
    std::uint32_t first_channel;
    std::uint32_t lanes;       // 8, 4, 2 or 1
    std::size_t state_offset;  // into state_: [section][s1|s2][lane] doubles
  };
  /// Same channel groups (process_chain can walk both filters' sections together).
  bool same_groups(const SosFilter& other) const noexcept;

  std::uint32_t channels_ = 0;
  std::uint32_t max_sections_ = 0;
  std::uint32_t num_sections_ = 0;
  std::uint32_t native_lanes_ = 1;    // doubles per SIMD register on this CPU
  std::vector<Biquad> coefficients_;  // max_sections entries, the first num_sections_ used
  std::vector<Group> groups_;
  // Lines of their own: written for every chunk, possibly while another thread runs the
  // filter next to this one in the heap.
  std::vector<double, CacheLineAllocator<double>> state_;
  std::vector<double, CacheLineAllocator<double>> scratch_;  // [kChunkFrames][lane] doubles
};

}  // namespace fxgraph::dsp
