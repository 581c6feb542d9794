// Sample-accurate automation (engine/automation.h): values change on their exact
// sample, the output does not depend on the block size, a held cutoff equals SciPy's
// sosfilt run segment by segment, a sweep has no clicks, and bad automation is refused
// with a message naming what and where.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/catalog.h"
#include "support/thrown.h"

using namespace fxgraph;
using fxgraph::test::thrown_by;

namespace {

constexpr double kRate = 48000.0;

/// Outputs its parameter `level` on every sample: what the automation gave it, frame
/// by frame. `choice` is a choice parameter (for the hold-only rule).
class LevelProbe : public Node {
 public:
  LevelProbe() : Node("level_probe") {
    add_output("out", 1);
    add_parameter({.name = "level", .min = -10.0, .max = 10.0, .default_value = 0.0});
    add_parameter({.name = "steps",
                   .min = 0.0,
                   .max = 100.0,
                   .default_value = 0.0,
                   .kind = ParameterKind::integer});
    add_parameter({.name = "shape",
                   .default_value = 0.0,
                   .kind = ParameterKind::choice,
                   .choices = {"sine", "square"}});
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    const auto v = float(value(0) + value(1) * 100.0);
    for (std::uint32_t i = 0; i < ctx.frames; ++i) ctx.outputs[0].channels[0][i] = v;
  }
};

std::shared_ptr<Node> make(const std::string& type, std::map<std::string, OptionValue> options) {
  return builtin_registry().create(type, NodeOptions(std::move(options)));
}

/// Runs `input` (mono) through `engine` in blocks of `block` frames; the mono output.
std::vector<float> run(Engine& engine, const std::vector<float>& input, std::uint32_t block) {
  std::vector<float> output(input.size());
  for (std::size_t offset = 0; offset < input.size(); offset += block) {
    const auto n = std::uint32_t(std::min<std::size_t>(block, input.size() - offset));
    const float* in[1] = {input.data() + offset};
    float* out[1] = {output.data() + offset};
    engine.process(ConstAudioView{in, 1, n}, AudioView{out, 1, n});
  }
  return output;
}

std::vector<float> noise(std::size_t frames, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
  std::vector<float> x(frames);
  for (float& v : x) v = dist(rng);
  return x;
}

Graph probe_graph() {
  Graph g;
  g.add("probe", std::make_shared<LevelProbe>());
  g.set_output(Endpoint{"probe", ""});
  return g;
}

/// A sine through an RBJ low-pass and a fused pair of Butterworth filters, the cutoffs of
/// the first two swept; `block` frames per block. The mono output.
std::vector<float> swept_filters(std::uint32_t block, const std::vector<float>& input) {
  Graph g = Graph::chain({make("biquad_lowpass", {}), make("lowpass", {{"order", 4.0}}),
                          make("highpass", {{"cutoff", 30.0}})});
  Engine engine(g, {.sample_rate = kRate, .max_block = block, .input_channels = 1});
  engine.automate("0.cutoff", {{0.0, 200.0}, {0.5, 8000.0}}, AutomationCurve::exponential);
  engine.automate("1.cutoff", {{0.01, 12000.0}, {0.3, 500.0}, {0.45, 3000.0}},
                  AutomationCurve::linear);
  engine.automate("2.order", {{0.1, 2.0}, {0.2004, 6.0}}, AutomationCurve::hold);
  return run(engine, input, block);
}

}  // namespace

