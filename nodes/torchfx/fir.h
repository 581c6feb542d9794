#pragma once
// torchfx's FIR(b, conv_mode="fft") and DesignableFIR(cutoff, num_taps, pass_zero=True,
// window="hamming", conv_mode="fft") as node factories over fxgraph's FIR node
// (nodes/filters/fir_filter.h: causal, zero latency, exact streaming), which gives
// torchfx's causal convolution of the same length.
//
// As torchfx does, the taps are rounded to float (its kernel is a float32 tensor).
// DesignableFIR designs with SciPy's firwin(num_taps, cutoff, pass_zero, window,
// scale=True) as dsp::firwin does: one cutoff (pass_zero true: lowpass, false: highpass)
// or two (true: bandstop, false: bandpass; pass_zero may also name the band type as
// SciPy allows); windows hann, hamming, blackman, boxcar, bartlett, flattop, parzen,
// bohman, nuttall, barthann (torchfx's list; "kaiser" needs a beta SciPy's firwin cannot
// get from torchfx, so it fails there and is refused here). conv_mode (fft, direct,
// auto) chooses torchfx's algorithm, not its result: it is checked and accepted, and
// fxgraph picks direct or FFT convolution by length.

#include <memory>

#include "fxgraph/engine/node.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::torchfx {

/// Builds torchfx's FIR from options `b` (the taps, newest sample first) and `conv_mode`.
std::shared_ptr<Node> make_fir(const NodeOptions& options);
/// Builds torchfx's DesignableFIR from its options.
std::shared_ptr<Node> make_designable_fir(const NodeOptions& options);

}  // namespace fxgraph::torchfx
