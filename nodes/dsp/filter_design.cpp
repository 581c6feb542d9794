#include "nodes/dsp/filter_design.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "engine/errors.h"

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

// 10^(db/10) - 1 without cancellation for small db (a 0.001 dB ripple is legitimate).
double pow10m1(double db) {
  return std::expm1(db * std::numbers::ln10 / 10.0);
}

// ---------------------------------------------------------------------------------
// Analog lowpass prototypes, edge at 1 rad/s. Roots come in conjugate pairs; a pair is
// stored once, as the member with Im > 0. Every prototype here has at most one real
// pole (odd orders) and no real finite zeros; zeros not listed are at infinity.

struct Prototype {
  int order = 0;
  std::vector<Complex> pole_pairs;
  bool has_real_pole = false;
  double real_pole = 0.0;
  std::vector<Complex> zero_pairs;
  double dc_gain = 1.0;  // |H(0)|: 1, or 1/sqrt(1 + eps^2) for even equiripple passbands
};

Prototype butterworth_prototype(int n) {
  // |H(jw)|^2 = 1 / (1 + w^(2n)): poles equally spaced on the left unit half-circle.
  Prototype proto;
  proto.order = n;
  for (int k = 1; k <= n / 2; ++k) {
    const double theta = kPi / 2 + kPi * (2 * k - 1) / (2.0 * n);
    proto.pole_pairs.push_back(std::polar(1.0, theta));
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = -1.0;
  }
  return proto;
}

// Chebyshev-I poles for ripple factor eps: the Butterworth angles on an ellipse with
// semi-axes sinh(mu) (real) and cosh(mu) (imaginary), mu = asinh(1/eps)/n.
void chebyshev_poles(int n, double eps, Prototype& proto) {
  const double mu = std::asinh(1.0 / eps) / n;
  for (int k = 1; k <= n / 2; ++k) {
    const double phi = kPi * (2 * k - 1) / (2.0 * n);
    proto.pole_pairs.emplace_back(-std::sinh(mu) * std::sin(phi), std::cosh(mu) * std::cos(phi));
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = -std::sinh(mu);
  }
}

Prototype cheby1_prototype(int n, double ripple_db) {
  // |H(jw)|^2 = 1 / (1 + eps^2 T_n(w)^2), eps^2 = 10^(ripple/10) - 1.
  const double eps2 = pow10m1(ripple_db);
  Prototype proto;
  proto.order = n;
  chebyshev_poles(n, std::sqrt(eps2), proto);
  proto.dc_gain = (n % 2 == 0) ? 1.0 / std::sqrt(1.0 + eps2) : 1.0;
  return proto;
}

Prototype cheby2_prototype(int n, double atten_db) {
  // |H(jw)|^2 = 1 / (1 + 1 / (d^2 T_n(1/w)^2)), d^2 = 1 / (10^(atten/10) - 1), so the
  // stopband edge (gain -atten) is at w = 1. Poles solve T_n(1/s') = +-j/d: the
  // reciprocals of the Chebyshev-I poles for eps = d. Zeros are where T_n(1/w) = 0:
  // w = 1 / cos((2k-1) pi / 2n); for odd n the middle one is at infinity.
  const double d = 1.0 / std::sqrt(pow10m1(atten_db));
  Prototype cheb1;
  chebyshev_poles(n, d, cheb1);
  Prototype proto;
  proto.order = n;
  for (const Complex& p : cheb1.pole_pairs) proto.pole_pairs.push_back(std::conj(1.0 / p));
  if (cheb1.has_real_pole) {
    proto.has_real_pole = true;
    proto.real_pole = 1.0 / cheb1.real_pole;
  }
  for (int k = 1; k <= n / 2; ++k) {
    const double phi = kPi * (2 * k - 1) / (2.0 * n);
    proto.zero_pairs.emplace_back(0.0, 1.0 / std::cos(phi));
  }
  proto.dc_gain = 1.0;
  return proto;
}

// --- Jacobi elliptic functions (Orfanidis' formulation) ----------------------------
// Functions take arguments normalised by the quarter period: cd(u K(k), k). A modulus
// is always carried with its complement k' = sqrt(1 - k^2), computed independently,
// because sharp filters have k within 1e-6 of 1 and 1 - k^2 would lose every digit.

// Complete elliptic integral of the first kind from the complementary modulus:
// K(k) = pi / (2 AGM(1, k')).
double complete_k(double kp) {
  double a = 1.0, b = kp;
  for (int i = 0; i < 64 && std::abs(a - b) > 1e-16 * a; ++i) {
    const double an = 0.5 * (a + b);
    b = std::sqrt(a * b);
    a = an;
  }
  return kPi / (2.0 * a);
}

