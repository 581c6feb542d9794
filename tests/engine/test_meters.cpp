// Meters: read-only values a node publishes on the audio thread and control threads read
// by path, like parameters, without being able to set them.
#include <catch2/catch.hpp>
#include <cmath>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;

namespace {
// Publishes the peak of its input's last block.
class PeakProbe : public Node {
 public:
  PeakProbe() : Node("peak_probe") {
    add_input("in");
    add_output("out");
    add_parameter({.name = "scale", .min = 0.0, .max = 10.0, .default_value = 1.0});
    peak_ = add_meter({.name = "peak", .unit = "", .initial_value = -1.0});
  }

 private:
  void do_process(const ProcessContext& ctx) noexcept override {
    float peak = 0.0f;
    for (std::uint32_t c = 0; c < ctx.inputs[0].num_channels; ++c)
      for (std::uint32_t i = 0; i < ctx.frames; ++i) {
        peak = std::max(peak, std::abs(ctx.inputs[0].channel(c)[i]));
        ctx.outputs[0].channel(c)[i] = ctx.inputs[0].channel(c)[i];
      }
    publish_meter(peak_, peak * value(0));
  }
  std::size_t peak_ = 0;
};
}  // namespace

TEST_CASE("a meter is read by path and refuses to be set", "[engine][meters]") {
  Graph g;
  g.add("probe", std::make_shared<PeakProbe>());
  g.set_input({"probe", ""});
  g.set_output({"probe", ""});
  Engine engine(g, {.max_block = 32, .input_channels = 1});

  CHECK(engine.get_parameter("probe.peak") == -1.0);  // nothing ran yet
  AudioBuffer in = test::filled(1, 32, 0.25f), out(1, 32);
  engine.process(in.view(), out.view());
  CHECK(engine.get_parameter("probe.peak") == Approx(0.25));
  engine.set_parameter("probe.scale", 2.0);
  engine.process(in.view(), out.view());
  CHECK(engine.get_parameter("probe.peak") == Approx(0.5));

  REQUIRE_THROWS_AS(engine.set_parameter("probe.peak", 1.0), ParameterError);
  REQUIRE_THROWS_WITH(engine.set_parameter("probe.peak", 1.0),
                      Contains("is a meter") && Contains("read but not set"));
  REQUIRE_THROWS_WITH(engine.set_parameter("probe.peek", 1.0), Contains("peak (meter)"));

  const auto meters = engine.meters();
  REQUIRE(meters.size() == 1);
  CHECK(meters[0].path == "probe.peak");
  CHECK(meters[0].value == Approx(0.5));
}
