// Filter design: every design reproduces its scipy reference (committed fixtures, see
// make_fixtures.py) to 1e-5 relative RMS error on filtered noise, the designs have the
// defining properties of their families, and bad specifications throw ParameterError
// with a message naming the value and the allowed range.

#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/fir_convolver.h"
#include "fxgraph/nodes/dsp/sos_filter.h"

using namespace fxgraph;
using namespace fxgraph::dsp;
using namespace fxgraph::test::dsp;

namespace {

constexpr double kTolerance = 1e-5;  // relative RMS error against scipy (the DSP contract)

FilterKind kind_of(const FixtureCase& c) {
  return c.text("kind") == "lowpass" ? FilterKind::lowpass : FilterKind::highpass;
}

std::vector<Biquad> design_of(const FixtureCase& c) {
  const std::string design = c.text("design");
  const double fs = c.number("fs");
  if (design == "butter")
    return butterworth(kind_of(c), c.integer("order"), c.number("cutoff"), fs);
  if (design == "cheby1")
    return cheby1(kind_of(c), c.integer("order"), c.number("ripple"), c.number("cutoff"), fs);
  if (design == "cheby2")
    return cheby2(kind_of(c), c.integer("order"), c.number("atten"), c.number("cutoff"), fs);
  if (design == "ellip")
    return elliptic(kind_of(c), c.integer("order"), c.number("ripple"), c.number("atten"),
                    c.number("cutoff"), fs);
  if (design == "linkwitz_riley")
    return linkwitz_riley(kind_of(c), c.integer("order"), c.number("cutoff"), fs);
  if (design == "rbj") {
    const std::string kind = c.text("kind");
    const double f0 = c.number("cutoff");
    const double gain = c.has("gain") ? c.number("gain") : 0.0;
    const double q = c.has("q") ? c.number("q") : shelf_slope_to_q(c.number("slope"), gain);
    if (kind == "lowpass") return {rbj_lowpass(f0, q, fs)};
    if (kind == "highpass") return {rbj_highpass(f0, q, fs)};
    if (kind == "bandpass_skirt") return {rbj_bandpass_skirt(f0, q, fs)};
    if (kind == "bandpass_peak") return {rbj_bandpass_peak(f0, q, fs)};
    if (kind == "notch") return {rbj_notch(f0, q, fs)};
    if (kind == "allpass") return {rbj_allpass(f0, q, fs)};
    if (kind == "peaking") return {rbj_peaking(f0, q, gain, fs)};
    if (kind == "low_shelf") return {rbj_low_shelf(f0, gain, q, fs)};
    if (kind == "high_shelf") return {rbj_high_shelf(f0, gain, q, fs)};
  }
  FAIL("unknown fixture design " << design << " kind " << c.text("kind"));
  return {};
}

// Filters the fixture input through the designed sections in one block.
AudioBuffer run_sos(const std::vector<Biquad>& sections, std::uint32_t channels) {
  AudioBuffer buffer = fixture_input(channels);
  SosFilter filter;
  filter.prepare(channels, static_cast<std::uint32_t>(sections.size()));
  REQUIRE(filter.set_sections(sections.data(), static_cast<std::uint32_t>(sections.size())));
  filter.process(buffer.view(), buffer.view());
  return buffer;
}

// Runs every fixture case of one design and checks each against its reference.
void check_iir_fixtures(const std::string& design, std::size_t expected_cases) {
  const auto cases = cases_of(design);
  REQUIRE(cases.size() == expected_cases);
  for (const FixtureCase& c : cases) {
    INFO("fixture " << c.name);
    const AudioBuffer want = read_f32(c.text("file"));
    const AudioBuffer got = run_sos(design_of(c), want.num_channels());
    CHECK(relative_rms_error(got, want) < kTolerance);
  }
}

// Frequency response of a cascade at f Hz.
std::complex<double> response(const std::vector<Biquad>& sections, double f, double fs) {
  const std::complex<double> zi = std::polar(1.0, -2.0 * std::numbers::pi * f / fs);
  std::complex<double> h = 1.0;
  for (const Biquad& s : sections)
    h *= (s.b0 + s.b1 * zi + s.b2 * zi * zi) / (1.0 + s.a1 * zi + s.a2 * zi * zi);
  return h;
}

double gain_db(const std::vector<Biquad>& sections, double f, double fs) {
  return 20.0 * std::log10(std::abs(response(sections, f, fs)));
}

// Both poles of every section strictly inside the unit circle (the stability triangle).
bool stable(const std::vector<Biquad>& sections) {
  for (const Biquad& s : sections)
    if (!(std::abs(s.a2) < 1.0 && std::abs(s.a1) < 1.0 + s.a2)) return false;
  return true;
}

template <typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const ParameterError& e) {
    return e.what();
  }
  return "(no ParameterError thrown)";
}

}  // namespace

