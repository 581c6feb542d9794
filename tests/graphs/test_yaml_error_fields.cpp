// The YAML loader's errors carry the file, line and column of the offending token in
// their location field (the message starts with the same place), found from the
// error's node, edge and key fields rather than from its text.
#include <catch2/catch.hpp>

#include <functional>

#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::StartsWith;

namespace {

/// The context of the E that `action` throws (whose message starts with its location);
/// fails the test unless it throws an E.
template <class E>
ErrorContext context_of(const std::function<void()>& action) {
  const E error = test::thrown_by<E>(action);
  CHECK_THAT(error.what(), StartsWith(error.context().location.str() + ": "));
  return error.context();
}

template <class E>
ErrorContext load_error(const std::string& yaml) {
  return context_of<E>([&] { load_graph_string(yaml, "bad.yaml"); });
}

}  // namespace

TEST_CASE("an unknown setting is located at its key", "[yaml][errors]") {
  const auto context = load_error<ConfigError>(
      "nodes:\n"
      "  src:   { type: sine }\n"
      "  drive: { type: gain, gian: 2 }\n");
  CHECK(context.location == SourceLocation{"bad.yaml", 3, 24});
  CHECK(context.node == "drive");
  CHECK(context.key == "gian");
  CHECK(context.key_part == KeyPart::name);
}

TEST_CASE("a bad value is located at the value, in nodes: and in chain:", "[yaml][errors]") {
  const auto node = load_error<ParameterError>(
      "nodes:\n"
      "  drive: { type: gain, gain: 5000 }\n");
  CHECK(node.location == SourceLocation{"bad.yaml", 2, 30});
  CHECK(node.node == "drive");
  CHECK(node.key == "gain");

  const auto chain = load_error<ParameterError>(
      "chain:\n"
      "  - { type: gain }\n"
      "  - { type: gain, gain: 5000 }\n");
  CHECK(chain.location == SourceLocation{"bad.yaml", 3, 25});
  CHECK(chain.node == "1");
}

TEST_CASE("an unknown type is located at the type name", "[yaml][errors]") {
  const auto context = load_error<ConfigError>(
      "nodes:\n"
      "  drive: { type: gian }\n");
  CHECK(context.location == SourceLocation{"bad.yaml", 2, 18});
  CHECK(context.key == "type");
}

TEST_CASE("the loader's own errors carry their location and subject", "[yaml][errors]") {
  const auto kind = load_error<ConfigError>("nodes:\n  g: { type: gain, gain: { x: 1 } }\n");
  CHECK(kind.location == SourceLocation{"bad.yaml", 2, 26});
  CHECK(kind.node == "g");
  CHECK(kind.key == "gain");

  const auto edge = load_error<GraphError>(
      "nodes:\n"
      "  tone: { type: sine }\n"
      "  out:  { type: memory_out }\n"
      "edges:\n"
      "  - tone -> outt\n");
  CHECK(edge.location == SourceLocation{"bad.yaml", 5, 13});
  CHECK(edge.node == "outt");
  CHECK(edge.edge == "tone -> outt");

  const auto output = load_error<GraphError>("nodes:\n  mix: { type: mix }\noutput: mix:7\n");
  CHECK(output.location == SourceLocation{"bad.yaml", 3, 9});
  CHECK(output.key == "output");
  CHECK(output.node.empty());

  const auto top = load_error<ConfigError>("name: x\nnodse:\n  a: { type: gain }\n");
  CHECK(top.location == SourceLocation{"bad.yaml", 2, 1});
  CHECK(top.key == "nodse");
}

TEST_CASE("a compile error is located at the edge or node its fields name", "[yaml][errors]") {
  SECTION("a channel mismatch at its edge") {
    const auto doc = load_graph_string(
        "nodes:\n"
        "  st:   { type: sine, channels: 2 }\n"
        "  tri:  { type: sine, channels: 3 }\n"
        "  sum:  { type: gain }\n"
        "edges:\n"
        "  - st -> sum\n"
        "  - tri -> sum\n",
        "mismatch.yaml");
    const auto context = context_of<GraphError>([&] { check_compiles(doc); });
    REQUIRE((context.edge == "st -> sum" || context.edge == "tri -> sum"));
    CHECK(context.location ==
          SourceLocation{"mismatch.yaml", context.edge == "st -> sum" ? 6 : 7, 5});
  }
  SECTION("a cycle at its first node") {
    const auto doc = load_graph_string(
        "nodes:\n"
        "  a: { type: gain }\n"
        "  b: { type: gain }\n"
        "edges:\n"
        "  - a -> b -> a\n",
        "cycle.yaml");
    const auto context = context_of<GraphError>([&] { check_compiles(doc); });
    REQUIRE((context.node == "a" || context.node == "b"));
    CHECK(context.location == SourceLocation{"cycle.yaml", context.node == "a" ? 2 : 3, 3});
  }
  SECTION("a node that fails to prepare at the node") {
    const auto doc = load_graph_string(
        "sample_rate: 8000\n"
        "nodes:\n"
        "  src: { type: sine }\n"
        "  lp:  { type: lowpass, cutoff: 6000 }\n"
        "edges:\n"
        "  - src -> lp\n",
        "nyquist.yaml");
    const auto context = context_of<GraphError>([&] { check_compiles(doc); });
    CHECK(context.node == "lp");
    CHECK(context.location == SourceLocation{"nyquist.yaml", 4, 3});
  }
}
