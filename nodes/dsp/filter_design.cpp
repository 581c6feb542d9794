#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/iir_design.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph::dsp {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = std::numbers::pi;

// ---------------------------------------------------------------------------------
// Validation. Messages name the value, the rule and the allowed range.

std::string num(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

void check_sample_rate(double fs) {
  if (!std::isfinite(fs) || fs <= 0.0)
    throw ParameterError("sample rate " + num(fs) + " Hz must be a finite number above 0");
}

void check_frequency(const char* what, double f, double fs) {
  check_sample_rate(fs);
  if (!std::isfinite(f))
    throw ParameterError(std::string(what) + " " + num(f) + " Hz must be a finite number");
  if (f <= 0.0)
    throw ParameterError(std::string(what) + " " + num(f) +
                         " Hz must be above 0 Hz (allowed: 0 < " + what + " < " + num(fs / 2) +
                         " Hz)");
  if (f >= fs / 2)
    throw ParameterError(std::string(what) + " " + num(f) + " Hz must be below Nyquist (" +
                         num(fs / 2) + " Hz at " + num(fs) + " Hz)");
}

void check_order(const char* design, int order, int lowest, int highest) {
  if (order < lowest || order > highest)
    throw ParameterError(std::string(design) + " order " + std::to_string(order) +
                         " is out of range (" + std::to_string(lowest) + " to " +
                         std::to_string(highest) + ")");
}

void check_positive(const char* what, double v, const char* unit) {
  if (!std::isfinite(v) || v <= 0.0)
    throw ParameterError(std::string(what) + " " + num(v) + unit +
                         " must be a finite number above 0");
}

void check_finite(const char* what, double v, const char* unit) {
  if (!std::isfinite(v))
    throw ParameterError(std::string(what) + " " + num(v) + unit + " must be a finite number");
}

// ---------------------------------------------------------------------------------
// RBJ cookbook helpers.

// The cookbook's intermediate variables for f0 and Q, after validating both.
struct RbjTerms {
  double cosw;   // cos(w0), w0 = 2 pi f0 / fs
  double sinw;   // sin(w0)
  double alpha;  // sin(w0) / (2 Q)
};

RbjTerms rbj_terms(double f0, double q, double fs) {
  check_frequency("f0", f0, fs);
  check_positive("Q", q, "");
  const double w0 = 2.0 * kPi * f0 / fs;
  return {std::cos(w0), std::sin(w0), std::sin(w0) / (2.0 * q)};
}

Biquad normalise(double b0, double b1, double b2, double a0, double a1, double a2) {
  return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

// FIR windows, symmetric (scipy's get_window(..., fftbins=False)).
double bessel_i0(double x) {
  // Power series sum (x/2)^(2m) / (m!)^2; terms shrink quickly once m > x/2.
  double sum = 1.0, term = 1.0;
  const double y = x * x / 4.0;
  for (int m = 1; m < 500; ++m) {
    term *= y / (double(m) * m);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

std::vector<double> make_window(Window window, int n, double beta) {
  std::vector<double> w(static_cast<std::size_t>(n), 1.0);
  if (n == 1) return w;
  const double m = n - 1;
  for (int i = 0; i < n; ++i) {
    const double x = 2.0 * kPi * i / m;
    switch (window) {
      case Window::hamming:
        w[i] = 0.54 - 0.46 * std::cos(x);
        break;
      case Window::hann:
        w[i] = 0.5 - 0.5 * std::cos(x);
        break;
      case Window::blackman:
        w[i] = 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2.0 * x);
        break;
      case Window::rectangular:
        w[i] = 1.0;
        break;
      case Window::kaiser: {
        const double r = 2.0 * i / m - 1.0;
        w[i] = bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / bessel_i0(beta);
        break;
      }
      case Window::bartlett:
        w[i] = 1.0 - std::abs(2.0 * i / m - 1.0);
        break;
      case Window::flattop:  // SciPy's coefficients
        w[i] = 0.21557895 - 0.41663158 * std::cos(x) + 0.277263158 * std::cos(2.0 * x) -
               0.083578947 * std::cos(3.0 * x) + 0.006947368 * std::cos(4.0 * x);
        break;
      case Window::nuttall:
        w[i] = 0.3635819 - 0.4891775 * std::cos(x) + 0.1365995 * std::cos(2.0 * x) -
               0.0106411 * std::cos(3.0 * x);
        break;
      case Window::parzen: {
        // Piecewise cubic in |k| / (n / 2), k the distance from the centre.
        const double k = std::abs(i - m / 2.0) / (n / 2.0);
        w[i] = std::abs(i - m / 2.0) <= m / 4.0 ? 1.0 - 6.0 * k * k + 6.0 * k * k * k
                                                : 2.0 * std::pow(1.0 - k, 3.0);
        break;
      }
      case Window::bohman: {
        const double r = std::abs(2.0 * i / m - 1.0);
        w[i] = (1.0 - r) * std::cos(kPi * r) + std::sin(kPi * r) / kPi;
        break;
      }
      case Window::barthann: {
        const double r = std::abs(i / m - 0.5);
        w[i] = 0.62 - 0.48 * r + 0.38 * std::cos(2.0 * kPi * r);
        break;
      }
    }
  }
  return w;
}

double sinc(double x) {
  return x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
}

}  // namespace

// ---------------------------------------------------------------------------------
// IIR designs: validated here with messages that say what is wrong; the math is
// iir_design.cpp's, shared with the filter nodes' audio-thread redesigns.

namespace {
std::vector<Biquad> designed(const IirSpec& spec) {
  SectionArray sections;
  if (!design_iir(spec, sections))  // the checks above make this unreachable
    throw ParameterError("cannot design this filter (order " + std::to_string(spec.order) +
                         ", cutoff " + num(spec.cutoff_hz) + " Hz)");
  return {sections.sections.begin(), sections.sections.begin() + sections.count};
}
}  // namespace

std::vector<Biquad> butterworth(FilterKind kind, int order, double cutoff_hz, double sample_rate) {
  check_order("butterworth", order, 1, kMaxIirOrder);
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return designed({IirFamily::butterworth, kind, order, cutoff_hz, 0, 0, sample_rate});
}

std::vector<Biquad> cheby1(FilterKind kind, int order, double ripple_db, double cutoff_hz,
                           double sample_rate) {
  check_order("cheby1", order, 1, kMaxIirOrder);
  check_positive("passband ripple", ripple_db, " dB");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return designed({IirFamily::cheby1, kind, order, cutoff_hz, ripple_db, 0, sample_rate});
}

std::vector<Biquad> cheby2(FilterKind kind, int order, double stopband_atten_db, double cutoff_hz,
                           double sample_rate) {
  check_order("cheby2", order, 1, kMaxIirOrder);
  check_positive("stopband attenuation", stopband_atten_db, " dB");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return designed({IirFamily::cheby2, kind, order, cutoff_hz, 0, stopband_atten_db, sample_rate});
}

std::vector<Biquad> elliptic(FilterKind kind, int order, double ripple_db, double stopband_atten_db,
                             double cutoff_hz, double sample_rate) {
  check_order("elliptic", order, 1, kMaxIirOrder);
  check_positive("passband ripple", ripple_db, " dB");
  check_positive("stopband attenuation", stopband_atten_db, " dB");
  if (stopband_atten_db <= ripple_db)
    throw ParameterError("stopband attenuation " + num(stopband_atten_db) +
                         " dB must be greater than the passband ripple " + num(ripple_db) + " dB");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return designed(
      {IirFamily::elliptic, kind, order, cutoff_hz, ripple_db, stopband_atten_db, sample_rate});
}

std::vector<Biquad> linkwitz_riley(FilterKind kind, int order, double cutoff_hz,
                                   double sample_rate) {
  if (order != 2 && order != 4 && order != 8)
    throw ParameterError("linkwitz_riley order " + std::to_string(order) +
                         " is not supported (allowed: 2, 4 or 8)");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return designed({IirFamily::linkwitz_riley, kind, order, cutoff_hz, 0, 0, sample_rate});
}

// ---------------------------------------------------------------------------------
// RBJ cookbook.

Biquad rbj_lowpass(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_highpass(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_bandpass_skirt(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise(s / 2, 0, -s / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_bandpass_peak(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise(alpha, 0, -alpha, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_notch(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise(1, -2 * c, 1, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_allpass(double f0, double q, double fs) {
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  return normalise(1 - alpha, -2 * c, 1 + alpha, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad rbj_peaking(double f0, double q, double gain_db, double fs) {
  check_finite("gain", gain_db, " dB");
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  const double a = std::pow(10.0, gain_db / 40.0);
  return normalise(1 + alpha * a, -2 * c, 1 - alpha * a, 1 + alpha / a, -2 * c, 1 - alpha / a);
}

Biquad rbj_low_shelf(double f0, double gain_db, double q, double fs) {
  check_finite("gain", gain_db, " dB");
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  const double a = std::pow(10.0, gain_db / 40.0);
  const double k = 2 * std::sqrt(a) * alpha;
  return normalise(a * ((a + 1) - (a - 1) * c + k), 2 * a * ((a - 1) - (a + 1) * c),
                   a * ((a + 1) - (a - 1) * c - k), (a + 1) + (a - 1) * c + k,
                   -2 * ((a - 1) + (a + 1) * c), (a + 1) + (a - 1) * c - k);
}

Biquad rbj_high_shelf(double f0, double gain_db, double q, double fs) {
  check_finite("gain", gain_db, " dB");
  const auto [c, s, alpha] = rbj_terms(f0, q, fs);
  const double a = std::pow(10.0, gain_db / 40.0);
  const double k = 2 * std::sqrt(a) * alpha;
  return normalise(a * ((a + 1) + (a - 1) * c + k), -2 * a * ((a - 1) + (a + 1) * c),
                   a * ((a + 1) + (a - 1) * c - k), (a + 1) - (a - 1) * c + k,
                   2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - k);
}

double shelf_slope_to_q(double slope, double gain_db) {
  check_positive("shelf slope", slope, "");
  check_finite("gain", gain_db, " dB");
  const double a = std::pow(10.0, gain_db / 40.0);
  const double inv_q2 = (a + 1.0 / a) * (1.0 / slope - 1.0) + 2.0;
  if (!(inv_q2 > 0.0)) {
    // Largest valid slope: (A + 1/A)(1/S - 1) + 2 > 0  <=>  S < (A + 1/A) / (A + 1/A - 2).
    const double s_max = (a + 1.0 / a) / (a + 1.0 / a - 2.0);
    throw ParameterError("shelf slope " + num(slope) + " is too steep for a gain of " +
                         num(gain_db) + " dB (allowed: 0 < slope < " + num(s_max) + ")");
  }
  return 1.0 / std::sqrt(inv_q2);
}

// ---------------------------------------------------------------------------------
// FIR design.

std::vector<double> firwin(int numtaps, std::vector<double> cutoffs_hz, FirPass pass, Window window,
                           double kaiser_beta, double sample_rate) {
  constexpr int kMaxTaps = 65536;
  if (numtaps < 1 || numtaps > kMaxTaps)
    throw ParameterError("firwin numtaps " + std::to_string(numtaps) + " is out of range (1 to " +
                         std::to_string(kMaxTaps) + ")");
  check_sample_rate(sample_rate);
  const bool two_edges = pass == FirPass::bandpass || pass == FirPass::bandstop;
  const std::size_t expected = two_edges ? 2 : 1;
  if (cutoffs_hz.size() != expected)
    throw ParameterError(
        "firwin " + std::string(two_edges ? "bandpass/bandstop" : "lowpass/highpass") + " needs " +
        std::to_string(expected) + " cutoff frequenc" + (expected == 1 ? "y" : "ies") + ", got " +
        std::to_string(cutoffs_hz.size()));
  for (double f : cutoffs_hz) check_frequency("cutoff", f, sample_rate);
  if (two_edges && !(cutoffs_hz[0] < cutoffs_hz[1]))
    throw ParameterError("firwin band edges " + num(cutoffs_hz[0]) + " Hz and " +
                         num(cutoffs_hz[1]) + " Hz must be increasing");
  const bool pass_nyquist = pass == FirPass::highpass || pass == FirPass::bandstop;
  if (pass_nyquist && numtaps % 2 == 0)
    throw ParameterError(std::string("firwin ") +
                         (pass == FirPass::highpass ? "highpass" : "bandstop") + " numtaps " +
                         std::to_string(numtaps) +
                         " must be odd (an even-length linear-phase FIR has a zero at Nyquist)");
  if (window == Window::kaiser && (!std::isfinite(kaiser_beta) || kaiser_beta < 0.0))
    throw ParameterError("kaiser beta " + num(kaiser_beta) + " must be a finite number >= 0");

  // Passbands as (left, right) in units of Nyquist.
  const double nyq = sample_rate / 2;
  std::vector<std::pair<double, double>> bands;
  switch (pass) {
    case FirPass::lowpass:
      bands = {{0.0, cutoffs_hz[0] / nyq}};
      break;
    case FirPass::highpass:
      bands = {{cutoffs_hz[0] / nyq, 1.0}};
      break;
    case FirPass::bandpass:
      bands = {{cutoffs_hz[0] / nyq, cutoffs_hz[1] / nyq}};
      break;
    case FirPass::bandstop:
      bands = {{0.0, cutoffs_hz[0] / nyq}, {cutoffs_hz[1] / nyq, 1.0}};
      break;
  }

  // Ideal response: sum of (right sinc(right m) - left sinc(left m)), centred.
  const double centre = (numtaps - 1) / 2.0;
  std::vector<double> h(static_cast<std::size_t>(numtaps), 0.0);
  for (int i = 0; i < numtaps; ++i) {
    const double m = i - centre;
    for (const auto& [left, right] : bands) h[i] += right * sinc(right * m) - left * sinc(left * m);
  }
  const std::vector<double> w = make_window(window, numtaps, kaiser_beta);
  for (int i = 0; i < numtaps; ++i) h[i] *= w[i];

  // Unit gain at DC, at Nyquist, or at the centre of the (first) passband.
  const auto [left, right] = bands.front();
  const double f_scale = left == 0.0 ? 0.0 : right == 1.0 ? 1.0 : 0.5 * (left + right);
  double sum = 0.0;
  for (int i = 0; i < numtaps; ++i) sum += h[i] * std::cos(kPi * (i - centre) * f_scale);
  for (double& v : h) v /= sum;
  return h;
}

}  // namespace fxgraph::dsp