TEST_CASE("held automation changes the value on its exact sample, whatever the block size",
          "[engine][automation]") {
  for (std::uint32_t block : {1u, 7u, 64u, 512u}) {
    CAPTURE(block);
    Engine engine(probe_graph(), {.sample_rate = kRate, .max_block = block});
    // Frames 100, 333 and 1000.
    engine.automate("probe.level", {{100 / kRate, 1.5}, {333 / kRate, -2.0}, {1000 / kRate, 4.0}},
                    AutomationCurve::hold);
    const std::vector<float> out = run(engine, std::vector<float>(1200), block);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const float expected = i < 100 ? 0.0f : i < 333 ? 1.5f : i < 1000 ? -2.0f : 4.0f;
      if (out[i] != expected && wrong++ == 0)
        UNSCOPED_INFO("frame " << i << ": " << out[i] << ", expected " << expected);
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("continuous automation holds the curve's value at each 32-frame grid line",
          "[engine][automation]") {
  Engine engine(probe_graph(), {.sample_rate = kRate, .max_block = 100});
  // Linear from 0 at frame 48 to 4.8 at frame 4848: 0.001 per frame.
  engine.automate("probe.level", {{48 / kRate, 0.0}, {4848 / kRate, 4.8}}, AutomationCurve::linear);
  const std::vector<float> out = run(engine, std::vector<float>(6000), 100);
  CHECK(out[4847] == Approx(4.784).epsilon(1e-6));  // the last piece before the end point
  for (std::size_t i = 0; i < out.size(); ++i) {
    // The piece holding frame i starts at its grid line, or at the first point.
    const double piece = std::max(48.0, double(i - i % kAutomationStep));
    const double expected = i < 48 ? 0.0 : i >= 4848 ? 4.8 : (piece - 48.0) * 0.001;
    if (std::abs(out[i] - expected) > 1e-6)
      FAIL("frame " << i << ": " << out[i] << ", expected " << expected);
  }
}

TEST_CASE("exponential automation has a constant ratio per second; integers round",
          "[engine][automation]") {
  Engine engine(probe_graph(), {.sample_rate = kRate, .max_block = 256});
  engine.automate("probe.level", {{0.0, 0.1}, {9600 / kRate, 10.0}}, AutomationCurve::exponential);
  std::vector<float> out = run(engine, std::vector<float>(9600), 256);
  // At frame 4800 (a grid line, half-way) the value is the geometric mean, 1.
  CHECK(out[4800] == Approx(1.0).epsilon(1e-6));
  CHECK(out[2400] == Approx(std::sqrt(0.1)).epsilon(1e-6));

  Engine integers(probe_graph(), {.sample_rate = kRate, .max_block = 256});
  integers.automate("probe.steps", {{0.0, 0.0}, {3200 / kRate, 4.0}}, AutomationCurve::linear);
  out = run(integers, std::vector<float>(3200), 256);
  // 0.00125 per frame, rounded: 1 from the grid line at 416 (0.52) up, 2 from 1216 …
  CHECK(out[415] == 0.0f);
  CHECK(out[416] == 100.0f);
  CHECK(out[1215] == 100.0f);
  CHECK(out[1216] == 200.0f);
}

TEST_CASE("a swept filter chain gives the same output at block sizes 1, 64, 512 and 4096",
          "[engine][automation][filters]") {
  std::vector<float> input = noise(24000, 7);
  for (std::size_t i = 0; i < input.size(); ++i)
    input[i] += float(0.5 * std::sin(2 * M_PI * 997.0 * double(i) / kRate));
  const std::vector<float> reference = swept_filters(4096, input);
  for (std::uint32_t block : {1u, 64u, 512u}) {
    CAPTURE(block);
    const std::vector<float> out = swept_filters(block, input);
    REQUIRE(out.size() == reference.size());
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i] != reference[i])
        FAIL("frame " << i << ": " << out[i] << " vs " << reference[i] << " at 4096");
  }
}

