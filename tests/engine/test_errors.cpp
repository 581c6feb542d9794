// Errors carry what they are about as data (node, edge, key, location), filled where
// they are thrown, so no later layer has to parse a message to find its subject.
#include <catch2/catch.hpp>

#include <functional>
#include <map>

#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/nodes/register_nodes.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"
#include "support/thrown.h"

using namespace fxgraph;
using fxgraph::test::ConstantNode;
using fxgraph::test::make_gain;

namespace {

/// The context of the E that `action` throws; fails the test unless it throws an E.
template <class E>
ErrorContext context_of(const std::function<void()>& action) {
  return test::thrown_by<E>(action).context();
}

Graph three_gains() {
  Graph g;
  g.add("a", make_gain(1.0));
  g.add("b", make_gain(1.0));
  g.add("c", make_gain(1.0));
  return g;
}

NodeOptions options(std::map<std::string, OptionValue> values) {
  return NodeOptions(std::move(values));
}

NodeRegistry dsp_registry() {
  NodeRegistry registry;
  register_dsp_nodes(registry);
  return registry;
}

}  // namespace

// ---------------------------------------------------------------- the Error type

TEST_CASE("an error keeps its message and the context it was thrown with", "[errors]") {
  const GraphError e("edge 'a -> b' is odd", {.node = "b", .edge = "a -> b"});
  CHECK(std::string(e.what()) == "edge 'a -> b' is odd");
  CHECK(e.context().node == "b");
  CHECK(e.context().edge == "a -> b");
  CHECK(e.context().key.empty());
  CHECK_FALSE(e.context().has_location());
  // The one-argument constructor of every type still works, with an empty context.
  CHECK(BufferUnderrunError("short").context() == ErrorContext{});
}

TEST_CASE("add_context fills only the fields still empty", "[errors]") {
  ParameterError e("bad", {.key = "gain"});
  e.add_context({.node = "drive", .key = "other", .key_part = KeyPart::name});
  CHECK(e.context().node == "drive");
  CHECK(e.context().key == "gain");  // the thrower's key wins
  CHECK(e.context().key_part == KeyPart::value);
  CHECK(std::string(e.what()) == "bad");
}

TEST_CASE("locate_at writes the location into the field and the message, once", "[errors]") {
  ConfigError e("unknown setting 'x'");
  e.locate_at({"graph.yaml", 4, 18});
  CHECK(e.context().location == SourceLocation{"graph.yaml", 4, 18});
  CHECK(std::string(e.what()) == "graph.yaml:4:18: unknown setting 'x'");
  e.locate_at({"other.yaml", 1, 1});  // the first location is the closest to the cause
  CHECK(std::string(e.what()) == "graph.yaml:4:18: unknown setting 'x'");

  IoError whole_file("cannot read");
  whole_file.locate_at({"graph.yaml"});
  CHECK(std::string(whole_file.what()) == "graph.yaml: cannot read");
}

TEST_CASE("a caught error changed and rethrown keeps its type; copies stay apart", "[errors]") {
  const StreamError original("lost", {.node = "in"});
  StreamError copy = original;
  copy.prefix_message("jack: ");
  copy.add_context({.key = "port"});
  CHECK(std::string(original.what()) == "lost");
  CHECK(original.context().key.empty());
  CHECK(std::string(copy.what()) == "jack: lost");

  try {
    try {
      throw BufferOverrunError("full");
    } catch (Error& e) {
      e.prefix_message("ring: ");
      throw;
    }
  } catch (const BufferOverrunError& e) {
    CHECK(std::string(e.what()) == "ring: full");
  }
}

// ---------------------------------------------------------------- graph and compiler

TEST_CASE("graph errors carry the node or edge they are about", "[errors][graph]") {
  Graph g = three_gains();
  CHECK(context_of<GraphError>([&] { g.add("a", make_gain(1.0)); }).node == "a");
  CHECK(context_of<GraphError>([&] { g.add("x.y", make_gain(1.0)); }).node == "x.y");
  CHECK(context_of<GraphError>([&] { (void)g.node("zz"); }).node == "zz");
  g.connect("a", "b");
  CHECK(context_of<GraphError>([&] { g.connect("a", "b"); }).edge == "a -> b");
  CHECK(context_of<GraphError>([&] { g.disconnect("b", "c"); }).edge == "b -> c");
}

TEST_CASE("a channel mismatch carries its edge and the node it enters", "[errors][compile]") {
  Graph g;
  g.add("stereo", std::make_shared<ConstantNode>(std::vector<float>{0, 0}));
  g.add("six", std::make_shared<ConstantNode>(std::vector<float>{0, 0, 0, 0, 0, 0}));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("stereo", "out");
  g.connect("six", "out");
  const auto context = context_of<GraphError>([&] { Compiler::compile(g, {}); });
  CHECK(context.edge == "stereo -> out");  // stereo is the narrower source: out takes 6
  CHECK(context.node == "out");
}

