// LADSPA hosting against Debian's plugins: CMT's amp_mono (cmt), SWH's artificial
// latency and DJ EQ (swh-plugins), the SDK's amp and delay (ladspa-sdk).
#include <catch2/catch.hpp>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/plugins/hosted_plugin_node.h"
#include "fxgraph/plugins/ladspa_catalog.h"
#include "plugins/plugin_render.h"
#include "support/thrown.h"

using namespace fxgraph;
using fxgraph::test::make_plugin;
using fxgraph::test::noise;
using fxgraph::test::render;
using fxgraph::test::thrown_by;

TEST_CASE("a LADSPA amplifier scales each channel by its gain, one instance per channel",
          "[plugins][ladspa]") {
  auto node = make_plugin("ladspa", {{"plugin", std::string("cmt:amp_mono")}, {"gain", 0.25}});
  const AudioBuffer in = noise(2, 1000);
  const AudioBuffer out = render(node, in, 128);
  REQUIRE(out.num_channels() == 2);
  CHECK(static_cast<HostedPluginNode&>(*node).instance_count() == 2);
  // The reference: x * 0.25, exact in float (a power of two).
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 1000; ++i) REQUIRE(out.channel(c)[i] == in.channel(c)[i] * 0.25f);
}

TEST_CASE("a LADSPA plugin is found by library:label, by unique id and by label when unique",
          "[plugins][ladspa]") {
  CHECK(find_ladspa_plugin("cmt:amp_mono").unique_id == 1067);
  CHECK(find_ladspa_plugin("1067").id == "cmt:amp_mono");
  CHECK(find_ladspa_plugin("artificialLatency").unique_id == 1914);
  // Two libraries (ladspa-sdk's amp.so and cmt.so) have an amp_mono: the error names both.
  const auto error = thrown_by<ConfigError>([] { find_ladspa_plugin("amp_mono"); });
  CHECK_THAT(error.what(), Catch::Contains("amp:amp_mono") && Catch::Contains("cmt:amp_mono"));
  CHECK(error.context().key == "plugin");
}

TEST_CASE("an unknown LADSPA label gets close matches, a non-plugin library a clear error",
          "[plugins][ladspa]") {
  CHECK_THAT(thrown_by<ConfigError>([] { find_ladspa_plugin("amp_mnoo"); }).what(),
             Catch::Contains("did you mean") && Catch::Contains("amp_mono"));
  CHECK_THAT(thrown_by<ConfigError>([] { find_ladspa_plugin("cmt:amp_mnoo"); }).what(),
             Catch::Contains("has no plugin labelled 'amp_mnoo'") && Catch::Contains("amp_mono"));
  // libm is a shared library but no LADSPA one.
  const std::string libm = "/usr/lib/x86_64-linux-gnu/libm.so.6";
  CHECK_THAT(thrown_by<ConfigError>([&] { find_ladspa_plugin(libm + ":amp"); }).what(),
             Catch::Contains("is not a LADSPA plugin library"));
  CHECK_THAT(thrown_by<ConfigError>([] { make_plugin("ladspa", {}); }).what(),
             Catch::Contains("names no LADSPA plugin"));
}

TEST_CASE("a LADSPA latency output is the node's latency and a meter", "[plugins][ladspa]") {
  // SWH's artificial latency reports its delay setting (ms) in frames without delaying.
  auto node =
      make_plugin("ladspa", {{"plugin", std::string("artificialLatency")}, {"delay_ms", 10.0}});
  Engine engine(Graph::chain({node}), {.sample_rate = 48000, .max_block = 64, .input_channels = 1});
  CHECK(node->latency() == 480);
  (void)render(engine, noise(1, 256), 64);
  CHECK(engine.get_parameter("0.latency") == 480.0);
  // A change by path takes effect at the next block.
  engine.set_parameter("0.delay_ms", 5.0);
  (void)render(engine, noise(1, 64), 64);
  CHECK(engine.get_parameter("0.latency") == 240.0);
  CHECK(node->latency() == 240);
}

TEST_CASE("a LADSPA control refuses values outside the plugin's range, naming it",
          "[plugins][ladspa]") {
  const auto error = thrown_by<ParameterError>([] {
    make_plugin("ladspa", {{"plugin", std::string("artificialLatency")}, {"delay_ms", 20000.0}});
  });
  CHECK_THAT(error.what(), Catch::Contains("delay_ms") && Catch::Contains("[0, 10000]"));
}

TEST_CASE("a plugin that is not hard-realtime capable is refused live, allowed offline",
          "[plugins][ladspa][realtime]") {
  PluginDescription plugin = find_ladspa_plugin("cmt:amp_mono");
  plugin.hard_rt_capable = false;  // as a plugin without LADSPA_PROPERTY_HARD_RT_CAPABLE
  auto node = std::make_shared<HostedPluginNode>("ladspa", plugin, ladspa_instance_factory(plugin),
                                                 HostedPluginNode::kDefaultPluginBlock);
  const auto error = thrown_by<GraphError>([&] {
    RealtimeProcessor(Graph::chain({node}), std::make_unique<NullBackend>(),
                      StreamConfig{.channels_in = 1, .channels_out = 1});
  });
  CHECK_THAT(error.what(),
             Catch::Contains("cannot run live") && Catch::Contains("not hard-realtime capable"));
  CHECK(error.context().node == "0");
  const AudioBuffer out = render(node, noise(1, 64), 64);  // offline: fine
  CHECK(out.num_channels() == 1);
}

TEST_CASE("a flat LADSPA equaliser passes audio through unchanged", "[plugins][ladspa]") {
  const AudioBuffer in = noise(2, 4096, 5);
  const AudioBuffer out =
      render(make_plugin("ladspa", {{"plugin", std::string("dj_eq_mono")}}), in, 256);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 4096; ++i) REQUIRE(out.channel(c)[i] == in.channel(c)[i]);
}

TEST_CASE("plugin output is identical at any block size, and blocks above `block` are split",
          "[plugins][ladspa]") {
  // The LADSPA SDK's delay line (48 frames, half wet): deterministic, with state.
  const AudioBuffer in = noise(2, 3000, 7);
  const auto settings =
      std::map<std::string, OptionValue>{{"plugin", std::string("delay:delay_5s")},
                                         {"delay_seconds", 0.001},
                                         {"dry_wet_balance", 0.5}};
  const AudioBuffer reference = render(make_plugin("ladspa", settings), in, 512);
  for (const std::uint32_t block : {1u, 13u, 64u, 500u}) {
    const AudioBuffer out = render(make_plugin("ladspa", settings), in, block);
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < 3000; ++i)
        REQUIRE(out.channel(c)[i] == reference.channel(c)[i]);
  }
  auto split = settings;
  split["block"] = 16.0;
  auto node = make_plugin("ladspa", split);
  const AudioBuffer out = render(node, in, 512);
  CHECK(static_cast<HostedPluginNode&>(*node).plugin_block() == 16);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 3000; ++i) REQUIRE(out.channel(c)[i] == reference.channel(c)[i]);
  // The delayed half is there: the output is not the dry input alone.
  CHECK(reference.channel(0)[100] != in.channel(0)[100] * 0.5f);
}
