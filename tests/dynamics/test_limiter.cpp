// The limiter never exceeds its ceiling: in sample peak on clipped square waves,
// inter-sample-peak tones (fs/4 at 45°), impulses and noise; with true_peak: true
// also between the samples, as SciPy's resample_poly (4×) measures it. It reports its
// lookahead as latency and passes quiet signals through unchanged, just delayed.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "dynamics/dynamics_helpers.h"
#include "fxgraph/engine/errors.h"
#include "support/thrown.h"

using namespace fxgraph;
using namespace fxgraph::test::dyn;

namespace {

constexpr std::uint32_t kFrames = 24000;
constexpr std::uint32_t kSilentEnd = 1000;

/// The signals a limiter must hold: each a stereo buffer, far above full scale, with
/// its abrupt start and, kSilentEnd frames before the buffer ends, its abrupt stop
/// (both have inter-sample overshoots of their own).
std::vector<std::pair<std::string, AudioBuffer>> hard_signals() {
  std::vector<std::pair<std::string, AudioBuffer>> signals;
  auto make_signal = [&](const std::string& name, auto sample) {
    AudioBuffer b(2, kFrames);
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < kFrames - kSilentEnd; ++i)
        b.channel(c)[i] = float(sample(c, i));
    signals.emplace_back(name, std::move(b));
  };
  // A band-limited square (odd harmonics to 20 kHz) at +12 dB, clipped at +6 dBFS.
  make_signal("clipped square", [](std::uint32_t, std::uint32_t i) {
    double s = 0.0;
    for (int k = 1; k * 441.0 < 20000.0; k += 2)
      s += std::sin(2 * std::numbers::pi * k * 441.0 * i / kRate) / k;
    return std::clamp(4.0 * 4.0 / std::numbers::pi * s, -2.0, 2.0);
  });
  // fs/4 at 45°: every sample at 0.707 of the true peak (here 2.0, +6 dBFS).
  make_signal("inter-sample peak tone", [](std::uint32_t c, std::uint32_t i) {
    return 2.0 * std::sin(std::numbers::pi / 2 * i + std::numbers::pi / 4 + c * std::numbers::pi);
  });
  // Impulses of growing height, alternating sign, in silence; one right at the start.
  make_signal("impulses", [](std::uint32_t c, std::uint32_t i) {
    if (i % 997 != 0) return 0.0;
    const double height = 1.0 + 0.25 * double(i / 997);
    return (i / 997) % 2 == c ? height : -height;
  });
  // Uniform noise up to ±4 (+12 dBFS) whose level jumps every 3000 frames.
  std::mt19937 random(99);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  make_signal("noise", [&](std::uint32_t, std::uint32_t i) {
    return uniform(random) * ((i / 3000) % 2 ? 4.0 : 0.5);
  });
  return signals;
}

/// SciPy's resample_poly(x, 4, 1), from the taps in fixtures/resample_poly_4x.txt.
class ScipyOversampler {
 public:
  ScipyOversampler() {
    const std::string path =
        std::string(FXGRAPH_TEST_DATA_DIR) + "/dynamics/fixtures/resample_poly_4x.txt";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    auto section = [&](const std::string& name) {
      std::string line, word;
      std::size_t count = 0;
      while (std::getline(in, line) && (line.empty() || line[0] == '#')) {
      }
      std::istringstream header(line);
      header >> word >> count;
      if (word != name) throw std::runtime_error(path + ": expected " + name + ", got " + line);
      std::vector<double> values(count);
      for (auto& v : values) in >> v;
      std::getline(in, line);
      return values;
    };
    taps_ = section("taps");
    probe_ = section("probe");
    probe_upsampled_ = section("upsampled");
  }

