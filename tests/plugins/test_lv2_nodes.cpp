// LV2 hosting against Debian's plugins: eg-amp and eg-sampler's worker (lv2-examples),
// x42's nodelay and fil4 (x42-plugins), LSP's EQ (lsp-plugins-lv2), an mda preset (mda-lv2).
#include <catch2/catch.hpp>

#include <cmath>

#include "fxgraph/engine/errors.h"
#include "fxgraph/plugins/hosted_plugin_node.h"
#include "fxgraph/plugins/lv2_catalog.h"
#include "plugins/plugin_render.h"
#include "support/graph_helpers.h"
#include "support/thrown.h"

using namespace fxgraph;
using fxgraph::test::kEgAmp;
using fxgraph::test::kNoDelay;
using fxgraph::test::make_plugin;
using fxgraph::test::noise;
using fxgraph::test::render;
using fxgraph::test::thrown_by;

TEST_CASE("an LV2 amplifier applies its gain in dB, within float precision", "[plugins][lv2]") {
  const AudioBuffer in = noise(2, 2000);
  for (const double db : {-6.0, 0.0, 12.0}) {
    const AudioBuffer out = render(make_plugin("lv2", {{"plugin", kEgAmp}, {"gain", db}}), in, 256);
    // The analytic response: 10^(dB/20); 0 dB passes the input through unchanged.
    const float factor = float(std::pow(10.0, db / 20.0));
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < 2000; ++i) {
        if (db == 0.0) REQUIRE(out.channel(c)[i] == in.channel(c)[i]);
        REQUIRE(out.channel(c)[i] == Approx(in.channel(c)[i] * factor).epsilon(1e-6).margin(1e-7));
      }
  }
}

TEST_CASE("a flat LV2 equaliser passes audio through within float precision", "[plugins][lv2]") {
  // LSP's 16-band parametric EQ with its defaults (every band off).
  const AudioBuffer in = noise(2, 4096, 3);
  const std::string eq = "http://lsp-plug.in/plugins/lv2/para_equalizer_x16_stereo";
  const AudioBuffer out = render(make_plugin("lv2", {{"plugin", eq}}), in, 512);
  double worst = 0.0;
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 4096; ++i)
      worst = std::max(worst, double(std::abs(out.channel(c)[i] - in.channel(c)[i])));
  CHECK(worst < 1e-5);
}

TEST_CASE("an LV2 latency port is the node's latency; the delay is exact", "[plugins][lv2]") {
  // x42 nodelay delays by `delay` frames and reports it once the line is running.
  auto node = make_plugin("lv2", {{"plugin", kNoDelay}, {"delay", 64.0}});
  const AudioBuffer in = noise(1, 1024);
  Engine engine(Graph::chain({node}), {.max_block = 128, .input_channels = 1});
  const AudioBuffer out = render(engine, in, 128);
  for (std::uint32_t i = 64; i < 1024; ++i) REQUIRE(out.channel(0)[i] == in.channel(0)[i - 64]);
  CHECK(node->latency() == 64);
  CHECK(engine.get_parameter("0.latency") == 64.0);
  // Mode 2, "no delay, only report latency", reports it from the first block on.
  auto reporting =
      make_plugin("lv2", {{"plugin", kNoDelay}, {"delay", 32.0}, {"report_latency", 2.0}});
  Engine prepared(Graph::chain({reporting}), {.max_block = 128, .input_channels = 1});
  CHECK(reporting->latency() == 32);
}

TEST_CASE("an LV2 parameter change by path takes effect at the next block", "[plugins][lv2]") {
  auto node = make_plugin("lv2", {{"plugin", kEgAmp}, {"gain", 0.0}});
  Engine engine(Graph::chain({node}), {.max_block = 64, .input_channels = 1});
  const AudioBuffer in = noise(1, 64);
  CHECK(render(engine, in, 64).channel(0)[10] == in.channel(0)[10]);
  engine.set_parameter("0.gain", -90.0);  // eg-amp: -90 dB and below is silence
  CHECK(render(engine, in, 64).channel(0)[10] == 0.0f);
  CHECK(engine.get_parameter("0.gain") == -90.0);
}

