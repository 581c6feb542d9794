#pragma once
// Band-pass and band-stop IIR designs, as SciPy's iirfilter makes them for
// butter/cheby1/cheby2/ellip with btype bandpass or bandstop: the family's analog
// prototype (iir_design.h) in zero-pole-gain form, lp2bp_zpk or lp2bs_zpk at the
// prewarped band edges, bilinear_zpk, then second-order sections. A band filter of
// order n has 2n poles, so n sections; order 8 fills the kMaxSections a filter node
// holds.
//
// The sections pair each conjugate pole pair (closest to the unit circle first) with
// its nearest zero pair, like zpk2sos's "nearest", and each section is scaled to unit
// gain at a reference frequency (the band's centre for a band-pass, DC for a band-stop)
// so no section's gain overflows in float; the product is SciPy's filter. The
// coefficients may be ordered or scaled differently from SciPy's sos; the response
// (and so the output) is the same to rounding.

#include "fxgraph/nodes/dsp/iir_design.h"

namespace fxgraph::dsp {

enum class BandKind { bandpass, bandstop };

/// Largest band order: 2 · order poles must fit in kMaxSections sections.
inline constexpr int kMaxBandOrder = int(kMaxSections);

/// A band design: the family and its ripple/attenuation as in IirSpec (its kind and
/// cutoff_hz are not used), and the band's edges.
struct BandSpec {
  IirSpec prototype;
  BandKind kind = BandKind::bandpass;
  double low_hz = 300.0;
  double high_hz = 3000.0;
};

/// Designs `spec` into `out` (audio thread: noexcept, no allocation). False, `out`
/// untouched, for an invalid specification: edges not 0 < low < high < Nyquist, an
/// order outside 1 … kMaxBandOrder, a Linkwitz-Riley family, or what design_iir refuses.
bool design_band_iir(const BandSpec& spec, SectionArray& out) noexcept;

}  // namespace fxgraph::dsp
