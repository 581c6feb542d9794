// nodes/dsp/band_design.h against SciPy: for each band-pass/band-stop case of
// make_fixtures.py, SciPy's complex response (sosfreqz of butter/cheby1/cheby2/ellip
// with that btype, output='sos') at 97 frequencies — log-spaced to Nyquist, the band
// edges and around the centre — in tests/torchfx/fixtures/band_responses.txt.
//
// Tolerance: 1e-9 absolute on a response whose passband gain is about 1. Both sides
// compute in double from the same formulas (lp2bp/lp2bs, bilinear), so they differ by
// rounding only (~1e-12 here); a wrong edge, order, ripple or gain is off by far more.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "fxgraph/nodes/dsp/band_design.h"

using namespace fxgraph;

namespace {

struct ResponseCase {
  std::string name;
  dsp::BandSpec spec;
  std::vector<double> freqs;
  std::vector<std::complex<double>> response;
};

double value_of(const std::string& word) {
  return std::stod(word.substr(word.find('=') + 1));
}

std::vector<ResponseCase> response_cases() {
  std::ifstream in(std::string(FXGRAPH_TEST_DATA_DIR) + "/torchfx/fixtures/band_responses.txt");
  REQUIRE(in);
  std::vector<ResponseCase> cases;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    if (line.rfind("case ", 0) == 0) {
      std::string tag, family, btype, order, ripple, atten, fs, low, high;
      words >> tag >> tag >> family >> btype >> order >> ripple >> atten >> fs >> low >> high;
      ResponseCase c;
      c.name = tag;
      dsp::IirSpec& proto = c.spec.prototype;
      proto.family = family == "butterworth" ? dsp::IirFamily::butterworth
                     : family == "cheby1"    ? dsp::IirFamily::cheby1
                     : family == "cheby2"    ? dsp::IirFamily::cheby2
                                             : dsp::IirFamily::elliptic;
      proto.order = int(value_of(order));
      proto.ripple_db = value_of(ripple);
      proto.atten_db = value_of(atten);
      proto.sample_rate = value_of(fs);
      c.spec.kind = btype == "bandpass" ? dsp::BandKind::bandpass : dsp::BandKind::bandstop;
      c.spec.low_hz = value_of(low);
      c.spec.high_hz = value_of(high);
      cases.push_back(c);
    } else {
      double f = 0, re = 0, im = 0;
      words >> f >> re >> im;
      REQUIRE(!cases.empty());
      cases.back().freqs.push_back(f);
      cases.back().response.emplace_back(re, im);
    }
  }
  return cases;
}

std::complex<double> response_at(const dsp::SectionArray& sos, double f, double fs) {
  const std::complex<double> zi = std::polar(1.0, -2.0 * std::numbers::pi * f / fs);  // z^-1
  std::complex<double> h = 1.0;
  for (std::uint32_t i = 0; i < sos.count; ++i) {
    const dsp::Biquad& s = sos.sections[i];
    h *= (s.b0 + s.b1 * zi + s.b2 * zi * zi) / (1.0 + s.a1 * zi + s.a2 * zi * zi);
  }
  return h;
}

}  // namespace

TEST_CASE("band-pass and band-stop designs have SciPy's response to 1e-9", "[torchfx][filters]") {
  const std::vector<ResponseCase> cases = response_cases();
  REQUIRE(cases.size() >= 8);
  for (const ResponseCase& c : cases) {
    CAPTURE(c.name);
    dsp::SectionArray sos;
    REQUIRE(dsp::design_band_iir(c.spec, sos));
    CHECK(sos.count == std::uint32_t(c.spec.prototype.order));  // 2·order poles
    double worst = 0.0;
    for (std::size_t i = 0; i < c.freqs.size(); ++i)
      worst = std::max(worst, std::abs(response_at(sos, c.freqs[i], c.spec.prototype.sample_rate) -
                                       c.response[i]));
    INFO("largest difference " << std::scientific << worst);
    CHECK(worst <= 1e-9);
  }
}

TEST_CASE("band designs refuse edges out of order or at Nyquist and orders beyond 8",
          "[torchfx][filters]") {
  dsp::BandSpec spec;
  spec.prototype.sample_rate = 48000.0;
  dsp::SectionArray sos;
  sos.count = 99;  // untouched by a refused design
  auto refused = [&](dsp::BandSpec s) { return !dsp::design_band_iir(s, sos) && sos.count == 99; };
  dsp::BandSpec swapped = spec;
  std::swap(swapped.low_hz, swapped.high_hz);
  CHECK(refused(swapped));
  dsp::BandSpec at_nyquist = spec;
  at_nyquist.high_hz = 24000.0;
  CHECK(refused(at_nyquist));
  dsp::BandSpec too_high = spec;
  too_high.prototype.order = dsp::kMaxBandOrder + 1;
  CHECK(refused(too_high));
  dsp::BandSpec linkwitz = spec;
  linkwitz.prototype.family = dsp::IirFamily::linkwitz_riley;
  CHECK(refused(linkwitz));
  dsp::BandSpec widest = spec;
  widest.prototype.order = dsp::kMaxBandOrder;
  CHECK(dsp::design_band_iir(widest, sos));
  CHECK(sos.count == dsp::kMaxSections);
}