TEST_CASE("an LV2 control refuses values outside the plugin's range, naming it", "[plugins][lv2]") {
  const auto error = thrown_by<ParameterError>([] {
    make_plugin("lv2", {{"plugin", kEgAmp}, {"gain", 30.0}});
  });
  CHECK_THAT(error.what(), Catch::Contains("'gain") && Catch::Contains("[-90, 24]"));
  auto node = make_plugin("lv2", {{"plugin", kEgAmp}});
  Engine engine(Graph::chain({node}), {.max_block = 64, .input_channels = 1});
  CHECK_THROWS_AS(engine.set_parameter("0.gain", -100.0), ParameterError);
}

TEST_CASE("controls: {symbol: value} sets controls, and names unknown ones", "[plugins][lv2]") {
  auto node =
      make_plugin("lv2", {{"plugin", kNoDelay},
                          {"controls.delay", 12.0},
                          {"controls.report_latency", std::string("Delay and report latency")}});
  CHECK(node->requested_value(std::size_t(node->find_parameter("delay"))) == 12.0);
  CHECK(node->requested_value(std::size_t(node->find_parameter("report_latency"))) == 1.0);
  const auto error = thrown_by<ConfigError>([] {
    make_plugin("lv2", {{"plugin", kNoDelay}, {"controls.dleay", 12.0}});
  });
  CHECK_THAT(error.what(), Catch::Contains("no control 'dleay'") && Catch::Contains("delay"));
  CHECK(error.context().key == "controls.dleay");
}

TEST_CASE("an LV2 preset sets the controls it stores", "[plugins][lv2]") {
  const std::string detune = "http://drobilla.net/plugins/mda/Detune";
  const auto presets = lv2_presets(detune);
  REQUIRE(presets.size() >= 2);
  auto plain = make_plugin("lv2", {{"plugin", detune}});
  auto preset = make_plugin("lv2", {{"plugin", detune}, {"preset", presets.front().first}});
  bool differs = false;
  for (std::size_t p = 0; p < plain->parameters().size(); ++p)
    differs = differs || plain->requested_value(p) != preset->requested_value(p);
  CHECK(differs);
  CHECK_THAT(thrown_by<ConfigError>([&] {
               make_plugin("lv2", {{"plugin", detune}, {"preset", detune + "#nope"}});
             }).what(),
             Catch::Contains("has no preset") && Catch::Contains(presets.front().first));
}

TEST_CASE("an LV2 plugin with the worker extension runs", "[plugins][lv2]") {
  // eg-sampler requires worker:schedule and loads its sample through the worker.
  auto node = make_plugin("lv2", {{"plugin", std::string("http://lv2plug.in/plugins/eg-sampler")}});
  Graph graph;  // no audio input: a generator
  graph.add("sampler", node);
  graph.set_output({"sampler", ""});
  Engine engine(graph, {.max_block = 64});
  for (int block = 0; block < 16; ++block) engine.process(64);
  CHECK(engine.output_channels() == 1);
}

TEST_CASE("bad LV2 input: unknown URI, no audio ports, channel mismatch", "[plugins][lv2]") {
  CHECK_THAT(thrown_by<ConfigError>([] {
               make_plugin("lv2", {{"plugin", std::string("http://lv2plug.in/plugins/eg-amq")}});
             }).what(),
             Catch::Contains("did you mean") && Catch::Contains(kEgAmp));
  CHECK_THAT(thrown_by<ConfigError>([] {
               make_plugin(
                   "lv2", {{"plugin", std::string("http://gareus.org/oss/lv2/controlfilter#exp")}});
             }).what(),
             Catch::Contains("has no audio ports"));
  // fil4#stereo takes two channels: three from the node before it are a mismatch.
  auto stereo =
      make_plugin("lv2", {{"plugin", std::string("http://gareus.org/oss/lv2/fil4#stereo")}});
  CHECK_THAT(thrown_by<GraphError>([&] {
               Engine(Graph::chain({fxgraph::test::make_gain(1.0), stereo}),
                      {.max_block = 64, .input_channels = 3});
             }).what(),
             Catch::Contains("channel mismatch"));
}