TEST_CASE("an edge to an unknown node or port carries the edge and that node",
          "[errors][compile]") {
  Graph g = three_gains();
  SECTION("unknown node") {
    g.connect("a", "nowhere:1");
    const auto context = context_of<GraphError>([&] { Compiler::compile(g, {}); });
    CHECK(context.node == "nowhere");
    CHECK(context.edge == "a -> nowhere:1");
  }
  SECTION("unknown port") {
    g.connect("a", "b:wet");
    const auto context = context_of<GraphError>([&] { Compiler::compile(g, {}); });
    CHECK(context.node == "b");
    CHECK(context.edge == "a -> b:wet");
  }
  SECTION("the graph's input or output names its key, not an edge") {
    g.set_output({"c", "7"});
    const auto context = context_of<GraphError>([&] { Compiler::compile(g, {}); });
    CHECK(context.key == "output");
    CHECK(context.node.empty());
    CHECK(context.edge.empty());
  }
}

TEST_CASE("a cycle carries its first node, the one its message starts from", "[errors][compile]") {
  Graph g = three_gains();
  g.connect("a", "b");
  g.connect("b", "c");
  g.connect("c", "a");
  const GraphError e = test::thrown_by<GraphError>([&] { Compiler::compile(g, {}); });
  const std::string node = e.context().node;
  CHECK((node == "a" || node == "b" || node == "c"));
  CHECK_THAT(e.what(), Catch::Matchers::Contains("cycle: " + node + " -> "));
}

TEST_CASE("a node that fails to prepare carries its id", "[errors][compile]") {
  SECTION("its own refusal (a cutoff above Nyquist), wrapped in a GraphError") {
    Graph g;
    g.add("lp", dsp_registry().create("lowpass", options({{"cutoff", 6000.0}})));
    const auto context =
        context_of<GraphError>([&] { Compiler::compile(g, {.sample_rate = 8000}); });
    CHECK(context.node == "lp");
  }
  SECTION("a running node that would need re-preparing") {
    Graph g;
    g.add("drive", make_gain(1.0));
    g.set_input({"drive", ""});
    Compiler::compile(g, {.input_channels = 1});
    const std::unordered_set<const Node*> running{&g.node("drive")};
    const auto context =
        context_of<GraphError>([&] { Compiler::compile(g, {.input_channels = 2}, &running); });
    CHECK(context.node == "drive");
  }
}

// ---------------------------------------------------------------- registry and parameters

TEST_CASE("an unknown setting carries its key and blames the name", "[errors][registry]") {
  const NodeRegistry registry = dsp_registry();
  const auto context = context_of<ConfigError>([&] {
    registry.create("gain", options({{"gian", 2.0}}));
  });
  CHECK(context.key == "gian");
  CHECK(context.key_part == KeyPart::name);
}

TEST_CASE("an unknown node type blames the value of `type`", "[errors][registry]") {
  const NodeRegistry registry = dsp_registry();
  const auto context = context_of<ConfigError>([&] { registry.create("gian", NodeOptions()); });
  CHECK(context.key == "type");
  CHECK(context.key_part == KeyPart::value);
}

TEST_CASE("a bad parameter value carries its key, wherever it is set", "[errors][parameters]") {
  const NodeRegistry registry = dsp_registry();
  SECTION("from the registry (YAML, --chain)") {
    const auto out_of_range = context_of<ParameterError>([&] {
      registry.create("gain", options({{"gain", 5000.0}}));
    });
    CHECK(out_of_range.key == "gain");
    CHECK(out_of_range.key_part == KeyPart::value);
    const auto text = context_of<ParameterError>([&] {
      registry.create("gain", options({{"gain", std::string("loud")}}));
    });
    CHECK(text.key == "gain");
  }
  SECTION("from the engine, with the node of the path") {
    Engine engine(Graph::chain({make_gain(1.0), make_gain(1.0)}), {.input_channels = 1});
    const auto value = context_of<ParameterError>([&] { engine.set_parameter("1.gain", 5000); });
    CHECK(value.node == "1");
    CHECK(value.key == "gain");
    CHECK(value.key_part == KeyPart::value);
    const auto name = context_of<ParameterError>([&] { engine.set_parameter("1.gian", 1); });
    CHECK(name.node == "1");
    CHECK(name.key == "gian");
    CHECK(name.key_part == KeyPart::name);
    CHECK(context_of<ParameterError>([&] { engine.set_parameter("7.gain", 1); }).node == "7");
  }
  SECTION("on a node, before it runs") {
    auto gain = make_gain(1.0);
    const auto context = context_of<ParameterError>([&] { gain->configure_parameter("clamp", 2); });
    CHECK(context.key == "clamp");
  }
}

// ---------------------------------------------------------------- the first-port rule

TEST_CASE("an empty port means the first port, on either side", "[errors][graph]") {
  MixNode mix(2);
  CHECK(resolve_port(mix, "", PortDirection::input) == 0);
  CHECK(resolve_port(mix, "1", PortDirection::input) == 1);
  CHECK(resolve_port(mix, "", PortDirection::output) == 0);
  CHECK(resolve_port(mix, "out", PortDirection::output) == 0);
  CHECK(resolve_port(mix, "2", PortDirection::input) == -1);
  const ConstantNode source(std::vector<float>{0});  // a source has no inputs at all
  CHECK(resolve_port(source, "", PortDirection::input) == -1);
}