// --- Reference fixtures -------------------------------------------------------------

TEST_CASE("butterworth designs match scipy butter + sosfilt", "[dsp][filter_design]") {
  check_iir_fixtures("butter", 21);
}

TEST_CASE("cheby1 designs match scipy cheby1 + sosfilt", "[dsp][filter_design]") {
  check_iir_fixtures("cheby1", 13);
}

TEST_CASE("cheby2 designs match scipy cheby2 + sosfilt", "[dsp][filter_design]") {
  check_iir_fixtures("cheby2", 12);
}

TEST_CASE("elliptic designs match scipy ellip + sosfilt", "[dsp][filter_design]") {
  check_iir_fixtures("ellip", 15);
}

TEST_CASE("linkwitz_riley matches butterworth of half the order applied twice",
          "[dsp][filter_design]") {
  check_iir_fixtures("linkwitz_riley", 6);
}

TEST_CASE("RBJ cookbook biquads match the cookbook formulas filtered by lfilter",
          "[dsp][filter_design]") {
  check_iir_fixtures("rbj", 15);
}

TEST_CASE("firwin taps applied by FirConvolver match scipy firwin + numpy.convolve",
          "[dsp][filter_design][fir]") {
  const auto cases = cases_of("firwin");
  REQUIRE(cases.size() == 12);
  for (const FixtureCase& c : cases) {
    INFO("fixture " << c.name);
    const std::string pass_name = c.text("pass");
    const FirPass pass = pass_name == "lowpass"    ? FirPass::lowpass
                         : pass_name == "highpass" ? FirPass::highpass
                         : pass_name == "bandpass" ? FirPass::bandpass
                                                   : FirPass::bandstop;
    const std::string window_name = c.text("window");
    const Window window = window_name == "hamming"    ? Window::hamming
                          : window_name == "hann"     ? Window::hann
                          : window_name == "blackman" ? Window::blackman
                          : window_name == "kaiser"   ? Window::kaiser
                                                      : Window::rectangular;
    const std::vector<double> taps = firwin(c.integer("numtaps"), c.numbers("cutoff"), pass, window,
                                            c.number("beta"), c.number("fs"));
    REQUIRE(taps.size() == static_cast<std::size_t>(c.integer("numtaps")));

    const AudioBuffer want = read_f32(c.text("file"));
    AudioBuffer got = fixture_input(want.num_channels());
    FirConvolver convolver;
    convolver.prepare(want.num_channels(), std::vector<float>(taps.begin(), taps.end()),
                      got.capacity_frames());
    CHECK(convolver.uses_fft() == (taps.size() >= FirConvolver::kFftThreshold));
    convolver.process(got.view(), got.view());
    CHECK(relative_rms_error(got, want) < kTolerance);
  }
}

// --- Defining properties ------------------------------------------------------------

TEST_CASE("butterworth is -3 dB at the cutoff and flat far below it", "[dsp][filter_design]") {
  for (int order : {1, 2, 3, 7, 16}) {
    INFO("order " << order);
    const auto lp = butterworth(FilterKind::lowpass, order, 1000.0, 48000.0);
    const auto hp = butterworth(FilterKind::highpass, order, 1000.0, 48000.0);
    CHECK(gain_db(lp, 1000.0, 48000.0) == Approx(-3.0103).margin(1e-3));
    CHECK(gain_db(hp, 1000.0, 48000.0) == Approx(-3.0103).margin(1e-3));
    CHECK(gain_db(lp, 1.0, 48000.0) == Approx(0.0).margin(1e-5));
    CHECK(gain_db(hp, 23999.0, 48000.0) == Approx(0.0).margin(1e-5));
    CHECK(lp.size() == static_cast<std::size_t>((order + 1) / 2));
    if (order % 2 == 1) {
      CHECK(lp.front().b2 == 0.0);
      CHECK(lp.front().a2 == 0.0);
    }
  }
}

TEST_CASE("equiripple designs reach their ripple or attenuation exactly at the cutoff",
          "[dsp][filter_design]") {
  const double fs = 44100.0, fc = 3000.0;
  for (int order : {2, 5, 8}) {
    INFO("order " << order);
    CHECK(gain_db(cheby1(FilterKind::lowpass, order, 0.5, fc, fs), fc, fs) ==
          Approx(-0.5).margin(1e-6));
    CHECK(gain_db(cheby2(FilterKind::lowpass, order, 50.0, fc, fs), fc, fs) ==
          Approx(-50.0).margin(1e-6));
    CHECK(gain_db(elliptic(FilterKind::lowpass, order, 0.5, 50.0, fc, fs), fc, fs) ==
          Approx(-0.5).margin(1e-6));
    CHECK(gain_db(elliptic(FilterKind::highpass, order, 1.0, 60.0, fc, fs), fc, fs) ==
          Approx(-1.0).margin(1e-6));
  }
}

