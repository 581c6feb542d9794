#pragma once
// The inner loops of SosFilter (internal: included by sos_filter.cpp only).
//
// A cascade is a list of SectionRefs: one biquad's coefficients, where its state lives
// for the channel group being processed, and whether the signal is rounded to float
// after it. Rounding marks the boundary between two filters run as one cascade
// (SosFilter::process_chain): a filter on its own writes float samples into a buffer,
// so rounding there makes a fused chain give bit for bit what separate filters give.
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

#include "nodes/dsp/biquad.h"

namespace fxgraph::dsp::kernels {

/// One section of a cascade, for one channel group of C lanes.
struct SectionRef {
  const Biquad* coefficients;
  double* state;  ///< [s1 of C lanes][s2 of C lanes]
  bool round_after;
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

/// The value each lane would hold after a trip through a float buffer.
template <int W>
[[gnu::always_inline]] inline Lanes<W> round_to_float(Lanes<W> v) noexcept {
  if constexpr (W == 1)
    return static_cast<double>(static_cast<float>(v));
  else
    return __builtin_convertvector(__builtin_convertvector(v, typename LanesOf<W>::floats),
                                   Lanes<W>);
}

/// Runs `frames` frames of a W-channel group through S sections. S and W are
/// compile-time, so the section loop unrolls and the S x 2 state values live in
/// registers for the whole call (state in memory puts a store-to-load round trip into
/// every section's recursion: measured 2.4x slower). The input is the group's planar
/// float channels (kFromInput; in[l] + offset) or a [frame][lane] double scratch; the
/// output likewise (kToOutput). Each frame reads all lanes before writing any, so in
/// and out may be the same memory.
template <int W, int S, bool kFromInput, bool kToOutput>
[[gnu::always_inline]] inline void run_pass(const SectionRef* __restrict refs,
                                            const float* const* in, float* const* out,
                                            std::uint32_t offset, double* __restrict scratch,
                                            std::uint32_t frames) noexcept {
  using V = Lanes<W>;
  V s1[S], s2[S];
  double b0[S], b1[S], b2[S], a1[S], a2[S];
  bool round[S];
  for (int s = 0; s < S; ++s) {
    std::memcpy(&s1[s], refs[s].state, sizeof(V));
    std::memcpy(&s2[s], refs[s].state + W, sizeof(V));
    const Biquad& c = *refs[s].coefficients;
    b0[s] = c.b0;
    b1[s] = c.b1;
    b2[s] = c.b2;
    a1[s] = c.a1;
    a2[s] = c.a2;
    round[s] = refs[s].round_after;
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
      if (round[s]) v = round_to_float<W>(v);  // same branch every frame: predicted
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

/// Most vectors run_skewed keeps in flight: beyond four, its 7 values per vector no
/// longer fit the 32 AVX-512 registers.
inline constexpr int kMaxSkewVectors = 4;

/// Runs `frames` frames of a C-channel group through `count` sections (refs), with
/// W-lane vectors, V of them (V * W >= count * C, C < W, count >= 2). Lane j of the
/// V * W lanes is stage j / C, channel j % C. The sections take the last `count`
/// stages; the stages before them are identity sections (y = x), so the input enters
/// at lane 0 and the output always leaves from the last C lanes. Iteration t feeds
/// frame t to stage 0 while stage k works on frame t - k.
template <int W, int C, int V, bool kRounding>
[[gnu::always_inline]] inline void run_skewed(const SectionRef* __restrict refs,
                                              std::uint32_t count, const float* const* in,
                                              float* const* out, std::uint32_t frames) noexcept {
  static_assert(C < W && W % C == 0);
  using Vec = Lanes<W>;
  using Mask = typename LanesOf<W>::mask;
  constexpr int kLanes = V * W;
  constexpr int kStages = kLanes / C;
  const int first = kStages - static_cast<int>(count);  // stage of refs[0]

  // Per-lane coefficients, state, stage number and rounding flag; identity stages
  // (and their state, which stays zero) fill the front.
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
  Vec b0[V], b1[V], b2[V], a1[V], a2[V], s1[V], s2[V], stage[V], y[V];
  Mask round[V];
  for (int v = 0; v < V; ++v) {
    std::memcpy(&b0[v], &lane[0][v * W], sizeof(Vec));
    std::memcpy(&b1[v], &lane[1][v * W], sizeof(Vec));
    std::memcpy(&b2[v], &lane[2][v * W], sizeof(Vec));
    std::memcpy(&a1[v], &lane[3][v * W], sizeof(Vec));
    std::memcpy(&a2[v], &lane[4][v * W], sizeof(Vec));
    std::memcpy(&s1[v], &lane[5][v * W], sizeof(Vec));
    std::memcpy(&s2[v], &lane[6][v * W], sizeof(Vec));
    for (int l = 0; l < W; ++l) {
      const int j = v * W + l, st = j / C;
      stage[v][l] = st;
      round[v][l] = st >= first && refs[st - first].round_after ? -1 : 0;
    }
    y[v] = Vec{};
  }

  const Vec zero{};
  const Vec last_frame = zero + (static_cast<double>(frames) - 1.0);
  constexpr auto kLaneIndex = std::make_integer_sequence<int, W>{};

  // One iteration: frame t into stage 0, every stage one step, the last stage's
  // result (frame t - kStages + 1) out. kMasked: only lanes whose frame is in the block
  // keep their new state (pipeline fill and drain).
  auto step = [&]<bool kMasked, bool kInput, bool kOutput>(std::int64_t t) {
    Vec input{};
    if constexpr (kInput)
      for (int c = 0; c < C; ++c) input[W - C + c] = in[c][t];
    // x[v]: every stage takes what the stage below produced last iteration; the top
    // lanes of one vector feed the bottom of the next, and the input enters vector 0.
    Vec x[V];
    x[0] = shift_in<W, C>(input, y[0], kLaneIndex);
    for (int v = 1; v < V; ++v) x[v] = shift_in<W, C>(y[v - 1], y[v], kLaneIndex);
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
      if constexpr (kRounding)
        y[v] = round[v] ? round_to_float<W>(yn) : yn;
      else
        y[v] = yn;
    }
    if constexpr (kOutput) {
      const std::int64_t n = t - (kStages - 1);
      for (int c = 0; c < C; ++c) out[c][n] = static_cast<float>(y[V - 1][W - C + c]);
    }
  };
  const std::int64_t n_frames = frames;
  const std::int64_t total = n_frames + kStages - 1;
  const std::int64_t fill_end = std::min<std::int64_t>(kStages - 1, total);
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
