// torchfx's IIR base classes (Butterworth, Chebyshev1, Chebyshev2, Elliptic): btype,
// the band forms' cutoff pair, their checks and live edges. Their outputs are compared
// with torchfx's in test_torchfx_fixtures.cpp, the band designs with SciPy's in
// test_band_design.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "fxgraph/engine/errors.h"
#include "support/thrown.h"
#include "torchfx/torchfx_helpers.h"

using namespace fxgraph;
using test::thrown_by;
using test::torchfx_node;

namespace {

const std::vector<std::string> kBaseClasses = {"Butterworth", "Chebyshev1", "Chebyshev2",
                                               "Elliptic"};

std::map<std::string, OptionValue> band(const char* btype, double low, double high) {
  return {{"btype", std::string(btype)}, {"cutoff", std::vector<double>{low, high}}};
}

double parameter(const std::shared_ptr<Node>& node, const char* name) {
  const int index = node->find_parameter(name);
  REQUIRE(index >= 0);
  return node->requested_value(std::size_t(index));
}

constexpr std::uint32_t kFrames = 24000;  // 0.5 s at 48 kHz

/// Peak gain of `engine` (mono, 48 kHz) for a sine at `hz`, from the RMS of the second
/// half of 0.5 s (the first lets the filter settle).
double sine_gain(Engine& engine, double hz) {
  AudioBuffer in(1, kFrames), out(1, kFrames);
  for (std::uint32_t i = 0; i < kFrames; ++i)
    in.channel(0)[i] = float(std::sin(2 * std::numbers::pi * hz * double(i) / 48000.0));
  engine.process(in.view(), out.view());
  double sum = 0.0;
  for (std::uint32_t i = kFrames / 2; i < kFrames; ++i)
    sum += double(out.channel(0)[i]) * out.channel(0)[i];
  return std::sqrt(sum / double(kFrames / 2)) * std::numbers::sqrt2;
}

double sine_gain(const std::string& cls, std::map<std::string, OptionValue> settings, double hz) {
  Engine engine(Graph::chain({torchfx_node(cls, std::move(settings))}),
                {.sample_rate = 48000.0, .max_block = kFrames, .input_channels = 1});
  return sine_gain(engine, hz);
}

}  // namespace

TEST_CASE("torchfx's IIR base classes take btype first and default to order 4", "[torchfx]") {
  for (const std::string& name : kBaseClasses) {
    CAPTURE(name);
    const NodeType* type = builtin_registry().find(name);
    REQUIRE(type != nullptr);
    CHECK(type->torchfx_module == "filter");
    auto low = torchfx_node(name, {{"btype", std::string("lowpass")}, {"cutoff", 2000.0}});
    CHECK(low->parameters()[0].name == "cutoff");
    CHECK(parameter(low, "order") == 4);  // LoButterworth's is 5; the base class's is 4
    auto pass = torchfx_node(name, band("bandpass", 300.0, 3000.0));
    CHECK(pass->parameters()[0].name == "cutoff_low");
    CHECK(parameter(pass, "cutoff_low") == 300.0);
    CHECK(parameter(pass, "cutoff_high") == 3000.0);
    CHECK(parameter(pass, "order") == 4);
  }
}

TEST_CASE("torchfx's LinkwitzRiley base class is lowpass or highpass, order 4", "[torchfx]") {
  auto high = torchfx_node("LinkwitzRiley", {{"btype", std::string("high")}, {"cutoff", 2000.0}});
  CHECK(parameter(high, "order") == 4);
  CHECK(builtin_registry().find("LinkwitzRiley")->torchfx_module == "filter");
  const auto band_form = thrown_by<ConfigError>(
      [] { torchfx_node("LinkwitzRiley", band("bandpass", 300.0, 3000.0)); });
  CHECK(band_form.context().key == "btype");
  CHECK_THAT(band_form.what(), Catch::Contains("'lowpass' or 'highpass'"));
}

