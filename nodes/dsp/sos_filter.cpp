#include "nodes/dsp/sos_filter.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/errors.h"
#include "nodes/dsp/denormals.h"

namespace fxgraph::dsp {
namespace {

constexpr std::uint32_t kMaxChannels = 1024;
constexpr std::uint32_t kMaxSectionsLimit = 4096;
// Most sections per pass: their state stays in registers for the whole pass
// (4 sections x 2 states = 8 vector registers; the coefficients need 20 more).
constexpr std::uint32_t kSectionsPerPass = 4;

// Lanes<W>: the samples of W channels at one instant, processed as one value. W > 1
// uses the GCC/Clang vector extension: portable C++ arithmetic (+, -, * and scalar
// broadcast) on a fixed-size vector, which the compiler lowers to whatever SIMD
// registers the target has (one AVX-512 register for 8 doubles, two AVX2 or four SSE2
// registers otherwise). No instruction-set intrinsics: the code is the same for every
// target. W = 1 is a plain double. Values of these types never cross a function call
// (everything below is inlined), so their ABI does not matter.
template <int W>
struct LanesOf;
template <>
struct LanesOf<1> {
  using type = double;
};
template <>
struct LanesOf<2> {
  typedef double type __attribute__((vector_size(2 * sizeof(double))));
};
template <>
struct LanesOf<4> {
  typedef double type __attribute__((vector_size(4 * sizeof(double))));
};
template <>
struct LanesOf<8> {
  typedef double type __attribute__((vector_size(8 * sizeof(double))));
};
template <int W>
using Lanes = typename LanesOf<W>::type;

// Runs `frames` frames of a W-channel group through S sections (TDF-II). S and W are
// compile-time, so the section loop unrolls and the S x 2 state values (one Lanes each)
// live in registers for the whole call; keeping them in memory instead puts a
// store-to-load round trip into every section's recursion (measured 2.4x slower).
// The input is either the group's planar float channels (kFromInput; in[l] + offset)
// or a [frame][lane] double scratch; the output likewise (kToOutput). Reading the
// planar channels directly, rather than transposing through the scratch, saves a
// third of the time with AVX2. Each frame reads all lanes before writing any, so in
// and out may be the same memory.
template <int W, int S, bool kFromInput, bool kToOutput>
[[gnu::always_inline]] inline void run_pass(const Biquad* __restrict c, double* __restrict state,
                                            const float* const* in, float* const* out,
                                            std::uint32_t offset, double* __restrict scratch,
                                            std::uint32_t frames) noexcept {
  using V = Lanes<W>;
  V s1[S], s2[S];
  double b0[S], b1[S], b2[S], a1[S], a2[S];
  for (int s = 0; s < S; ++s) {
    std::memcpy(&s1[s], state + (2 * s) * W, sizeof(V));
    std::memcpy(&s2[s], state + (2 * s + 1) * W, sizeof(V));
    b0[s] = c[s].b0;
    b1[s] = c[s].b1;
    b2[s] = c[s].b2;
    a1[s] = c[s].a1;
    a2[s] = c[s].a2;
  }
  const float* source[W];
  float* destination[W];
  for (int l = 0; l < W; ++l) {
    source[l] = kFromInput ? in[l] + offset : nullptr;
    destination[l] = kToOutput ? out[l] + offset : nullptr;
  }
  for (std::uint32_t n = 0; n < frames; ++n) {
    // Scratch rows are copied straight into (out of) the vector: staging them through a
    // double[W] array made GCC split the copy into halves and stall on store
    // forwarding every frame.
    V v;
    if constexpr (kFromInput) {
      double lanes[W];
      for (int l = 0; l < W; ++l) lanes[l] = source[l][n];
      std::memcpy(&v, lanes, sizeof(V));
    } else {
      std::memcpy(&v, scratch + static_cast<std::size_t>(n) * W, sizeof(V));
    }
    for (int s = 0; s < S; ++s) {
      const V y = b0[s] * v + s1[s];
      s1[s] = b1[s] * v + s2[s] - a1[s] * y;
      s2[s] = b2[s] * v - a2[s] * y;
      v = y;
    }
    if constexpr (kToOutput) {
      double lanes[W];
      std::memcpy(lanes, &v, sizeof(V));
      for (int l = 0; l < W; ++l) destination[l][n] = static_cast<float>(lanes[l]);
    } else {
      std::memcpy(scratch + static_cast<std::size_t>(n) * W, &v, sizeof(V));
    }
  }
  for (int s = 0; s < S; ++s) {
    std::memcpy(state + (2 * s) * W, &s1[s], sizeof(V));
    std::memcpy(state + (2 * s + 1) * W, &s2[s], sizeof(V));
  }
}

// A pass of 1..4 sections (runtime count) with the compile-time kernel to match.
template <int W, bool kFromInput, bool kToOutput>
[[gnu::always_inline]] inline void run_pass_of(std::uint32_t sections, const Biquad* c,
                                               double* state, const float* const* in,
                                               float* const* out, std::uint32_t offset,
                                               double* scratch, std::uint32_t frames) noexcept {
  switch (sections) {
    case 1:
      run_pass<W, 1, kFromInput, kToOutput>(c, state, in, out, offset, scratch, frames);
      break;
    case 2:
      run_pass<W, 2, kFromInput, kToOutput>(c, state, in, out, offset, scratch, frames);
      break;
    case 3:
      run_pass<W, 3, kFromInput, kToOutput>(c, state, in, out, offset, scratch, frames);
      break;
    default:
      run_pass<W, 4, kFromInput, kToOutput>(c, state, in, out, offset, scratch, frames);
      break;
  }
}

// One channel group over a whole block. Up to four sections: one pass straight from
// the input to the output. More: per chunk of kChunkFrames, the first pass reads the
// input into the double scratch, middle passes work in the scratch, the last writes
// the output (the intermediate signal stays double, so the result does not depend on
// how the cascade is split into passes, nor on the block or chunk boundaries).
template <int W>
[[gnu::always_inline]] inline void run_group(const Biquad* coefficients, std::uint32_t count,
                                             double* state, double* scratch, const float* const* in,
                                             float* const* out, std::uint32_t frames) noexcept {
  if (count == 0) {
    for (int l = 0; l < W; ++l)
      if (out[l] != in[l]) std::memmove(out[l], in[l], frames * sizeof(float));
    return;
  }
  if (count <= kSectionsPerPass) {
    run_pass_of<W, true, true>(count, coefficients, state, in, out, 0, scratch, frames);
    return;
  }
  // Balanced passes (5 sections: 3 + 2, not 4 + 1): a pass costs at least one
  // section's recursion latency per frame however few sections it holds.
  const std::uint32_t passes = (count + kSectionsPerPass - 1) / kSectionsPerPass;
  const std::uint32_t base = count / passes, longer = count % passes;
  for (std::uint32_t start = 0; start < frames; start += SosFilter::kChunkFrames) {
    const std::uint32_t n = std::min(frames - start, SosFilter::kChunkFrames);
    std::uint32_t first = 0;
    for (std::uint32_t p = 0; p < passes; ++p) {
      const std::uint32_t size = base + (p < longer ? 1 : 0);
      const Biquad* c = coefficients + first;
      double* st = state + static_cast<std::size_t>(first) * 2 * W;
      if (p == 0)
        run_pass_of<W, true, false>(size, c, st, in, out, start, scratch, n);
      else if (p + 1 < passes)
        run_pass_of<W, false, false>(size, c, st, in, out, start, scratch, n);
      else
        run_pass_of<W, false, true>(size, c, st, in, out, start, scratch, n);
      first += size;
    }
  }
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
void run_group_any(std::uint32_t lanes, const Biquad* coefficients, std::uint32_t count,
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
  coefficients_.assign(max_sections, Biquad{});

  // Groups as wide as a SIMD register, then narrower ones for the remainder: with
  // AVX2 (4 lanes), 8 channels -> 4 + 4; 6 -> 4 + 2; 7 -> 4 + 2 + 1.
  groups_.clear();
  std::size_t state_size = 0;
  std::uint32_t channel = 0;
  for (std::uint32_t lanes = std::min(native_lanes(), kMaxLanes); lanes >= 1; lanes /= 2) {
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
