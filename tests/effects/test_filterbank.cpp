// filterbank: log-spaced bands, one channel group per band.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/filterbank.h"

using namespace fxgraph;
using Catch::Matchers::Contains;

namespace {
/// RMS of each output channel for a stereo sine at `hz` (after the transient).
std::vector<double> band_levels(double hz, std::uint32_t block) {
  auto bank = std::make_shared<FilterbankNode>(FilterbankOptions{3, 100.0, 6400.0});
  Engine engine(Graph::chain({bank}),
                {.sample_rate = 48000, .max_block = block, .input_channels = 2});
  const std::uint32_t total = 48000;
  AudioBuffer in(2, total), out(6, total);
  for (std::uint32_t i = 0; i < total; ++i)
    in.channel(0)[i] = in.channel(1)[i] = float(std::sin(2 * std::numbers::pi * hz * i / 48000));
  for (std::uint32_t done = 0; done < total; done += block) {
    const std::uint32_t n = std::min(block, total - done);
    float* ip[2] = {in.channel(0) + done, in.channel(1) + done};
    float* op[6];
    for (int c = 0; c < 6; ++c) op[c] = out.channel(std::uint32_t(c)) + done;
    engine.process(AudioView{ip, 2, n}, AudioView{op, 6, n});
  }
  std::vector<double> rms;
  for (std::uint32_t c = 0; c < 6; ++c) {
    double sum = 0;
    for (std::uint32_t i = total / 2; i < total; ++i)
      sum += double(out.channel(c)[i]) * out.channel(c)[i];
    rms.push_back(std::sqrt(sum / (total / 2)));
  }
  return rms;
}
}  // namespace

TEST_CASE("filterbank centres are log-spaced and each band passes its centre at 0 dB",
          "[effects][filterbank]") {
  FilterbankNode bank({3, 100.0, 6400.0});
  CHECK(bank.centre(0) == Approx(100.0));
  CHECK(bank.centre(1) == Approx(800.0));
  CHECK(bank.centre(2) == Approx(6400.0));

  const auto levels = band_levels(800.0, 512);  // the middle band's centre
  REQUIRE(levels.size() == 6);                  // 3 bands × stereo, band-major
  const double sine_rms = 1.0 / std::sqrt(2.0);
  CHECK(levels[2] == Approx(sine_rms).epsilon(0.01));  // band 1, left
  CHECK(levels[3] == Approx(sine_rms).epsilon(0.01));  // band 1, right
  // Three octaves from their centres, the neighbours (Q = sqrt(8)/7) attenuate it to
  // 1/sqrt(1 + Q^2 (8 - 1/8)^2) = 0.30 of the input in the analog prototype.
  CHECK(levels[0] < 0.35 * sine_rms);
  CHECK(levels[4] < 0.35 * sine_rms);
}

TEST_CASE("filterbank output does not depend on the block size", "[effects][filterbank]") {
  CHECK(band_levels(300.0, 4096) == band_levels(300.0, 37));
}

TEST_CASE("filterbank refuses bands at or above Nyquist", "[effects][filterbank]") {
  auto bank = std::make_shared<FilterbankNode>(FilterbankOptions{4, 100.0, 30000.0});
  REQUIRE_THROWS_WITH(Engine(Graph::chain({bank}), {.sample_rate = 48000}), Contains("Nyquist"));
  REQUIRE_THROWS_AS(FilterbankNode({4, 500.0, 100.0}), ConfigError);
}
