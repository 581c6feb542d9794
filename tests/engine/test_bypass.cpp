// Bypass on every node (engine/bypass.h): the engine's `bypass` parameter crossfades
// over 10 ms to the node's input, delayed by its latency and mapped onto its outputs'
// channels, for any node of any graph.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "fxgraph/engine/bypass.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/nodes/dynamics/limiter.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::make_gain;

namespace {

constexpr double kRate = 48000.0;
constexpr std::uint32_t kFade = 480;  // 10 ms at 48 kHz
constexpr std::uint32_t kBlock = 64;

/// Deterministic white-ish noise in [-amplitude, amplitude].
std::vector<float> noise(std::size_t frames, float amplitude, std::uint32_t seed = 1) {
  std::vector<float> x(frames);
  for (float& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = amplitude * (float(seed >> 8) / float(1u << 24) * 2.0f - 1.0f);
  }
  return x;
}

std::vector<float> sine(std::size_t frames, double frequency, float amplitude) {
  std::vector<float> x(frames);
  for (std::size_t i = 0; i < frames; ++i)
    x[i] = amplitude * float(std::sin(2.0 * std::numbers::pi * frequency * double(i) / kRate));
  return x;
}

/// Runs `engine` over mono `input` in blocks of kBlock; before the block starting at a
/// frame listed in `changes`, sets its parameter. Returns the output's channels.
struct Change {
  std::size_t frame;
  std::string path;
  double value;
};
std::vector<std::vector<float>> run(Engine& engine, const std::vector<float>& input,
                                    std::uint32_t out_channels,
                                    const std::vector<Change>& changes = {}) {
  std::vector<std::vector<float>> out(out_channels, std::vector<float>(input.size()));
  AudioBuffer in_block(1, kBlock), out_block(out_channels, kBlock);
  for (std::size_t start = 0; start < input.size(); start += kBlock) {
    for (const Change& c : changes)
      if (c.frame == start) engine.set_parameter(c.path, c.value);
    const auto n = std::uint32_t(std::min<std::size_t>(kBlock, input.size() - start));
    std::copy_n(input.data() + start, n, in_block.channel(0));
    ConstAudioView in = in_block.view();
    in.num_frames = n;
    AudioView out_view = out_block.view();
    out_view.num_frames = n;
    engine.process(in, out_view);
    for (std::uint32_t c = 0; c < out_channels; ++c)
      std::copy_n(out_block.channel(c), n, out[c].data() + start);
  }
  return out;
}

float largest_step(const std::vector<float>& x) {
  float step = 0.0f;
  for (std::size_t i = 1; i < x.size(); ++i) step = std::max(step, std::abs(x[i] - x[i - 1]));
  return step;
}

/// A node whose input and output widths differ: mono in, stereo out (0.5 x, -0.5 x),
/// or stereo in, mono out (the difference of the channels).
class WidthChanger : public Node {
 public:
  WidthChanger(std::uint32_t in, std::uint32_t out) : Node("width_changer") {
    add_input("in", in);
    add_output("out", out);
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    const ConstAudioView& in = ctx.inputs[0];
    const AudioView& out = ctx.outputs[0];
    for (std::uint32_t i = 0; i < ctx.frames; ++i) {
      if (in.num_channels == 1) {
        out.channels[0][i] = 0.5f * in.channels[0][i];
        out.channels[1][i] = -0.5f * in.channels[0][i];
      } else {
        out.channels[0][i] = in.channels[0][i] - in.channels[1][i];
      }
    }
  }
};

/// A node with a `bypass` parameter of its own (as a hosted plugin may have).
class OwnBypass : public Node {
 public:
  OwnBypass() : Node("own_bypass") {
    add_input("in");
    add_output("out");
    add_parameter({.name = "bypass", .max = 1.0, .kind = ParameterKind::toggle});
  }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    for (std::uint32_t c = 0; c < ctx.outputs[0].num_channels; ++c)
      std::fill_n(ctx.outputs[0].channels[c], ctx.frames, 0.25f);
  }
};

}  // namespace

