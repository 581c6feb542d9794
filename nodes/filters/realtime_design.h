#pragma once
// Allocation-free IIR design for the audio thread.
//
// Why: nodes/dsp/filter_design.h returns std::vector and throws, so a filter node may
// not call it from on_parameter() (audio thread) when a cutoff moves. This file redoes
// the same math (analog prototype, prewarped bilinear transform, zpk2sos-style pairing
// and per-section unit gain) into fixed-size arrays, so the result equals the dsp
// design bit for bit while never touching the heap and never throwing. The node still
// calls the throwing dsp design on the control thread (prepare) for its error
// messages; on the audio thread an invalid specification simply returns false and the
// caller keeps its previous coefficients.
//
// Capacity: order 16 gives 8 sections; Linkwitz-Riley 8 gives 2 x 2 = 4.

#include <array>
#include <cstdint>

#include "nodes/dsp/biquad.h"
#include "nodes/dsp/filter_design.h"

namespace fxgraph::filters {

inline constexpr std::uint32_t kMaxSections = 8;

/// A cascade of at most kMaxSections biquads, held by value (no heap).
struct SectionArray {
  std::array<dsp::Biquad, kMaxSections> sections{};
  std::uint32_t count = 0;
};

enum class IirFamily { butterworth, cheby1, cheby2, elliptic, linkwitz_riley };

/// Everything an IIR design needs; fields a family does not use are ignored.
struct IirSpec {
  IirFamily family = IirFamily::butterworth;
  dsp::FilterKind kind = dsp::FilterKind::lowpass;
  int order = 4;
  double cutoff_hz = 1000.0;
  double ripple_db = 0.5;  ///< cheby1, elliptic
  double atten_db = 40.0;  ///< cheby2, elliptic
  double sample_rate = 48000.0;
};

/// Designs `spec` into `out` (audio thread: noexcept, no allocation). Returns false and
/// leaves `out` untouched when the dsp design would reject the specification.
bool design_iir(const IirSpec& spec, SectionArray& out) noexcept;

/// Section count design_iir gives for a family and order (0 for an invalid order).
std::uint32_t iir_section_count(IirFamily family, int order) noexcept;

}  // namespace fxgraph::filters
