#include "fxgraph/nodes/dsp/sos_filter.h"

// The kernels (sos_kernels.h) pass vector values between always-inlined helpers. GCC
// warns that such values would be passed differently with and without AVX (-Wpsabi,
// reported at the end of the file); since every helper is inlined, no call with that
// ABI is ever made.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <cstring>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/denormals.h"
#include "fxgraph/nodes/dsp/sos_kernels.h"

namespace fxgraph::dsp {
namespace {

constexpr std::uint32_t kMaxChannels = 1024;
constexpr std::uint32_t kMaxSectionsLimit = 4096;
// Most sections per pass: their state stays in registers for the whole pass
// (4 sections x 2 states = 8 vector registers; the coefficients need 20 more).
constexpr std::uint32_t kSectionsPerPass = 4;

using kernels::SectionRef;

// A pass of 1..4 sections (runtime count) with the compile-time kernel to match.
template <int W, bool kDirect>
[[gnu::always_inline]] inline void run_pass_of(std::uint32_t sections, const SectionRef* refs,
                                               const float* const* in, float* const* out,
                                               std::uint32_t offset, double* scratch,
                                               std::uint32_t frames) noexcept {
  using kernels::run_pass;
  switch (sections) {
    case 1:
      run_pass<W, 1, kDirect>(refs, in, out, offset, scratch, frames);
      break;
    case 2:
      run_pass<W, 2, kDirect>(refs, in, out, offset, scratch, frames);
      break;
    case 3:
      run_pass<W, 3, kDirect>(refs, in, out, offset, scratch, frames);
      break;
    default:
      run_pass<W, 4, kDirect>(refs, in, out, offset, scratch, frames);
      break;
  }
}

// One channel group of W lanes over a whole block with run_pass. One or two lanes and
// up to four sections: one pass straight from the input to the output. Otherwise, per
// chunk of kChunkFrames, the planar input is transposed into the double scratch,
// passes of up to four sections run over it, and the result is transposed out. The
// signal between passes stays double, so the result does not depend on how the
// cascade is split into passes, nor on the block or chunk boundaries.
template <int W>
[[gnu::always_inline]] inline void run_passes(const SectionRef* refs, std::uint32_t count,
                                              double* scratch, const float* const* in,
                                              float* const* out, std::uint32_t frames) noexcept {
  if constexpr (W <= 2) {
    if (count <= kSectionsPerPass) {
      run_pass_of<W, true>(count, refs, in, out, 0, scratch, frames);
      return;
    }
  }
  // Balanced passes (5 sections: 3 + 2, not 4 + 1): a pass costs at least one
  // section's recursion latency per frame however few sections it holds.
  const std::uint32_t passes = (count + kSectionsPerPass - 1) / kSectionsPerPass;
  const std::uint32_t base = count / passes, longer = count % passes;
  for (std::uint32_t start = 0; start < frames; start += SosFilter::kChunkFrames) {
    const std::uint32_t n = std::min(frames - start, SosFilter::kChunkFrames);
    kernels::load_rows<W>(in, start, n, scratch);
    std::uint32_t first = 0;
    for (std::uint32_t p = 0; p < passes; ++p) {
      const std::uint32_t size = base + (p < longer ? 1 : 0);
      run_pass_of<W, false>(size, refs + first, in, out, start, scratch, n);
      first += size;
    }
    kernels::store_rows<W>(scratch, n, out, start);
  }
}

// A C-channel group with run_skewed on W-lane vectors, when the cascade fits in
// kMaxSkewVectors of them. Returns false when it does not (the caller runs passes).
template <int W, int C>
[[gnu::always_inline]] inline bool run_skewed_of(const SectionRef* refs, std::uint32_t count,
                                                 const float* const* in, float* const* out,
                                                 std::uint32_t frames) noexcept {
  using kernels::run_skewed;
  switch ((count * C + W - 1) / W) {
    case 1:
      run_skewed<W, C, 1>(refs, count, in, out, frames);
      return true;
    case 2:
      run_skewed<W, C, 2>(refs, count, in, out, frames);
      return true;
    case 3:
      run_skewed<W, C, 3>(refs, count, in, out, frames);
      return true;
    case 4:
      run_skewed<W, C, 4>(refs, count, in, out, frames);
      return true;
    default:
      return false;
  }
}

// One channel group of `lanes` channels through `count` (> 0) sections, on a CPU whose
// registers hold W doubles: skewed (sections side by side in the lanes) when the group
// is narrower than a register and has two or more sections, else in passes. Skewing
// needs at least 4 lanes to gain anything (measured), so plain SSE2 runs passes only.
template <int W>
[[gnu::always_inline]] inline bool run_skewed_group(std::uint32_t lanes, const SectionRef* refs,
                                                    std::uint32_t count, const float* const* in,
                                                    float* const* out,
                                                    std::uint32_t frames) noexcept {
  if (lanes == 1) return run_skewed_of<W, 1>(refs, count, in, out, frames);
  if (lanes == 2) return run_skewed_of<W, 2>(refs, count, in, out, frames);
  if constexpr (W >= 8)
    if (lanes == 4) return run_skewed_of<W, 4>(refs, count, in, out, frames);
  return false;
}

// The hot loop is compiled several times for different instruction sets and the best
// one for the running CPU is picked once, at load time (GCC/Clang function
// multiversioning): the same source becomes AVX-512 or AVX2+FMA code where
// available and SSE2 code otherwise. Without it, a generic x86-64 build would leave a
// machine's wider vector units idle. Each CPU always runs the same variant, so streaming
// stays bit-exact; results may differ in the last bits between CPUs (FMA contraction).
// Define FXGRAPH_NO_TARGET_CLONES to compile only for the build's own target flags (to
// test one variant, or for toolchains without ifunc support). ThreadSanitizer builds
// never use clones: the ifunc resolver runs before the TSan runtime is initialised and
// the program crashes at start-up (GCC 12).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(FXGRAPH_NO_TARGET_CLONES)
#define FXGRAPH_SOS_TARGET_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define FXGRAPH_SOS_USES_TARGET_CLONES 1
#else
#define FXGRAPH_SOS_TARGET_CLONES
#endif

// Doubles per SIMD register in the code variant that will run: the widest lane group
// worth forming. One register per Lanes value is the sweet spot, measured: wider
// groups spill the registers holding the state, narrower ones leave lanes idle
// (kernel alone, 60 s x 8 channels x 4 sections: AVX-512 12 ms with 8 lanes vs 22 ms
// with 4; AVX2 23 ms with 4 lanes vs 62 ms with 8; SSE2 44 ms with 2 lanes vs 61 ms
// with 8).
std::uint32_t native_lanes() noexcept {
#if defined(FXGRAPH_SOS_USES_TARGET_CLONES)
  // Mirrors the choice the target_clones resolver makes for run_group_any.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return 8;
  if (__builtin_cpu_supports("x86-64-v3")) return 4;
  return 2;
#elif defined(__AVX512F__)
  return 8;
#elif defined(__AVX__)
  return 4;
#else
  return 2;  // SSE2, NEON: 128-bit registers
#endif
}

FXGRAPH_SOS_TARGET_CLONES
void run_group_any(std::uint32_t native, std::uint32_t lanes, const SectionRef* refs,
                   std::uint32_t count, double* scratch, const float* const* in, float* const* out,
                   std::uint32_t frames) noexcept {
  if (count >= 2 && lanes < native) {
    bool done = false;
    if (native == 8)
      done = run_skewed_group<8>(lanes, refs, count, in, out, frames);
    else if (native == 4)
      done = run_skewed_group<4>(lanes, refs, count, in, out, frames);
    if (done) return;
  }
  switch (lanes) {
    case 8:
      run_passes<8>(refs, count, scratch, in, out, frames);
      break;
    case 4:
      run_passes<4>(refs, count, scratch, in, out, frames);
      break;
    case 2:
      run_passes<2>(refs, count, scratch, in, out, frames);
      break;
    default:
      run_passes<1>(refs, count, scratch, in, out, frames);
      break;
  }
}

}  // namespace

void SosFilter::prepare(std::uint32_t channels, std::uint32_t max_sections) {
  if (channels == 0 || channels > kMaxChannels)
    throw ParameterError("SosFilter channel count " + std::to_string(channels) +
                         " is out of range (1 to " + std::to_string(kMaxChannels) + ")");
  if (max_sections > kMaxSectionsLimit)
    throw ParameterError("SosFilter max_sections " + std::to_string(max_sections) +
                         " is out of range (0 to " + std::to_string(kMaxSectionsLimit) + ")");
  channels_ = channels;
  max_sections_ = max_sections;
  num_sections_ = 0;
  coefficients_.assign(max_sections, Biquad{});

  // Groups as wide as a SIMD register, then narrower ones for the remainder: with
  // AVX2 (4 lanes), 8 channels -> 4 + 4; 6 -> 4 + 2; 7 -> 4 + 2 + 1.
  groups_.clear();
  native_lanes_ = std::min(native_lanes(), kMaxLanes);
  std::size_t state_size = 0;
  std::uint32_t channel = 0;
  for (std::uint32_t lanes = native_lanes_; lanes >= 1; lanes /= 2) {
    while (channels - channel >= lanes) {
      groups_.push_back({channel, lanes, state_size});
      state_size += static_cast<std::size_t>(max_sections) * 2 * lanes;
      channel += lanes;
    }
  }
  state_.assign(state_size, 0.0);
  scratch_.assign(static_cast<std::size_t>(kChunkFrames) * kMaxLanes, 0.0);
}

bool SosFilter::set_sections(const Biquad* sections, std::uint32_t count) noexcept {
  if (count > max_sections_) return false;
  std::copy(sections, sections + count, coefficients_.begin());
  if (count < num_sections_) {
    // Clear the dropped sections' state so that they restart from silence if the
    // cascade grows again later.
    for (const Group& g : groups_) {
      double* first =
          state_.data() + g.state_offset + static_cast<std::size_t>(count) * 2 * g.lanes;
      double* last =
          state_.data() + g.state_offset + static_cast<std::size_t>(num_sections_) * 2 * g.lanes;
      std::fill(first, last, 0.0);
    }
  }
  num_sections_ = count;
  return true;
}

void SosFilter::reset() noexcept {
  std::fill(state_.begin(), state_.end(), 0.0);
}

bool SosFilter::same_groups(const SosFilter& other) const noexcept {
  if (channels_ != other.channels_ || groups_.size() != other.groups_.size()) return false;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    if (groups_[i].first_channel != other.groups_[i].first_channel ||
        groups_[i].lanes != other.groups_[i].lanes)
      return false;
  return true;
}

void SosFilter::process(const ConstAudioView& in, const AudioView& out) noexcept {
  SosFilter* self = this;
  process_chain(std::span<SosFilter* const>(&self, 1), in, out);
}

void SosFilter::process_chain(std::span<SosFilter* const> filters, const ConstAudioView& in,
                              const AudioView& out) noexcept {
  if (filters.empty()) return;
  SosFilter& head = *filters[0];
  const std::uint32_t frames = std::min(in.num_frames, out.num_frames);
  if (frames == 0 || in.num_channels < head.channels_ || out.num_channels < head.channels_) return;

  // The section list of one channel group, across all filters. Filters prepared for
  // the same channel count share the group layout; anything else, or a cascade longer
  // than the list holds, runs filter by filter (same result, one pass per filter).
  std::uint32_t total = 0;
  bool same_layout = true;
  for (const SosFilter* f : filters) {
    total += f->num_sections_;
    same_layout = same_layout && head.same_groups(*f);
  }
  if (!same_layout || total > kMaxChainSections) {
    filters[0]->process_chain(filters.first(1), in, out);
    for (SosFilter* f : filters.subspan(1))
      f->process_chain(std::span<SosFilter* const>(&f, 1), out, out);
    return;
  }
  if (total == 0) {
    for (std::uint32_t c = 0; c < head.channels_; ++c)
      if (out.channels[c] != in.channels[c])
        std::memmove(out.channels[c], in.channels[c], frames * sizeof(float));
    return;
  }

  ScopedFlushDenormals flush_denormals;
  SectionRef refs[kMaxChainSections];
  for (std::size_t gi = 0; gi < head.groups_.size(); ++gi) {
    const Group& g = head.groups_[gi];
    std::uint32_t count = 0;
    for (SosFilter* f : filters) {
      // Each filter's own offset: its groups are laid out for its own max_sections.
      double* state = f->state_.data() + f->groups_[gi].state_offset;
      for (std::uint32_t s = 0; s < f->num_sections_; ++s)
        refs[count++] = {&f->coefficients_[s], state + std::size_t(s) * 2 * g.lanes};
    }
    run_group_any(head.native_lanes_, g.lanes, refs, count, head.scratch_.data(),
                  in.channels + g.first_channel, out.channels + g.first_channel, frames);
  }
}

}  // namespace fxgraph::dsp