TEST_CASE("a held cutoff equals scipy's sosfilt run segment by segment",
          "[engine][automation][filters]") {
  // tests/engine/make_automation_fixture.py: the RBJ low-pass with its cutoff held at four
  // values, the state carried from segment to segment.
  std::ifstream file(std::string(FXGRAPH_TEST_DATA_DIR) +
                     "/engine/fixtures/held_cutoff_lowpass.txt");
  REQUIRE(file);
  std::string word, line;
  double rate = 0, q = 0;
  std::size_t count = 0;
  std::vector<AutomationPoint> points;
  std::vector<float> input;
  std::vector<double> expected;
  while (file >> word) {
    if (word[0] == '#') {
      std::getline(file, line);
    } else if (word == "rate") {
      file >> rate;
    } else if (word == "q") {
      file >> q;
    } else if (word == "points") {
      file >> count;
      points.resize(count);
      for (auto& p : points) file >> p.seconds >> p.value;
    } else if (word == "frames") {
      file >> count;
      input.resize(count);
      expected.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        double x = 0;
        file >> x >> expected[i];
        input[i] = float(x);
      }
    }
  }
  REQUIRE(input.size() == 4800);
  for (std::uint32_t block : {1u, 64u, 512u, 4096u}) {
    CAPTURE(block);
    Graph g = Graph::chain({make("biquad_lowpass", {{"q", q}})});
    Engine engine(g, {.sample_rate = rate, .max_block = block, .input_channels = 1});
    engine.automate("0.cutoff", points, AutomationCurve::hold);
    const std::vector<float> out = run(engine, input, block);
    // The filter runs in double and stores float: the output's rounding, with margin.
    double worst = 0.0;
    for (std::size_t i = 0; i < out.size(); ++i)
      worst = std::max(worst, std::abs(double(out[i]) - expected[i]));
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("a cutoff sweep adds no step larger than the signal's own",
          "[engine][automation][filters]") {
  // A 1 kHz sine (largest step 2π·1000/48000 ≈ 0.13) through a low-pass swept
  // 200 Hz → 8 kHz: the output may never move faster than the input does (plus 1 %
  // of it for the filter's overshoot).
  std::vector<float> input(96000);
  for (std::size_t i = 0; i < input.size(); ++i)
    input[i] = float(std::sin(2 * M_PI * 1000.0 * double(i) / kRate));
  for (const char* type : {"biquad_lowpass", "lowpass"}) {
    CAPTURE(type);
    Graph g = Graph::chain({make(type, {})});
    Engine engine(g, {.sample_rate = kRate, .max_block = 512, .input_channels = 1});
    engine.automate("0.cutoff", {{0.0, 200.0}, {2.0, 8000.0}}, AutomationCurve::exponential);
    const std::vector<float> out = run(engine, input, 512);
    double max_dx = 0.0, max_dy = 0.0;
    for (std::size_t i = 1; i < input.size(); ++i) {
      max_dx = std::max(max_dx, double(std::abs(input[i] - input[i - 1])));
      max_dy = std::max(max_dy, double(std::abs(out[i] - out[i - 1])));
    }
    CHECK(max_dy <= max_dx * 1.01);
    // The sweep really happened: the 1 kHz tone is damped at the start, passed at the end.
    double start = 0.0, end = 0.0;
    for (std::size_t i = 4800; i < 9600; ++i) start = std::max(start, double(std::abs(out[i])));
    for (std::size_t i = 86400; i < 96000; ++i) end = std::max(end, double(std::abs(out[i])));
    CHECK(start < 0.1);
    CHECK(end > 0.95);
  }
}

TEST_CASE("set_parameter ends an automation; get_parameter follows it; reset rewinds it",
          "[engine][automation]") {
  Engine engine(probe_graph(), {.sample_rate = kRate, .max_block = 64});
  engine.automate("probe.level", {{0.0, 1.0}, {1.0, 3.0}}, AutomationCurve::hold);
  run(engine, std::vector<float>(64), 64);
  CHECK(engine.get_parameter("probe.level") == 1.0);
  CHECK(engine.automation_seconds() == Approx(64 / kRate));
  REQUIRE(engine.automation().size() == 1);

  engine.request_reset();
  run(engine, std::vector<float>(64), 64);
  CHECK(engine.automation_seconds() == Approx(64 / kRate));  // rewound, then one block

  engine.set_parameter("probe.level", -1.0);
  CHECK(engine.automation().empty());
  const std::vector<float> out = run(engine, std::vector<float>(52800), 64);
  CHECK(out.back() == -1.0f);  // the point at 1 s no longer applies
  CHECK(engine.get_parameter("probe.level") == -1.0);
  CHECK_FALSE(engine.clear_automation("probe.level"));
}

TEST_CASE("bad automation is refused with a message naming what and where",
          "[engine][automation][errors]") {
  Graph g = probe_graph();
  g.add("lp", make("biquad_lowpass", {}));
  g.connect("probe", "lp");
  g.set_output(Endpoint{"lp", ""});
  Engine engine(g, {.sample_rate = kRate});
  auto refused = [&](const std::string& path, std::vector<AutomationPoint> points,
                     AutomationCurve curve) {
    return thrown_by<ParameterError>([&] { engine.automate(path, points, curve); });
  };
  using C = AutomationCurve;

  auto e = refused("nope.level", {{0, 1}}, C::linear);
  CHECK_THAT(e.what(), Catch::Contains("unknown node 'nope'") && Catch::Contains("probe"));
  e = refused("probe.lvl", {{0, 1}}, C::linear);
  CHECK_THAT(e.what(), Catch::Contains("unknown parameter 'lvl'") && Catch::Contains("level"));
  e = refused("probe.level", {{0, 1}, {1, 11}}, C::linear);
  CHECK_THAT(e.what(), Catch::Contains("point 2") && Catch::Contains("out of range") &&
                           Catch::Contains("probe.level"));
  CHECK(e.context().node == "probe");
  CHECK(e.context().key == "level");
  e = refused("probe.level", {{1, 1}, {1, 2}}, C::linear);
  CHECK_THAT(e.what(), Catch::Contains("times must increase"));
  e = refused("probe.level", {{-1, 1}}, C::hold);
  CHECK_THAT(e.what(), Catch::Contains("seconds in [0, 1e+08]"));
  e = refused("probe.level", {}, C::hold);
  CHECK_THAT(e.what(), Catch::Contains("no points"));
  e = refused("probe.shape", {{0, 0}, {1, 1}}, C::linear);
  CHECK_THAT(e.what(), Catch::Contains("choice") && Catch::Contains("hold"));
  e = refused("probe.level", {{0, 1}, {1, 0}}, C::exponential);
  CHECK_THAT(e.what(), Catch::Contains("above 0"));
  // The node's own check: a cutoff above Nyquist.
  e = refused("lp.cutoff", {{0, 1000}, {1, 30000}}, C::exponential);
  CHECK_THAT(e.what(), Catch::Contains("Nyquist"));
  CHECK(engine.get_parameter("lp.cutoff") == 1000.0);  // the requested value is back
  CHECK_THAT(thrown_by<ParameterError>([] { parse_automation_curve("cubic"); }).what(),
             Catch::Contains("linear") && Catch::Contains("exp") && Catch::Contains("hold"));
  CHECK(engine.automation().empty());
  engine.automate("probe.shape", {{0, 0}, {1, 1}}, C::hold);  // choices may be held
}