TEST_CASE("linkwitz_riley low and high outputs sum to an all-pass", "[dsp][filter_design]") {
  const double fs = 48000.0, fc = 2000.0;
  for (int order : {2, 4, 8}) {
    INFO("order " << order);
    const auto low = linkwitz_riley(FilterKind::lowpass, order, fc, fs);
    const auto high = linkwitz_riley(FilterKind::highpass, order, fc, fs);
    CHECK(gain_db(low, fc, fs) == Approx(-6.0206).margin(1e-3));
    // Order 2: the outputs are in antiphase at the crossover, so the all-pass is the
    // difference (documented in filter_design.h); orders 4 and 8 sum directly.
    const double sign = order == 2 ? -1.0 : 1.0;
    for (double f = 10.0; f < fs / 2; f *= 1.1) {
      const double magnitude = std::abs(response(low, f, fs) + sign * response(high, f, fs));
      CHECK(magnitude == Approx(1.0).margin(1e-9));
    }
  }
}

TEST_CASE("RBJ biquads have their documented gains", "[dsp][filter_design]") {
  const double fs = 48000.0, f0 = 1500.0;
  CHECK(std::abs(response({rbj_bandpass_skirt(f0, 4.0, fs)}, f0, fs)) == Approx(4.0));
  CHECK(gain_db({rbj_bandpass_peak(f0, 4.0, fs)}, f0, fs) == Approx(0.0).margin(1e-9));
  CHECK(std::abs(response({rbj_notch(f0, 4.0, fs)}, f0, fs)) < 1e-9);
  CHECK(gain_db({rbj_peaking(f0, 2.0, 7.5, fs)}, f0, fs) == Approx(7.5));
  CHECK(gain_db({rbj_low_shelf(f0, 9.0, 0.7071, fs)}, 5.0, fs) == Approx(9.0).margin(1e-3));
  CHECK(gain_db({rbj_high_shelf(f0, -9.0, 0.7071, fs)}, 23990.0, fs) == Approx(-9.0).margin(1e-3));
  CHECK(gain_db({rbj_low_shelf(f0, 9.0, 0.7071, fs)}, f0, fs) == Approx(4.5).margin(1e-9));
  for (double f : {20.0, 700.0, 1500.0, 9000.0, 23000.0})
    CHECK(std::abs(response({rbj_allpass(f0, 0.8, fs)}, f, fs)) == Approx(1.0));
  // S = 1 is the steepest monotonic shelf: Q = 1/sqrt(2) whatever the gain.
  CHECK(shelf_slope_to_q(1.0, 12.0) == Approx(1.0 / std::sqrt(2.0)));
  CHECK(shelf_slope_to_q(1.0, -3.0) == Approx(1.0 / std::sqrt(2.0)));
}

TEST_CASE("order-16 designs at 1 Hz and 0.999 Nyquist have all poles inside the unit circle",
          "[dsp][filter_design]") {
  const double fs = 48000.0;
  for (double fc : {1.0, 0.999 * fs / 2}) {
    for (FilterKind kind : {FilterKind::lowpass, FilterKind::highpass}) {
      INFO("cutoff " << fc << " kind " << (kind == FilterKind::lowpass ? "lowpass" : "highpass"));
      CHECK(stable(butterworth(kind, 16, fc, fs)));
      CHECK(stable(cheby1(kind, 16, 1.0, fc, fs)));
      CHECK(stable(cheby2(kind, 16, 80.0, fc, fs)));
      CHECK(stable(elliptic(kind, 12, 0.5, 80.0, fc, fs)));
      CHECK(stable(elliptic(kind, 16, 1.0, 100.0, fc, fs)));
    }
  }
}

// --- Validation ---------------------------------------------------------------------

