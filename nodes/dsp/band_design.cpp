#include "fxgraph/nodes/dsp/band_design.h"

#include <cmath>
#include <complex>
#include <numbers>

// Fixed-capacity arrays throughout: this runs on the audio thread.

namespace fxgraph::dsp {
namespace {

using Complex = std::complex<double>;
constexpr std::size_t kMaxRoots = 2 * kMaxSections;
// SciPy designs at fs = 2 (frequencies normalised to Nyquist); bilinear's 2·fs is 4.
constexpr double kBilinear = 4.0;

struct Roots {
  std::array<Complex, kMaxRoots> items{};
  std::size_t count = 0;
  void push_back(Complex r) noexcept { items[count++] = r; }
};

/// One quadratic factor z² + c1·z + c2 of a polynomial with real coefficients, kept
/// with one of its roots (the upper one of a conjugate pair) for pairing.
struct Quadratic {
  Complex root;
  double c1 = 0.0;
  double c2 = 0.0;
  Complex at(Complex z) const noexcept { return z * z + c1 * z + c2; }
};

struct Quadratics {
  std::array<Quadratic, kMaxSections> items{};
  std::size_t count = 0;
};

/// Groups `roots` (conjugates present to rounding) into real quadratic factors:
/// each upper-half root with its conjugate, the real roots two by two in ascending
/// order. False when the roots cannot be grouped (an odd number of real roots).
bool quadratics_of(const Roots& roots, Quadratics& out) noexcept {
  std::array<double, kMaxRoots> reals{};
  std::size_t real_count = 0;
  for (std::size_t i = 0; i < roots.count; ++i) {
    const Complex r = roots.items[i];
    const double tolerance = 100 * 2.220446049250313e-16 * std::abs(r);
    if (std::abs(r.imag()) <= tolerance) {
      reals[real_count++] = r.real();
    } else if (r.imag() > 0) {
      if (out.count == kMaxSections) return false;
      out.items[out.count++] = {r, -2.0 * r.real(), std::norm(r)};
    }
  }
  if (real_count % 2 != 0) return false;
  for (std::size_t i = 1; i < real_count; ++i)  // insertion sort: at most 16 roots
    for (std::size_t j = i; j > 0 && reals[j] < reals[j - 1]; --j)
      std::swap(reals[j], reals[j - 1]);
  for (std::size_t i = 0; i < real_count; i += 2) {
    if (out.count == kMaxSections) return false;
    out.items[out.count++] = {reals[i], -(reals[i] + reals[i + 1]), reals[i] * reals[i + 1]};
  }
  return true;
}

/// SciPy's lp2bp_zpk (band-pass) or lp2bs_zpk (band-stop) followed by bilinear_zpk at
/// fs = 2; returns the digital gain k.
double transform(const AnalogZpk& proto, BandKind kind, double wo, double bw, Roots& zeros,
                 Roots& poles) noexcept {
  const std::size_t degree = proto.pole_count - proto.zero_count;
  Complex k = proto.gain;
  auto split = [&](Complex r, Roots& into) {
    // lp2bp: s → (s² + wo²)/(bw·s); lp2bs: s → bw·s/(s² + wo²). Each root becomes two.
    const Complex scaled = kind == BandKind::bandpass ? r * bw / 2.0 : (bw / 2.0) / r;
    const Complex offset = std::sqrt(scaled * scaled - wo * wo);
    into.push_back(scaled + offset);
    into.push_back(scaled - offset);
  };
  Roots analog_zeros, analog_poles;
  for (std::uint32_t i = 0; i < proto.zero_count; ++i) split(proto.zeros[i], analog_zeros);
  for (std::uint32_t i = 0; i < proto.pole_count; ++i) split(proto.poles[i], analog_poles);
  if (kind == BandKind::bandpass) {
    for (std::size_t i = 0; i < degree; ++i) analog_zeros.push_back(0.0);
    k *= std::pow(bw, double(degree));
  } else {
    for (std::size_t i = 0; i < degree; ++i) {
      analog_zeros.push_back(Complex(0.0, wo));
      analog_zeros.push_back(Complex(0.0, -wo));
    }
    Complex ratio = 1.0;
    for (std::uint32_t i = 0; i < proto.zero_count; ++i) ratio *= -proto.zeros[i];
    for (std::uint32_t i = 0; i < proto.pole_count; ++i) ratio /= -proto.poles[i];
    k *= ratio.real();
  }
  // bilinear_zpk: z = (4 + s)/(4 - s); zeros at infinity go to z = -1.
  Complex ratio = 1.0;
  for (std::size_t i = 0; i < analog_zeros.count; ++i) {
    const Complex s = analog_zeros.items[i];
    zeros.push_back((kBilinear + s) / (kBilinear - s));
    ratio *= kBilinear - s;
  }
  for (std::size_t i = 0; i < analog_poles.count; ++i) {
    const Complex s = analog_poles.items[i];
    poles.push_back((kBilinear + s) / (kBilinear - s));
    ratio /= kBilinear - s;
  }
  while (zeros.count < poles.count) zeros.push_back(-1.0);
  return (k * ratio).real();
}

bool valid(const BandSpec& spec) noexcept {
  const double fs = spec.prototype.sample_rate;
  const int order = spec.prototype.order;
  return std::isfinite(fs) && fs > 0.0 && std::isfinite(spec.low_hz) && spec.low_hz > 0.0 &&
         spec.low_hz < spec.high_hz && spec.high_hz < fs / 2 && order >= 1 &&
         order <= kMaxBandOrder && spec.prototype.family != IirFamily::linkwitz_riley;
}

}  // namespace

bool design_band_iir(const BandSpec& spec, SectionArray& out) noexcept {
  AnalogZpk proto;
  if (!valid(spec) || !analog_prototype(spec.prototype, proto)) return false;
  const double fs = spec.prototype.sample_rate;
  const double low = kBilinear * std::tan(std::numbers::pi * spec.low_hz / fs);
  const double high = kBilinear * std::tan(std::numbers::pi * spec.high_hz / fs);
  const double wo = std::sqrt(low * high);
  Roots zeros, poles;
  const double k = transform(proto, spec.kind, wo, high - low, zeros, poles);

  Quadratics zero_factors, pole_factors;
  if (!quadratics_of(zeros, zero_factors) || !quadratics_of(poles, pole_factors) ||
      zero_factors.count != pole_factors.count)
    return false;

  // Poles closest to the unit circle first, each with the nearest zeros left.
  std::array<std::size_t, kMaxSections> by_radius{};
  for (std::size_t i = 0; i < pole_factors.count; ++i) by_radius[i] = i;
  for (std::size_t i = 1; i < pole_factors.count; ++i)
    for (std::size_t j = i; j > 0 && std::abs(pole_factors.items[by_radius[j]].root) >
                                         std::abs(pole_factors.items[by_radius[j - 1]].root);
         --j)
      std::swap(by_radius[j], by_radius[j - 1]);

  // The reference point: the image of s = j·wo (the band's centre) or of DC, where no
  // section has a zero, so each can be scaled to unit gain there.
  const Complex z_ref = spec.kind == BandKind::bandpass
                            ? (kBilinear + Complex(0.0, wo)) / (kBilinear - Complex(0.0, wo))
                            : Complex(1.0, 0.0);
  Complex whole = k;  // the filter's response at z_ref
  for (std::size_t i = 0; i < zeros.count; ++i) whole *= z_ref - zeros.items[i];
  for (std::size_t i = 0; i < poles.count; ++i) whole /= z_ref - poles.items[i];

  SectionArray result;
  std::array<bool, kMaxSections> zero_used{};
  Complex sections_at_ref = 1.0;
  for (std::size_t n = 0; n < pole_factors.count; ++n) {
    const Quadratic& p = pole_factors.items[by_radius[n]];
    std::size_t best = zero_factors.count;
    for (std::size_t j = 0; j < zero_factors.count; ++j)
      if (!zero_used[j] &&
          (best == zero_factors.count || std::abs(zero_factors.items[j].root - p.root) <
                                             std::abs(zero_factors.items[best].root - p.root)))
        best = j;
    zero_used[best] = true;
    const Quadratic& z = zero_factors.items[best];
    const Complex raw = z.at(z_ref) / p.at(z_ref);
    const double g = 1.0 / std::abs(raw);
    sections_at_ref *= raw * g;
    result.sections[result.count++] = {g, g * z.c1, g * z.c2, p.c1, p.c2};
  }
  // The sections are built most resonant first; run them least resonant first.
  for (std::uint32_t i = 0; i < result.count / 2; ++i)
    std::swap(result.sections[i], result.sections[result.count - 1 - i]);
  const double rest = (whole / sections_at_ref).real();
  result.sections[0].b0 *= rest;
  result.sections[0].b1 *= rest;
  result.sections[0].b2 *= rest;
  out = result;
  return true;
}

}  // namespace fxgraph::dsp