// Descending Landen moduli k_1, k_2, ... from (k, k'): k_{n+1} = (k_n / (1 + k'_n))^2,
// k'_{n+1} = 2 sqrt(k'_n) / (1 + k'_n). Neither involves a difference, so both stay
// accurate; convergence to 0 is quadratic, so a handful of terms suffice.
struct Landen {
  double k0 = 0.0;
  std::vector<double> k;
};

Landen landen(double k, double kp) {
  Landen seq;
  seq.k0 = k;
  for (int i = 0; i < 32 && k > 1e-18; ++i) {
    const double k_next = (k / (1.0 + kp)) * (k / (1.0 + kp));
    kp = 2.0 * std::sqrt(kp) / (1.0 + kp);
    k = k_next;
    seq.k.push_back(k);
  }
  return seq;
}

// cd(u K, k) for complex u: start from cd at modulus ~0 (the cosine) and climb back up
// the Landen sequence with cd_{n-1} = (1 + k_n) cd_n / (1 + k_n cd_n^2).
Complex cd(Complex u, const Landen& seq) {
  Complex w = std::cos(u * (kPi / 2));
  for (auto it = seq.k.rbegin(); it != seq.k.rend(); ++it)
    w = (1.0 + *it) * w / (1.0 + *it * w * w);
  return w;
}

// sn(u K, k) = cd((1 - u) K, k).
Complex sn(Complex u, const Landen& seq) {
  return cd(1.0 - u, seq);
}

// Inverse of sn for real w in [0, 1], normalised by K: the ascending Landen
// transformation w_n = 2 w_{n-1} / ((1 + k_n)(1 + sqrt(1 - k_{n-1}^2 w_{n-1}^2))), then
// u = 1 - (2/pi) acos(w_M). one_minus_w2 = 1 - w^2 is passed in exactly where the
// caller knows it: with k close to 1, 1 - k^2 w^2 must not be formed by subtraction.
double asn(double w, double one_minus_w2, double kp, const Landen& seq) {
  double k_prev = seq.k0;
  for (std::size_t n = 0; n < seq.k.size(); ++n) {
    const double radicand = n == 0 ? one_minus_w2 + w * w * kp * kp : 1.0 - k_prev * k_prev * w * w;
    w = 2.0 * w / ((1.0 + seq.k[n]) * (1.0 + std::sqrt(std::max(radicand, 0.0))));
    k_prev = seq.k[n];
  }
  return 1.0 - (2.0 / kPi) * std::acos(std::min(w, 1.0));
}

// Solves the degree equation n K'/K = K1'/K1 for the selectivity k (and k') of an
// order-n elliptic filter with discrimination k1 = eps_pass / eps_stop. Through the
// nome q = exp(-pi K'/K) the equation is simply q = q1^(1/n); k and k' follow from
// theta functions, k = (theta2/theta3)^2 and k' = (theta4/theta3)^2, evaluated at q or,
// when q is close to 1, at the complementary nome q' = exp(-pi K/K') (swapping roles),
// so the series always converge fast (min(q, q') <= exp(-pi)).
void elliptic_degree(int n, double k1, double k1p, double& k, double& kp) {
  const double ratio = complete_k(k1) / (n * complete_k(k1p));  // K'/K of the result
  auto theta = [](double q, double& t2, double& t3, double& t4) {
    double s2 = 0.0, s3 = 0.0, s4 = 0.0;
    for (int m = 0; m < 40; ++m) {
      s2 += std::pow(q, m * (m + 1.0));
      if (m >= 1) {
        const double qm = std::pow(q, double(m) * m);
        s3 += qm;
        s4 += (m % 2 == 1) ? -qm : qm;
      }
    }
    t2 = 2.0 * std::pow(q, 0.25) * s2;
    t3 = 1.0 + 2.0 * s3;
    t4 = 1.0 + 2.0 * s4;
  };
  double t2, t3, t4;
  if (ratio >= 1.0) {
    theta(std::exp(-kPi * ratio), t2, t3, t4);
    k = (t2 / t3) * (t2 / t3);
    kp = (t4 / t3) * (t4 / t3);
  } else {
    theta(std::exp(-kPi / ratio), t2, t3, t4);
    kp = (t2 / t3) * (t2 / t3);
    k = (t4 / t3) * (t4 / t3);
  }
}