TEST_CASE("a cutoff at or above Nyquist throws ParameterError naming Nyquist",
          "[dsp][filter_design]") {
  const std::string message =
      message_of([] { butterworth(FilterKind::lowpass, 4, 24000.0, 48000.0); });
  CHECK(message == "cutoff 24000 Hz must be below Nyquist (24000 Hz at 48000 Hz)");
  CHECK_THROWS_WITH(cheby1(FilterKind::highpass, 4, 1.0, 30000.0, 48000.0),
                    Catch::Contains("Nyquist"));
  CHECK_THROWS_WITH(cheby2(FilterKind::lowpass, 4, 40.0, 22050.0, 44100.0),
                    Catch::Contains("Nyquist"));
  CHECK_THROWS_WITH(elliptic(FilterKind::lowpass, 4, 1.0, 40.0, 50000.0, 96000.0),
                    Catch::Contains("Nyquist"));
  CHECK_THROWS_WITH(linkwitz_riley(FilterKind::lowpass, 4, 24000.0, 48000.0),
                    Catch::Contains("Nyquist"));
  CHECK_THROWS_WITH(rbj_peaking(24000.0, 1.0, 3.0, 48000.0), Catch::Contains("Nyquist"));
  CHECK_THROWS_WITH(firwin(31, {24000.0}, FirPass::lowpass, Window::hamming, 0.0, 48000.0),
                    Catch::Contains("Nyquist"));
  CHECK_THROWS_AS(butterworth(FilterKind::lowpass, 4, 0.0, 48000.0), ParameterError);
  CHECK_THROWS_AS(butterworth(FilterKind::lowpass, 4, -5.0, 48000.0), ParameterError);
  CHECK_THROWS_AS(butterworth(FilterKind::lowpass, 4, NAN, 48000.0), ParameterError);
  CHECK_THROWS_AS(butterworth(FilterKind::lowpass, 4, 1000.0, 0.0), ParameterError);
}

TEST_CASE("out-of-range orders, Q, ripple and attenuation throw with the allowed range",
          "[dsp][filter_design]") {
  CHECK_THROWS_WITH(butterworth(FilterKind::lowpass, 0, 1000.0, 48000.0),
                    "butterworth order 0 is out of range (1 to 16)");
  CHECK_THROWS_WITH(butterworth(FilterKind::lowpass, 17, 1000.0, 48000.0),
                    "butterworth order 17 is out of range (1 to 16)");
  CHECK_THROWS_WITH(cheby1(FilterKind::lowpass, 4, 0.0, 1000.0, 48000.0),
                    Catch::Contains("ripple 0 dB must be a finite number above 0"));
  CHECK_THROWS_WITH(cheby2(FilterKind::lowpass, 4, -10.0, 1000.0, 48000.0),
                    Catch::Contains("attenuation -10 dB"));
  CHECK_THROWS_WITH(elliptic(FilterKind::lowpass, 4, 3.0, 3.0, 1000.0, 48000.0),
                    Catch::Contains("must be greater than the passband ripple"));
  CHECK_THROWS_WITH(linkwitz_riley(FilterKind::lowpass, 3, 1000.0, 48000.0),
                    "linkwitz_riley order 3 is not supported (allowed: 2, 4 or 8)");
  CHECK_THROWS_WITH(rbj_lowpass(1000.0, 0.0, 48000.0),
                    Catch::Contains("Q 0 must be a finite number above 0"));
  CHECK_THROWS_WITH(rbj_peaking(1000.0, 1.0, INFINITY, 48000.0), Catch::Contains("gain"));
  CHECK_THROWS_WITH(shelf_slope_to_q(10.0, 12.0), Catch::Contains("too steep"));
  CHECK_THROWS_AS(shelf_slope_to_q(0.0, 6.0), ParameterError);
}

TEST_CASE("firwin rejects even lengths for highpass and bandstop and bad band edges",
          "[dsp][filter_design][fir]") {
  CHECK_THROWS_WITH(firwin(64, {1000.0}, FirPass::highpass, Window::hamming, 0.0, 48000.0),
                    Catch::Contains("highpass numtaps 64 must be odd"));
  CHECK_THROWS_WITH(firwin(64, {1000.0, 2000.0}, FirPass::bandstop, Window::hamming, 0.0, 48000.0),
                    Catch::Contains("bandstop numtaps 64 must be odd"));
  CHECK_NOTHROW(firwin(64, {1000.0, 2000.0}, FirPass::bandpass, Window::hann, 0.0, 48000.0));
  CHECK_THROWS_WITH(firwin(63, {3000.0, 2000.0}, FirPass::bandpass, Window::hann, 0.0, 48000.0),
                    Catch::Contains("must be increasing"));
  CHECK_THROWS_WITH(firwin(63, {3000.0}, FirPass::bandpass, Window::hann, 0.0, 48000.0),
                    Catch::Contains("needs 2 cutoff frequencies, got 1"));
  CHECK_THROWS_WITH(firwin(0, {3000.0}, FirPass::lowpass, Window::hann, 0.0, 48000.0),
                    Catch::Contains("numtaps 0 is out of range"));
  CHECK_THROWS_AS(firwin(63, {3000.0}, FirPass::lowpass, Window::kaiser, -1.0, 48000.0),
                  ParameterError);
}
