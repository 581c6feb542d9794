// YAML feedback edges: `- a -> b: {feedback: 441}` is one edge that carries a's output
// 441 frames late and may close a loop; its mistakes are located at what is wrong.
#include <catch2/catch.hpp>

#include <functional>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/plan.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;

namespace {

const std::string kComb =
    "nodes:\n"
    "  sum: { type: mix, inputs: 2 }\n"
    "  fb:  { type: gain, gain: 0.5 }\n"
    "edges:\n"
    "  - sum -> fb\n";

/// The E that loading `yaml` throws; fails the test unless it throws one.
template <class E>
E load_error(const std::string& yaml) {
  return test::thrown_by<E>([&] { load_graph_string(yaml, "bad.yaml"); });
}

}  // namespace

TEST_CASE("a feedback edge in YAML closes a loop that compiles", "[yaml][feedback]") {
  const auto doc = load_graph_string(kComb +
                                         "  - fb -> sum:1: {feedback: 441}\n"
                                         "input: sum:0\n"
                                         "output: sum\n",
                                     "comb.yaml");
  REQUIRE(doc.graph.edges().size() == 2);
  CHECK(doc.graph.edges()[0].feedback == 0);
  const Edge& back = doc.graph.edges()[1];
  CHECK(back.str() == "fb -> sum:1");
  CHECK(back.feedback == 441);
  const auto plan = compile_document(doc, compile_options_for(doc));
  REQUIRE(plan->loops().size() == 1);
  CHECK(plan->loops()[0].sub_block == 441);
}

TEST_CASE("a malformed feedback edge is refused where it is wrong", "[yaml][feedback][errors]") {
  SECTION("a delay below one frame, at the value") {
    const auto e = load_error<ConfigError>(kComb + "  - fb -> sum:1: {feedback: 0}\n");
    CHECK_THAT(e.what(), Contains("whole number from 1"));
    CHECK(e.context().location == SourceLocation{"bad.yaml", 6, 29});
  }
  SECTION("a delay that is no whole number") {
    const auto e = load_error<ConfigError>(kComb + "  - fb -> sum:1: {feedback: 2.5}\n");
    CHECK_THAT(e.what(), Contains("'2.5'"));
  }
  SECTION("an unknown setting, at its key") {
    const auto e = load_error<ConfigError>(kComb + "  - fb -> sum:1: {fedback: 3}\n");
    CHECK_THAT(e.what(), Contains("unknown setting 'fedback'"));
    CHECK(e.context().location == SourceLocation{"bad.yaml", 6, 19});
  }
  SECTION("no delay at all") {
    const auto e = load_error<ConfigError>(kComb + "  - fb -> sum:1: {}\n");
    CHECK_THAT(e.what(), Contains("has no `feedback` delay"));
  }
  SECTION("a path of more than one edge") {
    const auto e = load_error<GraphError>(kComb + "  - fb -> sum:1 -> fb: {feedback: 3}\n");
    CHECK_THAT(e.what(), Contains("must join exactly two endpoints"));
  }
  SECTION("an unknown node, at the endpoint") {
    const auto e = load_error<GraphError>(kComb + "  - fx -> sum:1: {feedback: 3}\n");
    CHECK_THAT(e.what(), Contains("fx"));
    CHECK(e.context().location == SourceLocation{"bad.yaml", 6, 5});
  }
}

TEST_CASE("a cycle in YAML without a feedback edge says how to declare one",
          "[yaml][feedback][errors]") {
  const auto doc = load_graph_string(kComb + "  - fb -> sum:1\n", "cycle.yaml");
  const auto e =
      test::thrown_by<GraphError>([&] { compile_document(doc, compile_options_for(doc)); });
  CHECK_THAT(e.what(), Contains("the graph has a cycle"));
  CHECK_THAT(e.what(), Contains(": {feedback: 441}`"));
}
