// The feedback example graphs do what their comments say: karplus_strong.yaml plucks a
// string at 48000 / (D + 0.5) Hz, the same at any block size; fdn_reverb.yaml rings out
// with about the RT60 its gains were tuned for, and stays stable.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cli_harness.h"

using namespace fxgraph::test::cli;

namespace {

const std::string graphs = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/";

/// The lag in [min_lag, max_lag] where `x`'s autocorrelation over `window` frames from
/// `start` peaks, refined by a parabola through the peak and its neighbours.
double autocorrelation_peak(const std::vector<float>& x, std::size_t start, std::size_t window,
                            int min_lag, int max_lag) {
  const auto r = [&](int lag) {
    double sum = 0.0;
    for (std::size_t i = start; i < start + window; ++i) sum += double(x[i]) * x[i + lag];
    return sum;
  };
  int best = min_lag;
  for (int lag = min_lag; lag <= max_lag; ++lag)
    if (r(lag) > r(best)) best = lag;
  const double left = r(best - 1), mid = r(best), right = r(best + 1);
  return best + 0.5 * (left - right) / (left - 2.0 * mid + right);
}

double rms(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double sum = 0.0;
  for (std::size_t i = from; i < to; ++i) sum += double(x[i]) * x[i];
  return std::sqrt(sum / double(to - from));
}

}  // namespace

TEST_CASE("karplus_strong.yaml plucks 48000 / 109.5 Hz within 3 cents, at any block size",
          "[cli][examples][feedback]") {
  CliDir dir;
  const auto run = [&](const std::string& name, const std::string& block) {
    const CliRun r = run_fxgraph(dir, "run " + shell_quote(graphs + "karplus_strong.yaml") +
                                          " --quiet --duration 1 --format float --block " + block +
                                          " --output " + name);
    INFO(r.err);
    REQUIRE(r.status == 0);
    return read_audio(dir / name)[0];
  };
  const auto pluck = run("pluck.wav", "256");
  REQUIRE(pluck.size() >= 48000);
  CHECK(run("pluck_7.wav", "7") == pluck);  // the loop's sub-blocks make it exact

  const double period = autocorrelation_peak(pluck, 2400, 24000, 80, 140);
  const double cents = 1200.0 * std::log2((48000.0 / period) / (48000.0 / 109.5));
  INFO("period " << period << " frames, " << cents << " cents off");
  CHECK(std::fabs(cents) < 3.0);
  // It rings after the 5 ms burst, then dies away, without ever clipping.
  const double early = rms(pluck, 480, 4800), late = rms(pluck, 43200, 48000);
  CHECK(early > 0.01);
  CHECK(late < early / 2);
  for (float v : pluck) REQUIRE(std::fabs(v) < 1.0f);
}

TEST_CASE("fdn_reverb.yaml decays with an RT60 near its 1.5 s and stays stable",
          "[cli][examples][feedback]") {
  CliDir dir;
  std::vector<float> impulse(4800, 0.0f);
  impulse[0] = 1.0f;
  write_audio(dir / "impulse.wav", {impulse});
  const CliRun r = run_fxgraph(dir, "run " + shell_quote(graphs + "fdn_reverb.yaml") +
                                        " --quiet --format float --input impulse.wav --output "
                                        "response.wav");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto y = read_audio(dir / "response.wav")[0];
  // The tail render stops once it is quiet: well before its 30 s limit when it decays.
  CHECK(y.size() > 48000 * 2);
  CHECK(y.size() < 48000 * 12);

  // Schroeder's backward integral: the energy still to come, in dB below the total;
  // the time from -15 to -45 dB, doubled, is the RT60 (T30).
  std::vector<double> remaining(y.size() + 1, 0.0);
  for (std::size_t i = y.size(); i-- > 0;) remaining[i] = remaining[i + 1] + double(y[i]) * y[i];
  const auto time_at = [&](double db) {
    std::size_t i = 0;
    while (i < y.size() && 10.0 * std::log10(remaining[i] / remaining[0]) > db) ++i;
    return double(i) / 48000.0;
  };
  const double rt60 = 2.0 * (time_at(-45.0) - time_at(-15.0));
  INFO("RT60 " << rt60 << " s");
  CHECK(rt60 == Approx(1.5).epsilon(0.2));
  for (float v : y) REQUIRE(std::fabs(v) <= 1.0f);
}

TEST_CASE("check lists a loop with its sub-block; dot draws feedback edges dashed",
          "[cli][feedback]") {
  CliDir dir;
  const CliRun check = run_fxgraph(dir, "check " + shell_quote(graphs + "fdn_reverb.yaml"));
  INFO(check.err);
  REQUIRE(check.status == 0);
  CHECK_THAT(check.out,
             Catch::Matchers::Contains("loop in sub-blocks of 1031 frames: line3 line2 line1 "
                                       "line0; feedback line0 -> line3:1 (1031 frames)"));
  const CliRun dot = run_fxgraph(dir, "dot " + shell_quote(graphs + "karplus_strong.yaml"));
  REQUIRE(dot.status == 0);
  CHECK_THAT(dot.out,
             Catch::Matchers::Contains("[label=\"out->1 z^-109\",style=dashed,constraint=false]"));
  CHECK(dot.out.find("style=dashed") == dot.out.rfind("style=dashed"));  // that edge only
}
