#pragma once
// The inner loops of SosFilter (internal: included by sos_filter.cpp only).
//
// A cascade is a list of SectionRefs: one biquad's coefficients and where its state
// lives for the channel group being processed. The sections may come from several
// filters (SosFilter::process_chain); the signal stays double all the way through.
//
// Two kernels, the same per-lane arithmetic (transposed direct form II, in double):
//   - run_pass: the lanes of a vector are channels. Each frame walks through up to
//     four sections whose state stays in registers. Best when a group fills a vector
//     (8 channels with AVX-512), or for a single section.
//   - run_skewed: the lanes are (section, channel) pairs. With few channels (stereo
//     on an 8-lane AVX-512 register) most lanes of run_pass stay idle and each frame
//     waits on the recursion latency of every section in turn. Here section k works
//     on frame t - k while section 0 works on frame t, so one vector operation
//     advances up to W/C sections at once; the signal moves one section up per
//     iteration by a lane shift. The first and last iterations of a block (pipeline
//     fill and drain) update only the lanes whose frame lies in the block, so the
//     state between blocks is exactly that of the section-by-section loop.
//
// No intrinsics: GCC/Clang vector extensions, lowered to whatever the target has.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "fxgraph/nodes/dsp/biquad.h"

namespace fxgraph::dsp::kernels {

/// One section of a cascade, for one channel group of C lanes.
struct SectionRef {
  const Biquad* coefficients;
  double* state;  ///< [s1 of C lanes][s2 of C lanes]
};

// Lanes<W>: W doubles processed as one value. W > 1 uses the vector extension; W = 1 is
// a plain double. Values of these types never cross a function call (everything here
// is inlined), so their ABI does not matter.
template <int W>
struct LanesOf {
  typedef double type __attribute__((vector_size(W * sizeof(double))));
  typedef float floats __attribute__((vector_size(W * sizeof(float))));
  typedef std::int64_t mask __attribute__((vector_size(W * sizeof(double))));
};
template <>
struct LanesOf<1> {
  using type = double;
  using floats = float;
  using mask = std::int64_t;
};
template <int W>
using Lanes = typename LanesOf<W>::type;

/// Zips the low (kHigh = false) or high halves of a and b: a0 b0 a1 b1 ...
template <int W, bool kHigh, int... I>
[[gnu::always_inline]] inline Lanes<W> zip(Lanes<W> a, Lanes<W> b,
                                           std::integer_sequence<int, I...>) noexcept {
  constexpr int h = kHigh ? W / 2 : 0;
  return __builtin_shufflevector(a, b, (I % 2 == 0 ? h + I / 2 : W + h + I / 2)...);
}

/// Transposes the W x W matrix whose rows are m[0..W): log2(W) rounds of zips (the
/// perfect shuffle), W log2(W) shuffles in all.
template <int W>
[[gnu::always_inline]] inline void transpose(Lanes<W>* m) noexcept {
  if constexpr (W > 1) {
    constexpr auto kIndex = std::make_integer_sequence<int, W>{};
    for (int round = 1; round < W; round *= 2) {
      Lanes<W> next[W];
      for (int i = 0; i < W / 2; ++i) {
        next[2 * i] = zip<W, false>(m[i], m[i + W / 2], kIndex);
        next[2 * i + 1] = zip<W, true>(m[i], m[i + W / 2], kIndex);
      }
      for (int i = 0; i < W; ++i) m[i] = next[i];
    }
  }
}

/// Planar float channels in[0..W) at `offset` -> `frames` rows of W doubles
/// ([frame][lane]) in scratch. W frames at a time: one load per channel, a
/// transpose in registers, one store per frame.
template <int W>
[[gnu::always_inline]] inline void load_rows(const float* const* in, std::uint32_t offset,
                                             std::uint32_t frames, double* scratch) noexcept {
  using V = Lanes<W>;
  std::uint32_t n = 0;
  if constexpr (W > 1) {
    for (; n + W <= frames; n += W) {
      V m[W];
      for (int l = 0; l < W; ++l) {
        typename LanesOf<W>::floats f;
        std::memcpy(&f, in[l] + offset + n, sizeof(f));
        m[l] = __builtin_convertvector(f, V);
      }
      transpose<W>(m);
      for (int r = 0; r < W; ++r) std::memcpy(scratch + std::size_t(n + r) * W, &m[r], sizeof(V));
    }
  }
  for (; n < frames; ++n)
    for (int l = 0; l < W; ++l) scratch[std::size_t(n) * W + l] = in[l][offset + n];
}

/// The inverse of load_rows: rows of W doubles -> planar float channels (rounded).
template <int W>
[[gnu::always_inline]] inline void store_rows(const double* scratch, std::uint32_t frames,
                                              float* const* out, std::uint32_t offset) noexcept {
  using V = Lanes<W>;
  std::uint32_t n = 0;
  if constexpr (W > 1) {
    for (; n + W <= frames; n += W) {
      V m[W];
      for (int r = 0; r < W; ++r) std::memcpy(&m[r], scratch + std::size_t(n + r) * W, sizeof(V));
      transpose<W>(m);
      for (int l = 0; l < W; ++l) {
        const auto f = __builtin_convertvector(m[l], typename LanesOf<W>::floats);
        std::memcpy(out[l] + offset + n, &f, sizeof(f));
      }
    }
  }
  for (; n < frames; ++n)
    for (int l = 0; l < W; ++l)
      out[l][offset + n] = static_cast<float>(scratch[std::size_t(n) * W + l]);
}

/// Runs `frames` frames of a W-channel group through S sections. S and W are
/// compile-time, so the section loop unrolls and the S x 2 state values live in
/// registers for the whole call (state in memory puts a store-to-load round trip into
/// every section's recursion: measured 2.4x slower). kDirect: from the planar float
/// channels in[l] + offset to out[l] + offset, which is cheapest for one or two lanes;
/// otherwise in place on `frames` rows of W doubles ([frame][lane]) in scratch, filled
/// by load_rows — with 8 lanes, gathering the channels lane by lane here instead cost
/// more than the filtering. Each frame reads all lanes before writing any, so in and
/// out may be the same memory.
template <int W, int S, bool kDirect>
[[gnu::always_inline]] inline void run_pass(const SectionRef* __restrict refs,
                                            const float* const* in, float* const* out,
                                            std::uint32_t offset, double* __restrict scratch,
                                            std::uint32_t frames) noexcept {
  using V = Lanes<W>;
  V s1[S], s2[S];
  double b0[S], b1[S], b2[S], a1[S], a2[S];
  for (int s = 0; s < S; ++s) {
    std::memcpy(&s1[s], refs[s].state, sizeof(V));
    std::memcpy(&s2[s], refs[s].state + W, sizeof(V));
    const Biquad& c = *refs[s].coefficients;
    b0[s] = c.b0;
    b1[s] = c.b1;
    b2[s] = c.b2;
    a1[s] = c.a1;
    a2[s] = c.a2;
  }
  for (std::uint32_t n = 0; n < frames; ++n) {
    V v;
    if constexpr (kDirect) {
      double lanes[W];
      for (int l = 0; l < W; ++l) lanes[l] = in[l][offset + n];
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
    if constexpr (kDirect) {
      double lanes[W];
      std::memcpy(lanes, &v, sizeof(V));
      for (int l = 0; l < W; ++l) out[l][offset + n] = static_cast<float>(lanes[l]);
    } else {
      std::memcpy(scratch + static_cast<std::size_t>(n) * W, &v, sizeof(V));
    }
  }
  for (int s = 0; s < S; ++s) {
    std::memcpy(refs[s].state, &s1[s], sizeof(V));
    std::memcpy(refs[s].state + W, &s2[s], sizeof(V));
  }
}

/// Lane i of the result is high[i - C] for i >= C, else low[W - C + i]: every lane moves
/// up by C, the top C lanes of `low` entering at the bottom (one instruction, e.g.
/// valignq or vpermt2pd with AVX-512).
template <int W, int C, int... I>
[[gnu::always_inline]] inline Lanes<W> shift_in(Lanes<W> low, Lanes<W> high,
                                                std::integer_sequence<int, I...>) noexcept {
  return __builtin_shufflevector(low, high, (I < C ? W - C + I : W + I - C)...);
}

/// Lanes 0..C-1 of v repeated across the vector: lane i is v[i % C].
template <int W, int C, int... I>
[[gnu::always_inline]] inline Lanes<W> repeat(Lanes<W> v,
                                              std::integer_sequence<int, I...>) noexcept {
  return __builtin_shufflevector(v, v, (I % C)...);
}

/// Most vectors run_skewed keeps in flight: beyond four, its 7 values per vector no
/// longer fit the 32 AVX-512 registers.
inline constexpr int kMaxSkewVectors = 4;

/// Runs `frames` frames of a C-channel group through `count` sections (refs), with
/// W-lane vectors, V of them (V * W >= count * C, C < W, count >= 2). Lane j of the
/// V * W lanes is stage j / C, channel j % C. The sections take the last `count`
/// stages, so the output always leaves from the last C lanes (a fixed position keeps
/// the vectors in registers); the input is blended into the lanes of the first
/// section, and the unused stages before it compute nothing anyone reads. Iteration t
/// feeds frame t to section 0 while section k works on frame t - k: a block of n
/// frames takes n + count - 1 iterations.
template <int W, int C, int V>
[[gnu::always_inline]] inline void run_skewed(const SectionRef* __restrict refs,
                                              std::uint32_t count, const float* const* in,
                                              float* const* out, std::uint32_t frames) noexcept {
  static_assert(C < W && W % C == 0);
  using Vec = Lanes<W>;
  using Mask = typename LanesOf<W>::mask;
  constexpr int kLanes = V * W;
  constexpr int kStages = kLanes / C;
  const int first = kStages - static_cast<int>(count);  // stage of refs[0]

  // Per-lane coefficients and state; the unused stages in front get a pass-through
  // section (their values are never read, but stay finite).
  alignas(64) double lane[7][kLanes];
  for (int j = 0; j < kLanes; ++j) {
    const int stage = j / C, channel = j % C;
    Biquad c{};
    double s1 = 0.0, s2 = 0.0;
    if (stage >= first) {
      const SectionRef& r = refs[stage - first];
      c = *r.coefficients;
      s1 = r.state[channel];
      s2 = r.state[C + channel];
    }
    lane[0][j] = c.b0;
    lane[1][j] = c.b1;
    lane[2][j] = c.b2;
    lane[3][j] = c.a1;
    lane[4][j] = c.a2;
    lane[5][j] = s1;
    lane[6][j] = s2;
  }
  // stage: the lane's section number (negative in front of the first); entry: the
  // lanes of section 0, where the input comes in.
  Vec b0[V], b1[V], b2[V], a1[V], a2[V], s1[V], s2[V], stage[V], y[V];
  Mask entry[V];
  for (int v = 0; v < V; ++v) {
    std::memcpy(&b0[v], &lane[0][v * W], sizeof(Vec));
    std::memcpy(&b1[v], &lane[1][v * W], sizeof(Vec));
    std::memcpy(&b2[v], &lane[2][v * W], sizeof(Vec));
    std::memcpy(&a1[v], &lane[3][v * W], sizeof(Vec));
    std::memcpy(&a2[v], &lane[4][v * W], sizeof(Vec));
    std::memcpy(&s1[v], &lane[5][v * W], sizeof(Vec));
    std::memcpy(&s2[v], &lane[6][v * W], sizeof(Vec));
    for (int l = 0; l < W; ++l) {
      stage[v][l] = (v * W + l) / C - first;
      entry[v][l] = (v * W + l) / C == first ? -1 : 0;
    }
    y[v] = Vec{};
  }

  const Vec zero{};
  const Vec last_frame = zero + (static_cast<double>(frames) - 1.0);
  constexpr auto kLaneIndex = std::make_integer_sequence<int, W>{};

  const std::int64_t latency = static_cast<std::int64_t>(count) - 1;

  // One iteration: frame t into section 0, every section one step, the last one's
  // result (frame t - latency) out. kMasked: only lanes whose frame is in the block
  // keep their new state (pipeline fill and drain).
  auto step = [&]<bool kMasked, bool kInput, bool kOutput>(std::int64_t t) {
    // The C input samples repeated across the lanes (c, c + C, ...), to blend in.
    Vec input{};
    if constexpr (kInput) {
      Vec first_lanes{};
      for (int c = 0; c < C; ++c) first_lanes[c] = in[c][t];
      input = repeat<W, C>(first_lanes, kLaneIndex);
    }
    // x[v]: every stage takes what the stage below produced last iteration; the top
    // lanes of one vector feed the bottom of the next; section 0 takes the input.
    Vec x[V];
    x[0] = shift_in<W, C>(input, y[0], kLaneIndex);
    for (int v = 1; v < V; ++v) x[v] = shift_in<W, C>(y[v - 1], y[v], kLaneIndex);
    for (int v = 0; v < V; ++v) x[v] = entry[v] ? input : x[v];
    for (int v = 0; v < V; ++v) {
      const Vec yn = b0[v] * x[v] + s1[v];
      const Vec s1n = b1[v] * x[v] + s2[v] - a1[v] * yn;
      const Vec s2n = b2[v] * x[v] - a2[v] * yn;
      if constexpr (kMasked) {
        const Vec age = static_cast<double>(t) - stage[v];
        const Mask live = (age >= zero) & (age <= last_frame);
        s1[v] = live ? s1n : s1[v];
        s2[v] = live ? s2n : s2[v];
      } else {
        s1[v] = s1n;
        s2[v] = s2n;
      }
      y[v] = yn;
    }
    if constexpr (kOutput) {
      const std::int64_t n = t - latency;
      for (int c = 0; c < C; ++c) out[c][n] = static_cast<float>(y[V - 1][W - C + c]);
    }
  };
  const std::int64_t n_frames = frames;
  const std::int64_t total = n_frames + latency;
  const std::int64_t fill_end = std::min<std::int64_t>(latency, total);
  std::int64_t t = 0;
  for (; t < fill_end; ++t) {
    if (t < n_frames)
      step.template operator()<true, true, false>(t);
    else
      step.template operator()<true, false, false>(t);
  }
  for (; t < n_frames; ++t) step.template operator()<false, true, true>(t);
  for (; t < total; ++t) step.template operator()<true, false, true>(t);

  for (int v = 0; v < V; ++v) {
    std::memcpy(&lane[5][v * W], &s1[v], sizeof(Vec));
    std::memcpy(&lane[6][v * W], &s2[v], sizeof(Vec));
  }
  for (int j = first * C; j < kLanes; ++j) {
    const SectionRef& r = refs[j / C - first];
    r.state[j % C] = lane[5][j];
    r.state[C + j % C] = lane[6][j];
  }
}

}  // namespace fxgraph::dsp::kernels
