#pragma once
// Filter design: pure functions from a specification (kind, order, cutoff, ...) to
// coefficients. Nothing here runs on the audio thread; every function may allocate
// and throws fxgraph::ParameterError, naming the bad value and the allowed range,
// when a specification is out of range. Node wrappers call these in prepare() or on
// the control thread when a parameter changes, then hand the sections to SosFilter.
//
// IIR designs (butterworth, cheby1, cheby2, elliptic, linkwitz_riley) follow the
// textbook route, written from the math:
//   1. an analog lowpass prototype with its passband (or, for cheby2, stopband) edge
//      at 1 rad/s, as poles, zeros and the gain at DC;
//   2. prewarping, so the digital edge lands exactly on cutoff_hz:
//      K = tan(pi * cutoff / fs);
//   3. the bilinear transform with the lowpass/highpass frequency scaling folded in:
//      lowpass  s = (1/K) (z-1)/(z+1)   so a prototype root r maps to (1 + K r)/(1 - K r)
//      highpass s =   K   (z+1)/(z-1)   so r maps to (r + K)/(r - K);
//      prototype zeros at infinity land on z = -1 (lowpass) or z = +1 (highpass);
//   4. pairing into second-order sections: each conjugate pole pair takes the nearest
//      remaining zero pair, sections ordered from the pole pair farthest from the unit
//      circle to the nearest (the high-Q section last, as scipy's zpk2sos does), and
//      each section scaled to unit gain at DC (lowpass) or Nyquist (highpass) before
//      the first takes the prototype's overall gain. Per-section unit gain keeps every
//      intermediate signal at the input's scale, which matters in long cascades.
// The result reproduces scipy.signal.butter/cheby1/cheby2/ellip(..., output='sos')
// as a transfer function (the tests compare filtered noise against committed scipy
// fixtures to 1e-5 relative RMS); the section pairing and scaling may differ.
//
// The elliptic design uses Jacobi elliptic functions evaluated by Landen's descending
// transformation and the degree equation solved through the nome (see Orfanidis,
// "Lecture Notes on Elliptic Filter Design", 2006, for the method).

#include <vector>

#include "fxgraph/nodes/dsp/biquad.h"

namespace fxgraph::dsp {

enum class FilterKind { lowpass, highpass };

/// Largest order accepted by butterworth, cheby1, cheby2 and elliptic.
inline constexpr int kMaxIirOrder = 16;

/// Butterworth (maximally flat), -3 dB at cutoff_hz. Order 1..16; an odd order gives
/// one first-order section (b2 = a2 = 0), always the first.
std::vector<Biquad> butterworth(FilterKind kind, int order, double cutoff_hz, double sample_rate);

/// Chebyshev type I: ripple_db of equiripple in the passband, which ends (gain
/// -ripple_db) at cutoff_hz. Order 1..16, ripple_db > 0.
std::vector<Biquad> cheby1(FilterKind kind, int order, double ripple_db, double cutoff_hz,
                           double sample_rate);

/// Chebyshev type II: flat passband, stopband at least stopband_atten_db down, which
/// begins (gain -stopband_atten_db) at cutoff_hz. Order 1..16, attenuation > 0.
std::vector<Biquad> cheby2(FilterKind kind, int order, double stopband_atten_db, double cutoff_hz,
                           double sample_rate);

/// Elliptic (Cauer): ripple_db passband ripple ending at cutoff_hz and a stopband at
/// least stopband_atten_db down. Order 1..16 (fixtures cover up to 12; 13..16 were
/// compared with scipy during development to 5e-9 relative error);
/// 0 < ripple_db < stopband_atten_db.
std::vector<Biquad> elliptic(FilterKind kind, int order, double ripple_db, double stopband_atten_db,
                             double cutoff_hz, double sample_rate);

/// Linkwitz-Riley crossover filter of order 2, 4 or 8: a Butterworth of order/2
/// cascaded twice (-6 dB at cutoff_hz). For orders 4 and 8, lowpass + highpass is an
/// all-pass (flat magnitude). For order 2 the two outputs are in antiphase at the
/// crossover: low + high has a notch there, and low - high is the all-pass (the usual
/// "invert one driver" of LR2 crossovers). The sign is deliberately left as the math
/// gives it, so an order-2 highpass is exactly the squared Butterworth.
std::vector<Biquad> linkwitz_riley(FilterKind kind, int order, double cutoff_hz,
                                   double sample_rate);

// --- RBJ Audio-EQ-Cookbook biquads (Robert Bristow-Johnson) --------------------------
// One section each. f0 in Hz, 0 < f0 < fs/2; Q > 0. The bilinear transform is
// prewarped at f0 only, as in the cookbook.

Biquad rbj_lowpass(double f0, double q, double sample_rate);
Biquad rbj_highpass(double f0, double q, double sample_rate);
/// Band-pass with constant skirt gain: peak gain = Q.
Biquad rbj_bandpass_skirt(double f0, double q, double sample_rate);
/// Band-pass with constant 0 dB peak gain.
Biquad rbj_bandpass_peak(double f0, double q, double sample_rate);
Biquad rbj_notch(double f0, double q, double sample_rate);
Biquad rbj_allpass(double f0, double q, double sample_rate);
/// Peaking EQ: gain_db at f0, 0 dB far away.
Biquad rbj_peaking(double f0, double q, double gain_db, double sample_rate);
/// Low shelf: gain_db below f0 (the shelf midpoint), 0 dB above.
Biquad rbj_low_shelf(double f0, double gain_db, double q, double sample_rate);
/// High shelf: gain_db above f0 (the shelf midpoint), 0 dB below.
Biquad rbj_high_shelf(double f0, double gain_db, double q, double sample_rate);
/// The cookbook's shelf slope S (S = 1: steepest slope without overshoot) as the Q to
/// pass to rbj_low_shelf / rbj_high_shelf: 1/Q = sqrt((A + 1/A)(1/S - 1) + 2) with
/// A = 10^(gain_db/40). Throws if S <= 0 or S is too steep for the gain (the square
/// root's argument would be <= 0).
double shelf_slope_to_q(double slope, double gain_db);

// --- FIR design ---------------------------------------------------------------------

enum class FirPass { lowpass, highpass, bandpass, bandstop };
/// SciPy's symmetric windows of the same names (rectangular is SciPy's boxcar).
enum class Window {
  hamming,
  hann,
  blackman,
  rectangular,
  kaiser,
  bartlett,
  flattop,
  parzen,
  bohman,
  nuttall,
  barthann
};

/// Windowed-sinc FIR design, matching scipy.signal.firwin(numtaps, cutoffs,
/// window=..., pass_zero=..., scale=True, fs=sample_rate): symmetric window, taps
/// scaled to unit gain at DC (lowpass, bandstop), Nyquist (highpass) or the centre of
/// the passband (bandpass). cutoffs_hz: one edge for lowpass/highpass, two increasing
/// edges for bandpass/bandstop, all strictly between 0 and Nyquist. numtaps 1..65536;
/// highpass and bandstop need an odd numtaps (an even-length symmetric FIR has a zero
/// at Nyquist). kaiser_beta (>= 0) is used by Window::kaiser only.
std::vector<double> firwin(int numtaps, std::vector<double> cutoffs_hz, FirPass pass, Window window,
                           double kaiser_beta, double sample_rate);

}  // namespace fxgraph::dsp
