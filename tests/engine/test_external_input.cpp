// The node fed by the graph's external input reads the caller's buffer in place (no
// copy); a call with fewer channels than compiled falls back to a copy with silence in
// the missing channels; and processing in place (in and out the same buffer) is right.

#include <catch2/catch.hpp>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::filled;
using fxgraph::test::make_gain;

TEST_CASE("the external input is read in place, and a narrower one is copied with silence",
          "[engine]") {
  Engine engine(Graph::chain({make_gain(2.0), make_gain(3.0)}),
                {.max_block = 64, .input_channels = 2});
  AudioBuffer in = filled(2, 64, 0.25f), out(2, 64);
  in.channel(1)[5] = -1.0f;
  engine.process(in.view(), out.view());
  CHECK(out.channel(0)[0] == 1.5f);
  CHECK(out.channel(1)[5] == -6.0f);

  // One channel where two were compiled: the second reads silence, as before.
  AudioBuffer mono = filled(1, 64, 0.5f);
  engine.process(mono.view(), out.view());
  CHECK(out.channel(0)[10] == 3.0f);
  CHECK(out.channel(1)[10] == 0.0f);

  // And back to two: in place again, the fallback buffer left behind.
  engine.process(in.view(), out.view());
  CHECK(out.channel(1)[5] == -6.0f);
}

TEST_CASE("processing in place gives what processing out of place gives", "[engine]") {
  Engine engine(Graph::chain({make_gain(0.5)}), {.max_block = 32, .input_channels = 2});
  AudioBuffer buffer = filled(2, 32, 0.8f);
  buffer.channel(0)[3] = 0.2f;
  engine.process(buffer.view(), buffer.view());
  CHECK(buffer.channel(0)[0] == 0.4f);
  CHECK(buffer.channel(0)[3] == 0.1f);
  CHECK(buffer.channel(1)[31] == 0.4f);
}
