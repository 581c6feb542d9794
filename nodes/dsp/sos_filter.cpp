#include "nodes/dsp/sos_filter.h"

#include <algorithm>
#include <string>

#include "engine/errors.h"
#include "nodes/dsp/denormals.h"

namespace fxgraph::dsp {
namespace {

constexpr std::uint32_t kMaxChannels = 1024;
constexpr std::uint32_t kMaxSectionsLimit = 4096;
constexpr std::uint32_t kCoefficients = 5;  // b0 b1 b2 a1 a2

// Runs every frame of a W-lane interleaved chunk through `count` sections (TDF-II), in
// place. The innermost loops run over lanes on arrays of compile-time length, which
// the compiler turns into SIMD instructions: the frame is copied into a local array,
// coefficients are stored pre-broadcast across kMaxLanes lanes
// ([section][coefficient][lane]) and the state lane-minor ([section][s1|s2][lane]), so
// every operand is a plain vector load. (Writing through a pointer into the chunk
// instead of the local array defeats GCC's vectoriser: it then has to assume the
// chunk and the state may overlap.) The state stays in L1 rather than registers; the
// arithmetic, not the memory traffic, bounds the speed.
template <int W>
[[gnu::always_inline]] inline void run_chunk(const double* __restrict coefficients,
                                             std::uint32_t count, double* __restrict state,
                                             double* __restrict chunk,
                                             std::uint32_t frames) noexcept {
  constexpr std::size_t kStride = SosFilter::kMaxLanes;
  for (std::uint32_t n = 0; n < frames; ++n) {
    double v[W];
    for (int l = 0; l < W; ++l) v[l] = chunk[n * W + l];
    for (std::uint32_t s = 0; s < count; ++s) {
      const double* c = coefficients + s * kCoefficients * kStride;
      double* s1 = state + s * 2 * W;
      double* s2 = s1 + W;
      for (int l = 0; l < W; ++l) {
        const double x = v[l];
        const double y = c[l] * x + s1[l];
        s1[l] = c[kStride + l] * x + s2[l] - c[3 * kStride + l] * y;
        s2[l] = c[2 * kStride + l] * x - c[4 * kStride + l] * y;
        v[l] = y;
      }
    }
    for (int l = 0; l < W; ++l) chunk[n * W + l] = v[l];
  }
}

// One channel group over a whole block: float planar -> double interleaved chunk ->
// sections -> float planar, kChunkFrames at a time. Reading a whole chunk before
// writing any of it makes in-place processing safe.
template <int W>
[[gnu::always_inline]] inline void run_group(const double* coefficients, std::uint32_t count,
                                             double* state, double* chunk, const float* const* in,
                                             float* const* out, std::uint32_t frames) noexcept {
  for (std::uint32_t start = 0; start < frames; start += SosFilter::kChunkFrames) {
    const std::uint32_t n_frames = std::min(frames - start, SosFilter::kChunkFrames);
    for (std::uint32_t n = 0; n < n_frames; ++n)
      for (int l = 0; l < W; ++l) chunk[n * W + l] = in[l][start + n];
    run_chunk<W>(coefficients, count, state, chunk, n_frames);
    // Lane-outer here (frame-outer above): GCC vectorises each direction only in
    // this arrangement (contiguous stores, strided loads).
    for (int l = 0; l < W; ++l) {
      float* __restrict dst = out[l] + start;
      for (std::uint32_t n = 0; n < n_frames; ++n) dst[n] = static_cast<float>(chunk[n * W + l]);
    }
  }
}

// The hot loop is compiled several times for different instruction sets and the best
// one for the running CPU is picked once, at load time (GCC/Clang function
// multiversioning): the same plain C++ becomes AVX-512 or AVX2+FMA code where
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
#else
#define FXGRAPH_SOS_TARGET_CLONES
#endif

FXGRAPH_SOS_TARGET_CLONES
void run_group_any(std::uint32_t lanes, const double* coefficients, std::uint32_t count,
                   double* state, double* chunk, const float* const* in, float* const* out,
                   std::uint32_t frames) noexcept {
  switch (lanes) {
    case 8:
      run_group<8>(coefficients, count, state, chunk, in, out, frames);
      break;
    case 4:
      run_group<4>(coefficients, count, state, chunk, in, out, frames);
      break;
    case 2:
      run_group<2>(coefficients, count, state, chunk, in, out, frames);
      break;
    default:
      run_group<1>(coefficients, count, state, chunk, in, out, frames);
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
  coefficients_.assign(static_cast<std::size_t>(max_sections) * kCoefficients * kMaxLanes, 0.0);

  // Widest groups first: 8 channels -> one group of 8; 6 -> 4 + 2; 7 -> 4 + 2 + 1.
  groups_.clear();
  std::size_t state_size = 0;
  std::uint32_t channel = 0;
  for (std::uint32_t lanes = kMaxLanes; lanes >= 1; lanes /= 2) {
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
  for (std::uint32_t s = 0; s < count; ++s) {
    const double values[kCoefficients] = {sections[s].b0, sections[s].b1, sections[s].b2,
                                          sections[s].a1, sections[s].a2};
    double* dst = coefficients_.data() + static_cast<std::size_t>(s) * kCoefficients * kMaxLanes;
    for (std::uint32_t k = 0; k < kCoefficients; ++k)
      std::fill(dst + k * kMaxLanes, dst + (k + 1) * kMaxLanes, values[k]);
  }
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

void SosFilter::process(const AudioView& in, const AudioView& out) noexcept {
  const std::uint32_t frames = std::min(in.num_frames, out.num_frames);
  if (frames == 0 || in.num_channels < channels_ || out.num_channels < channels_) return;

  ScopedFlushDenormals flush_denormals;
  for (const Group& g : groups_) {
    run_group_any(g.lanes, coefficients_.data(), num_sections_, state_.data() + g.state_offset,
                  scratch_.data(), in.channels + g.first_channel, out.channels + g.first_channel,
                  frames);
  }
}

}  // namespace fxgraph::dsp