TEST_CASE("every node of a graph gets a bypass toggle, listed with its parameters",
          "[engine][bypass]") {
  Engine engine(Graph::chain({make_gain(0.5), std::make_shared<OwnBypass>()}),
                {.max_block = kBlock, .input_channels = 1});
  std::vector<std::string> bypasses;
  for (const ParameterInfo& info : engine.parameters())
    if (info.spec->name == kBypassParameter) {
      bypasses.push_back(info.path);
      CHECK(info.spec->kind == ParameterKind::toggle);
    }
  CHECK(bypasses == std::vector<std::string>{"0.bypass", "1.bypass"});
  // The node's own `bypass` keeps its meaning: no second one is synthesized.
  CHECK(engine.graph().node("1").bypass_index() < 0);
  CHECK(engine.graph().node("0").bypass_index() >= 0);
  CHECK_THROWS_AS(engine.set_parameter("0.bypass", 0.5), ParameterError);  // a toggle
}

TEST_CASE("a bypassed node gives its input back exactly once the 10 ms fade is over",
          "[engine][bypass]") {
  Engine engine(Graph::chain({make_gain(0.25)}), {.max_block = kBlock, .input_channels = 1});
  const auto x = noise(6400, 0.8f);
  const std::size_t on = 1024, off = 3200;
  const auto y = run(engine, x, 1, {{on, "0.bypass", 1}, {off, "0.bypass", 0}})[0];
  for (std::size_t i = 0; i < on; ++i) REQUIRE(y[i] == 0.25f * x[i]);
  for (std::size_t i = on + kFade; i < off; ++i) REQUIRE(y[i] == x[i]);
  for (std::size_t i = off + kFade; i < x.size(); ++i) REQUIRE(y[i] == 0.25f * x[i]);
  // In between, a blend: neither the one nor the other yet.
  CHECK(y[on + kFade / 2] != x[on + kFade / 2]);
  CHECK(y[on + kFade / 2] != 0.25f * x[on + kFade / 2]);
  CHECK(engine.get_parameter("0.bypass") == 0.0);
}

TEST_CASE("switching bypass makes no step larger than the signal's own", "[engine][bypass]") {
  // -40 dB against the dry sine: switched at once, the output would jump by almost the
  // sine's amplitude (0.5), far more than the sine's own largest step (0.065).
  Engine engine(Graph::chain({make_gain(0.01)}), {.max_block = kBlock, .input_channels = 1});
  const auto x = sine(9600, 1000.0, 0.5f);
  const std::vector<Change> changes = {
      {1280, "0.bypass", 1}, {4032, "0.bypass", 0}, {6400, "0.bypass", 1}};
  const auto y = run(engine, x, 1, changes)[0];
  // The fade adds at most the level difference over 480 frames (0.5 / 480) per frame.
  CHECK(largest_step(y) <= largest_step(x) + 0.5f / kFade + 1e-6f);
  CHECK(y.back() == x.back());  // and it did switch
}

TEST_CASE("a bypassed lookahead limiter stays aligned with a parallel path",
          "[engine][bypass][latency]") {
  // in -> limiter -> sum:0 and in -> sum:1; the compiler delays the direct path by the
  // limiter's latency. Below the ceiling the limiter passes its input delayed, so the
  // sum is 2 x[n - L] whether the limiter runs, is bypassed or fades in between: a dry
  // path not delayed by L would comb during the fade and misalign after it.
  Graph g;
  g.add("in", make_gain(1.0));
  g.add("lim", std::make_shared<LimiterNode>(5.0));
  g.add("sum", std::make_shared<MixNode>(2));
  g.connect("in", "lim");
  g.connect("lim", "sum:0");
  g.connect("in", "sum:1");
  g.set_input(Endpoint::parse("in"));
  g.set_output(Endpoint::parse("sum"));
  Engine engine(g, {.max_block = kBlock, .input_channels = 1});
  const std::uint64_t latency = engine.latency();
  REQUIRE(latency == 240);  // 5 ms lookahead
  const auto x = noise(8000, 0.25f, 7);
  const auto y = run(
      engine, x, 1, {{1536, "lim.bypass", 1}, {4096, "lim.bypass", 0}, {6016, "lim.bypass", 1}})[0];
  for (std::size_t i = latency; i < x.size(); ++i)
    REQUIRE(y[i] == Approx(2.0f * x[i - latency]).margin(1e-6));
  CHECK(engine.latency() == latency);  // a bypassed node still reports its latency
}

