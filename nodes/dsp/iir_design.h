#pragma once
// The IIR design math (analog prototype, prewarped bilinear transform, zpk2sos-style
// pairing and per-section unit gain) into fixed-size arrays: no heap, no exceptions,
// so filter nodes can redesign on the audio thread when a cutoff moves.
// filter_design.h's butterworth()/cheby1()/… validate with helpful errors and then call
// design_iir, so there is one implementation of the math. On the audio thread an
// invalid specification simply returns false and the caller keeps its coefficients.
//
// Capacity: order 16 gives 8 sections; Linkwitz-Riley 8 gives 2 x 2 = 4.

#include <array>
#include <complex>
#include <cstdint>

#include "fxgraph/nodes/dsp/biquad.h"
#include "fxgraph/nodes/dsp/filter_design.h"

namespace fxgraph::dsp {

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

/// An analog lowpass prototype (cutoff 1 rad/s) in zero-pole-gain form, as SciPy's
/// buttap/cheb1ap/cheb2ap/ellipap give it: every root listed (conjugates too),
/// H(s) = gain · Π(s - zeros) / Π(s - poles).
struct AnalogZpk {
  std::array<std::complex<double>, kMaxIirOrder> zeros{};
  std::array<std::complex<double>, kMaxIirOrder> poles{};
  std::uint32_t zero_count = 0;
  std::uint32_t pole_count = 0;
  double gain = 1.0;
};

/// The analog prototype of `spec`'s family, order, ripple and attenuation (kind, cutoff
/// and sample rate are ignored; Linkwitz-Riley gives its Butterworth of half the order).
/// False for a specification design_iir would reject. Audio thread: noexcept.
bool analog_prototype(const IirSpec& spec, AnalogZpk& out) noexcept;

/// Section count design_iir gives for a family and order (0 for an invalid order).
std::uint32_t iir_section_count(IirFamily family, int order) noexcept;

}  // namespace fxgraph::dsp