TEST_CASE("torchfx's base classes refuse a missing or unknown btype, naming it", "[torchfx]") {
  const auto missing = thrown_by<ConfigError>([] {
    torchfx_node("Butterworth", {{"cutoff", 1000.0}});
  });
  CHECK(missing.context().key == "btype");
  CHECK_THAT(missing.what(), Catch::Contains("needs btype"));
  const auto unknown = thrown_by<ConfigError>([] {
    torchfx_node("Elliptic", {{"btype", std::string("notch")}, {"cutoff", 1000.0}});
  });
  CHECK(unknown.context().key == "btype");
  CHECK_THAT(unknown.what(), Catch::Contains("'notch'"));
}

TEST_CASE("a band form takes cutoff as a pair and refuses edges out of order", "[torchfx]") {
  const auto single = thrown_by<ConfigError>([] {
    torchfx_node("Butterworth", {{"btype", std::string("bandpass")}, {"cutoff", 500.0}});
  });
  CHECK(single.context().key == "cutoff");
  CHECK_THAT(single.what(), Catch::Contains("[low, high]"));
  const auto reversed = thrown_by<ParameterError>(
      [] { torchfx_node("Chebyshev1", band("bandstop", 3000.0, 300.0)); });
  CHECK_THAT(reversed.what(), Catch::Contains("cutoff_low must be below cutoff_high"));
  // A lowpass's cutoff is one number, as in torchfx.
  CHECK_THROWS_AS(torchfx_node("Butterworth", band("lowpass", 300.0, 3000.0)), ParameterError);
  // Band orders stop at 8 (16 poles fill a filter node's 8 sections).
  auto too_high = band("bandpass", 300.0, 3000.0);
  too_high["order"] = 9.0;
  CHECK_THROWS_AS(torchfx_node("Butterworth", too_high), ParameterError);
}

TEST_CASE("a band edge at or above Nyquist is refused when the stream's rate is known",
          "[torchfx]") {
  auto node = torchfx_node("Elliptic", band("bandpass", 1000.0, 30000.0));
  CHECK_THROWS_WITH(Engine(Graph::chain({node}), {.sample_rate = 48000.0}),
                    Catch::Contains("cutoff_high") && Catch::Contains("Nyquist"));
}

TEST_CASE("a band-pass passes its centre and stops outside; a band-stop the reverse", "[torchfx]") {
  // SciPy's short btype names, as torchfx's own tests use them ("low").
  CHECK(sine_gain("Butterworth", band("band", 500.0, 2000.0), 1000.0) == Approx(1.0).margin(0.01));
  CHECK(sine_gain("Butterworth", band("band", 500.0, 2000.0), 8000.0) < 0.01);
  auto deep_stop = band("stop", 500.0, 2000.0);
  deep_stop["ripple"] = 40.0;  // Chebyshev2's ripple is its stopband attenuation
  CHECK(sine_gain("Chebyshev2", deep_stop, 1000.0) < 0.011);
  CHECK(sine_gain("Chebyshev2", deep_stop, 8000.0) == Approx(1.0).margin(0.01));
  CHECK(sine_gain("Elliptic", band("bandstop", 900.0, 1100.0), 1000.0) < 0.011);
  CHECK(sine_gain("Elliptic", band("bandstop", 900.0, 1100.0), 8000.0) == Approx(1.0).margin(0.02));
}

TEST_CASE("a band's edges move while it runs", "[torchfx]") {
  Engine engine(Graph::chain({torchfx_node("Butterworth", band("bandpass", 500.0, 2000.0))}),
                {.sample_rate = 48000.0, .max_block = kFrames, .input_channels = 1});
  CHECK(sine_gain(engine, 8000.0) < 0.01);
  engine.set_parameter("0.cutoff_high", 10000.0);
  CHECK(sine_gain(engine, 8000.0) > 0.9);  // 8 kHz now lies inside the band
  CHECK_THROWS_AS(engine.set_parameter("0.cutoff_low", 20000.0), ParameterError);
  CHECK(engine.get_parameter("0.cutoff_low") == 500.0);
}