TEST_CASE("a bypassed source node is silent", "[engine][bypass]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  g.set_output(Endpoint::parse("tone"));
  Engine engine(g, {.max_block = kBlock, .input_channels = 1});
  const auto y = run(engine, std::vector<float>(2048), 1, {{512, "tone.bypass", 1}})[0];
  CHECK(largest_step(std::vector<float>(y.begin(), y.begin() + 512)) > 0.0f);  // it played
  for (std::size_t i = 512 + kFade; i < y.size(); ++i) REQUIRE(y[i] == 0.0f);
}

TEST_CASE("a bypassed node of another width maps its input as the engine maps a result",
          "[engine][bypass]") {
  const auto x = noise(2048, 0.5f, 3);
  SECTION("mono in, stereo out: the input on both channels") {
    Engine engine(Graph::chain({std::make_shared<WidthChanger>(1, 2)}),
                  {.max_block = kBlock, .input_channels = 1});
    const auto y = run(engine, x, 2, {{0, "0.bypass", 1}});
    for (std::size_t i = kFade; i < x.size(); ++i) {
      REQUIRE(y[0][i] == x[i]);
      REQUIRE(y[1][i] == x[i]);
    }
  }
  SECTION("stereo in, mono out: channel 0 of the input") {
    // A mono source upmixed to the node's stereo input: channel 0 is the source itself.
    Engine engine(Graph::chain({make_gain(1.0), std::make_shared<WidthChanger>(2, 1)}),
                  {.max_block = kBlock, .input_channels = 1});
    const auto processed = run(engine, x, 1);
    for (float v : processed[0]) REQUIRE(v == 0.0f);  // left - right of an upmix
    Engine bypassed(Graph::chain({make_gain(1.0), std::make_shared<WidthChanger>(2, 1)}),
                    {.max_block = kBlock, .input_channels = 1});
    const auto y = run(bypassed, x, 1, {{0, "1.bypass", 1}});
    for (std::size_t i = kFade; i < x.size(); ++i) REQUIRE(y[0][i] == x[i]);
  }
}

TEST_CASE("bypass set in a graph file starts bypassed, without a fade", "[engine][bypass][yaml]") {
  const auto doc = load_graph_string(
      "chain:\n"
      "  - { type: gain, gain: 0.5, bypass: 1 }\n"
      "  - { type: gain, gain: 0.5 }\n");
  Engine engine(doc.graph, {.max_block = kBlock, .input_channels = 1});
  const auto x = noise(512, 0.5f, 5);
  const auto y = run(engine, x, 1)[0];
  for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == 0.5f * x[i]);
  CHECK(engine.get_parameter("0.bypass") == 1.0);
}

TEST_CASE("a bypassed filter inside a fused chain leaves the others filtering",
          "[engine][bypass]") {
  // Three IIR filters in a row run as one fused step; bypassing the middle one runs
  // them node by node until it is back.
  const auto chain = [] {
    return load_graph_string(
               "chain:\n"
               "  - { type: lowpass, cutoff: 3000 }\n"
               "  - { type: highpass, cutoff: 500 }\n"
               "  - { type: lowpass, cutoff: 2000 }\n")
        .graph;
  };
  Engine engine(chain(), {.max_block = kBlock, .input_channels = 1});
  REQUIRE_THAT(engine.describe_plan(), Catch::Matchers::Contains("fused into one step: 0 1 2"));
  const auto x = noise(9600, 0.5f, 11);
  const auto y = run(engine, x, 1, {{1024, "1.bypass", 1}})[0];

  Engine outer(load_graph_string("chain:\n"
                                 "  - { type: lowpass, cutoff: 3000 }\n"
                                 "  - { type: lowpass, cutoff: 2000 }\n")
                   .graph,
               {.max_block = kBlock, .input_channels = 1});
  const auto expected = run(outer, x, 1)[0];
  // The highpass's own state fades out within 10 ms; the two lowpasses' outputs then
  // match (fused or not, to float precision).
  for (std::size_t i = 1024 + kFade + 256; i < x.size(); ++i)
    REQUIRE(y[i] == Approx(expected[i]).margin(1e-5));
  CHECK(std::abs(y[512] - expected[512]) > 1e-3f);  // before: the highpass was there
}
