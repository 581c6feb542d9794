#include "fxgraph/nodes/dsp/iir_design.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

// Fixed-capacity arrays throughout: this runs on the audio thread.

namespace fxgraph::dsp {
namespace {

using dsp::Biquad;
using dsp::FilterKind;
using Complex = std::complex<double>;
constexpr double kPi = std::numbers::pi;
constexpr std::size_t kMaxPairs = dsp::kMaxIirOrder / 2;

/// A push_back-able array of fixed capacity (the caller guarantees the capacity).
template <typename T, std::size_t N>
struct FixedVector {
  std::array<T, N> items{};
  std::size_t count = 0;
  void push_back(const T& v) noexcept { items[count++] = v; }
  std::size_t size() const noexcept { return count; }
  T& operator[](std::size_t i) noexcept { return items[i]; }
  const T& operator[](std::size_t i) const noexcept { return items[i]; }
  const T* begin() const noexcept { return items.data(); }
  const T* end() const noexcept { return items.data() + count; }
};

double pow10m1(double db) {
  return std::expm1(db * std::numbers::ln10 / 10.0);
}
bool positive(double v) {
  return std::isfinite(v) && v > 0.0;
}

struct Prototype {
  int order = 0;
  FixedVector<Complex, kMaxPairs> pole_pairs;
  bool has_real_pole = false;
  double real_pole = 0.0;
  FixedVector<Complex, kMaxPairs> zero_pairs;
  double dc_gain = 1.0;
};

void butterworth_prototype(int n, Prototype& proto) {
  proto.order = n;
  for (int k = 1; k <= n / 2; ++k) {
    const double theta = kPi / 2 + kPi * (2 * k - 1) / (2.0 * n);
    proto.pole_pairs.push_back(std::polar(1.0, theta));
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = -1.0;
  }
}

void chebyshev_poles(int n, double eps, Prototype& proto) {
  const double mu = std::asinh(1.0 / eps) / n;
  for (int k = 1; k <= n / 2; ++k) {
    const double phi = kPi * (2 * k - 1) / (2.0 * n);
    proto.pole_pairs.push_back(
        Complex(-std::sinh(mu) * std::sin(phi), std::cosh(mu) * std::cos(phi)));
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = -std::sinh(mu);
  }
}

void cheby1_prototype(int n, double ripple_db, Prototype& proto) {
  const double eps2 = pow10m1(ripple_db);
  proto.order = n;
  chebyshev_poles(n, std::sqrt(eps2), proto);
  proto.dc_gain = (n % 2 == 0) ? 1.0 / std::sqrt(1.0 + eps2) : 1.0;
}

void cheby2_prototype(int n, double atten_db, Prototype& proto) {
  const double d = 1.0 / std::sqrt(pow10m1(atten_db));
  Prototype cheb1;
  chebyshev_poles(n, d, cheb1);
  proto.order = n;
  for (const Complex& p : cheb1.pole_pairs) proto.pole_pairs.push_back(std::conj(1.0 / p));
  if (cheb1.has_real_pole) {
    proto.has_real_pole = true;
    proto.real_pole = 1.0 / cheb1.real_pole;
  }
  for (int k = 1; k <= n / 2; ++k) {
    const double phi = kPi * (2 * k - 1) / (2.0 * n);
    proto.zero_pairs.push_back(Complex(0.0, 1.0 / std::cos(phi)));
  }
  proto.dc_gain = 1.0;
}

// --- Jacobi elliptic functions (see filter_design.cpp for the derivation) ---------

double complete_k(double kp) {
  double a = 1.0, b = kp;
  for (int i = 0; i < 64 && std::abs(a - b) > 1e-16 * a; ++i) {
    const double an = 0.5 * (a + b);
    b = std::sqrt(a * b);
    a = an;
  }
  return kPi / (2.0 * a);
}

struct Landen {
  double k0 = 0.0;
  FixedVector<double, 32> k;
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

Complex cd(Complex u, const Landen& seq) {
  Complex w = std::cos(u * (kPi / 2));
  for (std::size_t i = seq.k.size(); i-- > 0;) w = (1.0 + seq.k[i]) * w / (1.0 + seq.k[i] * w * w);
  return w;
}

Complex sn(Complex u, const Landen& seq) {
  return cd(1.0 - u, seq);
}

double asn(double w, double one_minus_w2, double kp, const Landen& seq) {
  double k_prev = seq.k0;
  for (std::size_t n = 0; n < seq.k.size(); ++n) {
    const double radicand = n == 0 ? one_minus_w2 + w * w * kp * kp : 1.0 - k_prev * k_prev * w * w;
    w = 2.0 * w / ((1.0 + seq.k[n]) * (1.0 + std::sqrt(std::max(radicand, 0.0))));
    k_prev = seq.k[n];
  }
  return 1.0 - (2.0 / kPi) * std::acos(std::min(w, 1.0));
}

void theta(double q, double& t2, double& t3, double& t4) {
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
}

void elliptic_degree(int n, double k1, double k1p, double& k, double& kp) {
  const double ratio = complete_k(k1) / (n * complete_k(k1p));
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

void elliptic_prototype(int n, double ripple_db, double atten_db, Prototype& proto) {
  const double eps2 = pow10m1(ripple_db);
  const double es2 = pow10m1(atten_db);
  const double k1 = std::sqrt(eps2 / es2);
  const double k1p = std::sqrt((es2 - eps2) / es2);

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
  const double y = asn(w, eps2 / (1.0 + eps2), k1, seq1p) * complete_k(k1);
  const double v0 = y / (n * complete_k(k1p));

  proto.order = n;
  for (int i = 1; i <= n / 2; ++i) {
    const double ui = (2 * i - 1) / double(n);
    const double zeta = cd(Complex(ui, 0.0), seq).real();
    proto.zero_pairs.push_back(Complex(0.0, 1.0 / (k * zeta)));
    Complex p = Complex(0.0, 1.0) * cd(Complex(ui, -v0), seq);
    if (p.imag() < 0) p = std::conj(p);
    proto.pole_pairs.push_back(p);
  }
  if (n % 2 == 1) {
    proto.has_real_pole = true;
    proto.real_pole = (Complex(0.0, 1.0) * sn(Complex(0.0, v0), seq)).real();
  }
  proto.dc_gain = (n % 2 == 0) ? 1.0 / std::sqrt(1.0 + eps2) : 1.0;
}

// --- prototype -> digital sections --------------------------------------------------

struct DigitalRoot {
  Complex z;
  Complex from_ref;
};

DigitalRoot to_digital(Complex r, FilterKind kind, double warped) {
  if (kind == FilterKind::lowpass)
    return {(1.0 + warped * r) / (1.0 - warped * r), -2.0 * warped * r / (1.0 - warped * r)};
  return {(r + warped) / (r - warped), -2.0 * r / (r - warped)};
}

void to_sections(const Prototype& proto, FilterKind kind, double cutoff_hz, double fs,
                 SectionArray& out) {
  const double warped = std::tan(kPi * cutoff_hz / fs);
  const double z_inf = kind == FilterKind::lowpass ? -1.0 : 1.0;
  const Complex z_inf_from_ref = kind == FilterKind::lowpass ? 2.0 : -2.0;

  FixedVector<DigitalRoot, kMaxPairs> poles;
  for (const Complex& p : proto.pole_pairs) poles.push_back(to_digital(p, kind, warped));
  FixedVector<DigitalRoot, kMaxPairs> zeros;
  for (const Complex& z : proto.zero_pairs) zeros.push_back(to_digital(z, kind, warped));

  auto upper = [](Complex c) { return c.imag() < 0 ? std::conj(c) : c; };
  std::array<std::size_t, kMaxPairs> by_q{};
  for (std::size_t i = 0; i < poles.size(); ++i) by_q[i] = i;
  // Insertion sort, largest |z| first: at most 8 pairs, and GCC 12's -Warray-bounds
  // misreads std::sort over part of a std::array under -O2 sanitizer builds.
  for (std::size_t i = 1; i < poles.size(); ++i)
    for (std::size_t j = i; j > 0 && std::abs(poles[by_q[j]].z) > std::abs(poles[by_q[j - 1]].z);
         --j)
      std::swap(by_q[j], by_q[j - 1]);

  std::array<Biquad, kMaxPairs> pair_sections{};
  std::array<bool, kMaxPairs> zero_used{};
  for (std::size_t n = 0; n < poles.size(); ++n) {
    const std::size_t idx = by_q[n];
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

  SectionArray result;
  if (proto.has_real_pole) {
    const DigitalRoot p = to_digital(Complex(proto.real_pole, 0.0), kind, warped);
    const double g = p.from_ref.real() / z_inf_from_ref.real();
    result.sections[result.count++] = {g, -z_inf * g, 0.0, -p.z.real(), 0.0};
  }
  for (std::size_t n = poles.size(); n-- > 0;)
    result.sections[result.count++] = pair_sections[by_q[n]];

  result.sections[0].b0 *= proto.dc_gain;
  result.sections[0].b1 *= proto.dc_gain;
  result.sections[0].b2 *= proto.dc_gain;
  out = result;
}

}  // namespace

std::uint32_t iir_section_count(IirFamily family, int order) noexcept {
  if (family == IirFamily::linkwitz_riley)
    return (order == 2 || order == 4 || order == 8) ? 2 * std::uint32_t((order / 2 + 1) / 2) : 0;
  if (order < 1 || order > dsp::kMaxIirOrder) return 0;
  return std::uint32_t((order + 1) / 2);
}

namespace {

/// The prototype of spec's family (Linkwitz-Riley: its Butterworth of half the order);
/// false for an invalid specification. The cutoff and sample rate are not checked here.
bool make_prototype(const IirSpec& spec, Prototype& proto) {
  if (iir_section_count(spec.family, spec.order) == 0) return false;
  switch (spec.family) {
    case IirFamily::butterworth:
      butterworth_prototype(spec.order, proto);
      return true;
    case IirFamily::cheby1:
      if (!positive(spec.ripple_db)) return false;
      cheby1_prototype(spec.order, spec.ripple_db, proto);
      return true;
    case IirFamily::cheby2:
      if (!positive(spec.atten_db)) return false;
      cheby2_prototype(spec.order, spec.atten_db, proto);
      return true;
    case IirFamily::elliptic:
      if (!positive(spec.ripple_db) || !positive(spec.atten_db) || spec.atten_db <= spec.ripple_db)
        return false;
      elliptic_prototype(spec.order, spec.ripple_db, spec.atten_db, proto);
      return true;
    case IirFamily::linkwitz_riley:
      butterworth_prototype(spec.order / 2, proto);
      return true;
  }
  return false;
}

}  // namespace

bool analog_prototype(const IirSpec& spec, AnalogZpk& out) noexcept {
  Prototype proto;
  if (!make_prototype(spec, proto)) return false;
  AnalogZpk zpk;
  // Prototype::dc_gain is the gain at s = 0; SciPy's k is that times Π(-p) / Π(-z).
  Complex gain = proto.dc_gain;
  for (const Complex& p : proto.pole_pairs) {
    zpk.poles[zpk.pole_count++] = p;
    zpk.poles[zpk.pole_count++] = std::conj(p);
    gain *= std::norm(p);
  }
  if (proto.has_real_pole) {
    zpk.poles[zpk.pole_count++] = proto.real_pole;
    gain *= -proto.real_pole;
  }
  for (const Complex& z : proto.zero_pairs) {
    zpk.zeros[zpk.zero_count++] = z;
    zpk.zeros[zpk.zero_count++] = std::conj(z);
    gain /= std::norm(z);
  }
  zpk.gain = gain.real();
  out = zpk;
  return true;
}

bool design_iir(const IirSpec& spec, SectionArray& out) noexcept {
  const double fs = spec.sample_rate;
  if (!positive(fs) || !positive(spec.cutoff_hz) || spec.cutoff_hz >= fs / 2) return false;
  Prototype proto;
  if (!make_prototype(spec, proto)) return false;
  if (spec.family == IirFamily::linkwitz_riley) {
    // A Butterworth of half the order, twice.
    SectionArray half;
    to_sections(proto, spec.kind, spec.cutoff_hz, fs, half);
    SectionArray doubled;
    for (std::uint32_t i = 0; i < half.count; ++i) {
      doubled.sections[i] = half.sections[i];
      doubled.sections[half.count + i] = half.sections[i];
    }
    doubled.count = 2 * half.count;
    out = doubled;
    return true;
  }
  to_sections(proto, spec.kind, spec.cutoff_hz, fs, out);
  return true;
}

}  // namespace fxgraph::dsp