  /// resample_poly's output: the zero-stuffed input convolved with the taps, with the
  /// filter's delay removed.
  std::vector<double> upsample(const std::vector<double>& x) const {
    const std::size_t delay = (taps_.size() - 1) / 2;
    std::vector<double> y(x.size() * 4, 0.0);
    for (std::size_t n = 0; n < y.size(); ++n) {
      double sum = 0.0;
      const std::size_t t = n + delay;  // position in the full convolution
      for (std::size_t k = t % 4; k < taps_.size(); k += 4)
        if (k <= t && (t - k) / 4 < x.size()) sum += taps_[k] * x[(t - k) / 4];
      y[n] = sum;
    }
    return y;
  }

  /// The largest |x| of channel `c` upsampled, between frames `from` and `to`.
  double true_peak(const AudioBuffer& b, std::uint32_t c, std::uint32_t from = 0,
                   std::uint32_t to = kFrames) const {
    std::vector<double> x(b.channel(c), b.channel(c) + b.capacity_frames());
    const std::vector<double> y = upsample(x);
    double p = 0.0;
    for (std::size_t i = std::size_t(from) * 4; i < std::size_t(to) * 4; ++i)
      p = std::max(p, std::fabs(y[i]));
    return p;
  }

  const std::vector<double>& probe() const { return probe_; }
  const std::vector<double>& probe_upsampled() const { return probe_upsampled_; }

 private:
  std::vector<double> taps_, probe_, probe_upsampled_;
};

}  // namespace

TEST_CASE("limiter: the sample peak never exceeds the ceiling", "[dynamics][limiter]") {
  const double ceiling = GENERATE(-0.1, -1.0, -12.0);
  const double lookahead = GENERATE(0.5, 5.0);
  const std::uint32_t block = GENERATE(1u, 64u, 300u);
  CAPTURE(ceiling, lookahead, block);
  const double limit = std::pow(10.0, ceiling / 20.0);
  for (const auto& [name, signal] : hard_signals()) {
    CAPTURE(name);
    const AudioBuffer out =
        run(make("limiter", {{"ceiling_db", ceiling}, {"lookahead_ms", lookahead}}), signal, block);
    for (std::uint32_t c = 0; c < 2; ++c) CHECK(peak(out, 0, kFrames, c) <= limit);
    // It limits rather than mutes: the loudest output reaches the ceiling.
    CHECK(peak(out, 0, kFrames, 0) > 0.95 * limit);
  }
}

TEST_CASE("limiter: the test's oversampler is SciPy's resample_poly", "[dynamics][limiter]") {
  const ScipyOversampler scipy;
  const std::vector<double> ours = scipy.upsample(scipy.probe());
  REQUIRE(ours.size() == scipy.probe_upsampled().size());
  for (std::size_t i = 0; i < ours.size(); ++i)
    CHECK(ours[i] == Approx(scipy.probe_upsampled()[i]).margin(1e-12));
}

TEST_CASE("limiter: with true_peak the 4x-oversampled peak stays below the ceiling",
          "[dynamics][limiter]") {
  // Tolerance 0.05 dB: the reference and the limiter's detector are two different
  // finite interpolators of the same band-limited signal.
  const ScipyOversampler scipy;
  const double ceiling = GENERATE(-1.0, -6.0);
  CAPTURE(ceiling);
  const double limit = std::pow(10.0, (ceiling + 0.05) / 20.0);
  for (const auto& [name, signal] : hard_signals()) {
    CAPTURE(name);
    const AudioBuffer sample_peak = run(make("limiter", {{"ceiling_db", ceiling}}), signal);
    const AudioBuffer true_peak =
        run(make("limiter", {{"ceiling_db", ceiling}, {"true_peak", 1.0}}), signal);
    for (std::uint32_t c = 0; c < 2; ++c) {
      const double measured = scipy.true_peak(true_peak, c);
      CAPTURE(c, db(measured), db(scipy.true_peak(sample_peak, c)));
      CHECK(measured <= limit);
    }
  }
  // The inter-sample tone shows the difference: once steady, sample-peak limiting lets
  // its true peak through 3 dB over the ceiling.
  const AudioBuffer tone = hard_signals()[1].second;
  const AudioBuffer sample_peak = run(make("limiter", {{"ceiling_db", -1.0}}), tone);
  CHECK(db(scipy.true_peak(sample_peak, 0, 12000, 20000)) == Approx(-1.0 + 3.01).margin(0.05));
}