Prototype elliptic_prototype(int n, double ripple_db, double atten_db) {
  // |H(jw)|^2 = 1 / (1 + eps^2 R_n(w)^2) with the elliptic rational function
  // R_n(cd(uK, k)) = cd(n u K1, k1). Zeros: the poles of R_n, w = 1/(k cd(u_i K, k)),
  // u_i = (2i - 1)/n. Poles: R_n = +-j/eps, which puts them at s = j cd((u_i - j v0) K, k)
  // with v0 = sn^-1(j/eps, k1) / (j n), and the real pole (odd n) at s = j sn(j v0 K, k).
  // By Jacobi's imaginary transformation sn(j y, k1) = j sc(y, k1'), so v0 K1 n is the
  // real y with sc(y, k1') = 1/eps, i.e. sn(y, k1') = 1/sqrt(1 + eps^2).
  const double eps2 = pow10m1(ripple_db);
  const double es2 = pow10m1(atten_db);
  const double k1 = std::sqrt(eps2 / es2);
  const double k1p = std::sqrt((es2 - eps2) / es2);  // sqrt(1 - k1^2) without cancellation

  double k, kp;
  if (n == 1) {
    k = k1;
    kp = k1p;
  } else {
    elliptic_degree(n, k1, k1p, k, kp);
  }

  const Landen seq = landen(k, kp);
  const Landen seq1p = landen(k1p, k1);
  const double w = 1.0 / std::sqrt(1.0 + eps2);
  const double y = asn(w, eps2 / (1.0 + eps2), k1, seq1p) * complete_k(k1);  // K(k1') = K1'
  const double v0 = y / (n * complete_k(k1p));                               // / (n K1)

  Prototype proto;
  proto.order = n;
  for (int i = 1; i <= n / 2; ++i) {
    const double ui = (2 * i - 1) / double(n);
    const double zeta = cd(Complex(ui, 0.0), seq).real();
    proto.zero_pairs.emplace_back(0.0, 1.0 / (k * zeta));
    Complex p = Complex(0.0, 1.0) * cd(Complex(ui, -v0), seq);
    if (p.imag() < 0) p = std::conj(p);
    proto.pole_pairs.push_back(p);
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = (Complex(0.0, 1.0) * sn(Complex(0.0, v0), seq)).real();
  }
  proto.dc_gain = (n % 2 == 0) ? 1.0 / std::sqrt(1.0 + eps2) : 1.0;
  return proto;
}

// ---------------------------------------------------------------------------------
// Prototype -> digital second-order sections.

// A digital root together with its distance from the gain reference point
// (z_ref - root), computed from the analog root rather than by subtraction: a root
// 1e-7 from z = 1 has lost most of its digits in (1 - root) but not in -2Kr/(1 - Kr).
struct DigitalRoot {
  Complex z;
  Complex from_ref;
};

// Lowpass: z = (1 + K r)/(1 - K r), reference z = 1:  1 - z = -2 K r / (1 - K r).
// Highpass: z = (r + K)/(r - K), reference z = -1: -1 - z = -2 r / (r - K).
DigitalRoot to_digital(Complex r, FilterKind kind, double warped) {
  if (kind == FilterKind::lowpass)
    return {(1.0 + warped * r) / (1.0 - warped * r), -2.0 * warped * r / (1.0 - warped * r)};
  return {(r + warped) / (r - warped), -2.0 * r / (r - warped)};
}

