// multipass_split: where a graph may be cut at its first multi-pass node, and where not.
#include <catch2/catch.hpp>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/multipass_split.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::make_gain;

namespace {
std::optional<MultiPassSplit> split(const Graph& g) {
  const Engine engine(g, {.max_block = 64});
  return split_at_first_multipass(g, engine.order());
}
}  // namespace

TEST_CASE("a chain splits at its first normalize: the prefix upstream, the rest downstream",
          "[engine][multipass]") {
  const Graph g = Graph::chain({make_gain(0.5), make_gain(2.0), std::make_shared<NormalizeNode>(),
                                make_gain(0.7), std::make_shared<NormalizeNode>()});
  const auto s = split(g);
  REQUIRE(s);
  CHECK(s->node == "2");
  CHECK(s->upstream.ids() == std::vector<std::string>{"0", "1", "2"});
  CHECK(s->downstream.ids() == std::vector<std::string>{"2", "3", "4"});
  CHECK(s->upstream.input() == Endpoint{"0", ""});
  CHECK(s->upstream.output() == Endpoint{"2", ""});
  CHECK(s->downstream.input() == Endpoint{"2", ""});
  CHECK(s->downstream.output() == Endpoint{"4", ""});
  CHECK(s->upstream.edges().size() == 2);         // 0 -> 1 -> 2
  CHECK(s->downstream.edges().size() == 2);       // 2 -> 3 -> 4
  CHECK(&s->upstream.node("2") == &g.node("2"));  // nodes are shared, not copied
  CHECK(&s->downstream.node("2") == &g.node("2"));
}

TEST_CASE("no split without a multi-pass node or without anything upstream of it",
          "[engine][multipass]") {
  CHECK_FALSE(split(Graph::chain({make_gain(0.5), make_gain(2.0)})));
  CHECK_FALSE(split(Graph::chain({std::make_shared<NormalizeNode>(), make_gain(2.0)})));
}

TEST_CASE("no split when the upstream part feeds anything but the multi-pass node",
          "[engine][multipass]") {
  Graph g;
  g.add("a", make_gain(0.5));
  g.add("norm", std::make_shared<NormalizeNode>());
  g.add("mix", std::make_shared<MixNode>(2));
  g.connect("a", "norm");
  g.connect("norm", "mix:0");
  g.connect("a", "mix:1");  // a side branch around normalize
  g.set_input({"a", ""});
  g.set_output({"mix", ""});
  CHECK_FALSE(split(g));

  g.disconnect("a", "mix:1");
  CHECK(split(g));  // the same graph without the side branch
}

TEST_CASE("no split when the external input or output is on the wrong side",
          "[engine][multipass]") {
  Graph g;
  g.add("a", make_gain(0.5));
  g.add("norm", std::make_shared<NormalizeNode>());
  g.add("b", make_gain(0.5));
  g.connect("a", "norm");
  g.connect("norm", "b");
  g.set_input({"b", ""});  // the input enters downstream: it would be needed twice
  g.set_output({"b", ""});
  CHECK_FALSE(split(g));

  g.set_input({"a", ""});
  g.set_output({"a", ""});  // the output is taken upstream of normalize
  CHECK_FALSE(split(g));

  g.set_output({"b", ""});
  CHECK(split(g));
}