TEST_CASE("limiter: reports its lookahead as latency and delays quiet audio exactly by it",
          "[dynamics][limiter]") {
  const bool true_peak = GENERATE(false, true);
  CAPTURE(true_peak);
  auto node = make("limiter", {{"lookahead_ms", 2.0}, {"true_peak", true_peak ? 1.0 : 0.0}});
  Engine engine(Graph::chain({node}),
                {.sample_rate = kRate, .max_block = 256, .input_channels = 1});
  const std::uint64_t expected = 96 + (true_peak ? 16 : 0);
  CHECK(node->latency() == expected);
  CHECK(node->tail().frames == expected);
  AudioBuffer in = sine(1, 4800, 0.5, 440.0);  // below the ceiling: gain 1
  const AudioBuffer out =
      run(make("limiter", {{"lookahead_ms", 2.0}, {"true_peak", true_peak ? 1.0 : 0.0}}), in);
  for (std::uint32_t i = 0; i + expected < 4800; ++i)
    REQUIRE(out.channel(0)[i + expected] == in.channel(0)[i]);
}

TEST_CASE("limiter: release time constant within 5%, and the meter shows the reduction",
          "[dynamics][limiter]") {
  const double release = GENERATE(50.0, 400.0);
  CAPTURE(release);
  // DC at +6 dBFS (6 dB of reduction for a 0 dB ceiling), then -6 dBFS (none needed).
  const auto frames = std::uint32_t(4800 + 12 * release * kRate / 1000.0);
  const AudioBuffer in = step(frames, 4800, 2.0f, 0.5f);
  auto node =
      make("limiter", {{"ceiling_db", 0.0}, {"lookahead_ms", 0.1}, {"release_ms", release}});
  const AudioBuffer out = run(node, in);
  const std::uint32_t delay = 5;  // 0.1 ms
  // Linear gain, aligned with the input that produced it.
  std::vector<double> g(frames - delay);
  for (std::uint32_t i = 0; i < g.size(); ++i) g[i] = out.channel(0)[i + delay] / in.channel(0)[i];
  CHECK(db(g[4790]) == Approx(-6.02).margin(0.01));
  CHECK(g.back() == Approx(1.0).margin(1e-4));
  // From the step (the boxcar of 6 frames adds half its length): 1 - 1/e of the way.
  const double mark = 1.0 - (1.0 - g[4790]) * std::exp(-1.0);
  std::uint32_t i = 4800;
  while (g[i] < mark) ++i;
  CHECK((i - 4800 - 3) * 1000.0 / kRate == Approx(release).epsilon(0.05));

  auto metered = make("limiter", {{"ceiling_db", -6.0}});
  Engine engine(Graph::chain({metered}),
                {.sample_rate = kRate, .max_block = 256, .input_channels = 1});
  AudioBuffer loud = sine(1, 256, 1.0), out_block(1, 256);
  for (int b = 0; b < 20; ++b) engine.process(loud.view(), out_block.view());
  CHECK(engine.get_parameter("0.gain_reduction_db") == Approx(6.0).margin(0.1));
}

TEST_CASE("limiter: a lookahead out of range is refused naming it", "[dynamics][limiter]") {
  CHECK_THROWS_AS(make("limiter", {{"lookahead_ms", 0.0}}), ConfigError);
  CHECK_THROWS_WITH(make("limiter", {{"lookahead_ms", 500.0}}),
                    Catch::Contains("lookahead_ms") && Catch::Contains("500"));
}