std::vector<Biquad> to_sections(const Prototype& proto, FilterKind kind, double cutoff_hz,
                                double fs) {
  const double warped = std::tan(kPi * cutoff_hz / fs);
  // Zeros at infinity (prototype excess) land on Nyquist for a lowpass, DC for a
  // highpass; their distance from the reference point (DC resp. Nyquist) is 2.
  const double z_inf = kind == FilterKind::lowpass ? -1.0 : 1.0;
  const Complex z_inf_from_ref = kind == FilterKind::lowpass ? 2.0 : -2.0;

  std::vector<DigitalRoot> poles;
  for (const Complex& p : proto.pole_pairs) poles.push_back(to_digital(p, kind, warped));
  std::vector<DigitalRoot> zeros;
  for (const Complex& z : proto.zero_pairs) zeros.push_back(to_digital(z, kind, warped));

  // Pair the pole pairs nearest the unit circle first with their nearest zero pair
  // (zero pairs are compared by their upper member, poles likewise).
  auto upper = [](Complex c) { return c.imag() < 0 ? std::conj(c) : c; };
  std::vector<std::size_t> by_q(poles.size());
  for (std::size_t i = 0; i < by_q.size(); ++i) by_q[i] = i;
  std::sort(by_q.begin(), by_q.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(poles[a].z) > std::abs(poles[b].z);
  });

  // Each section is scaled to unit gain at the reference point: its gain there is
  // prod(z_ref - zero) / prod(z_ref - pole) (the z_ref^-1 factors cancel because every
  // section has as many zeros as poles), a conjugate pair contributing |z_ref - root|^2.
  std::vector<Biquad> pair_sections(poles.size());
  std::vector<bool> zero_used(zeros.size(), false);
  for (std::size_t idx : by_q) {
    const Complex p = upper(poles[idx].z);
    Biquad s;
    s.a1 = -2.0 * p.real();
    s.a2 = std::norm(p);
    double gain_at_ref = 1.0 / std::norm(poles[idx].from_ref);
    std::size_t best = zeros.size();
    for (std::size_t j = 0; j < zeros.size(); ++j)
      if (!zero_used[j] && (best == zeros.size() ||
                            std::abs(upper(zeros[j].z) - p) < std::abs(upper(zeros[best].z) - p)))
        best = j;
    if (best < zeros.size()) {
      zero_used[best] = true;
      s.b1 = -2.0 * zeros[best].z.real();
      s.b2 = std::norm(zeros[best].z);
      gain_at_ref *= std::norm(zeros[best].from_ref);
    } else {
      s.b1 = -2.0 * z_inf;
      s.b2 = 1.0;
      gain_at_ref *= std::norm(z_inf_from_ref);
    }
    const double g = 1.0 / gain_at_ref;
    s.b0 = g;
    s.b1 *= g;
    s.b2 *= g;
    pair_sections[idx] = s;
  }

  std::vector<Biquad> sections;
  if (proto.has_real_pole) {
    // The real pole takes the one zero at infinity an odd order always leaves.
    const DigitalRoot p = to_digital(Complex(proto.real_pole, 0.0), kind, warped);
    const double g = p.from_ref.real() / z_inf_from_ref.real();
    sections.push_back({g, -z_inf * g, 0.0, -p.z.real(), 0.0});
  }
  // Output order: low Q first, the pole pair nearest the unit circle last.
  for (auto it = by_q.rbegin(); it != by_q.rend(); ++it) sections.push_back(pair_sections[*it]);

  sections.front().b0 *= proto.dc_gain;
  sections.front().b1 *= proto.dc_gain;
  sections.front().b2 *= proto.dc_gain;
  return sections;
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
    }
  }
  return w;
}

double sinc(double x) {
  return x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
}

}  // namespace

// ---------------------------------------------------------------------------------
// IIR designs.

std::vector<Biquad> butterworth(FilterKind kind, int order, double cutoff_hz, double sample_rate) {
  check_order("butterworth", order, 1, kMaxIirOrder);
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return to_sections(butterworth_prototype(order), kind, cutoff_hz, sample_rate);
}

std::vector<Biquad> cheby1(FilterKind kind, int order, double ripple_db, double cutoff_hz,
                           double sample_rate) {
  check_order("cheby1", order, 1, kMaxIirOrder);
  check_positive("passband ripple", ripple_db, " dB");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return to_sections(cheby1_prototype(order, ripple_db), kind, cutoff_hz, sample_rate);
}

std::vector<Biquad> cheby2(FilterKind kind, int order, double stopband_atten_db, double cutoff_hz,
                           double sample_rate) {
  check_order("cheby2", order, 1, kMaxIirOrder);
  check_positive("stopband attenuation", stopband_atten_db, " dB");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  return to_sections(cheby2_prototype(order, stopband_atten_db), kind, cutoff_hz, sample_rate);
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
  return to_sections(elliptic_prototype(order, ripple_db, stopband_atten_db), kind, cutoff_hz,
                     sample_rate);
}

std::vector<Biquad> linkwitz_riley(FilterKind kind, int order, double cutoff_hz,
                                   double sample_rate) {
  if (order != 2 && order != 4 && order != 8)
    throw ParameterError("linkwitz_riley order " + std::to_string(order) +
                         " is not supported (allowed: 2, 4 or 8)");
  check_frequency("cutoff", cutoff_hz, sample_rate);
  std::vector<Biquad> half = butterworth(kind, order / 2, cutoff_hz, sample_rate);
  std::vector<Biquad> sections = half;
  sections.insert(sections.end(), half.begin(), half.end());
  return sections;
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
