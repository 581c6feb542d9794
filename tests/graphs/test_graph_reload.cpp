// Hot reload at the engine level (graphs/graph_reload.h): a running Engine takes an
// edited YAML document; kept nodes carry their state and their live values through the
// swap, the file's changed values reach them, and a refused edit changes nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/graph_reload.h"
#include "fxgraph/graphs/yaml_loader.h"

using namespace fxgraph;
using Catch::Matchers::Contains;

namespace {

constexpr std::uint32_t kBlock = 64;

/// A tone through a low-pass and a gain; the values, and extra nodes and edges (YAML
/// lines), vary between the edits.
std::string tone_graph(const std::string& gain, const std::string& cutoff = "2000",
                       const std::string& more_nodes = "", const std::string& more_edges = "") {
  return "nodes:\n"
         "  tone: { type: sine, frequency: 440 }\n"
         "  lp: { type: lowpass, cutoff: " +
         cutoff +
         " }\n"
         "  g: { type: gain, gain: " +
         gain + " }\n" + more_nodes +
         "edges:\n"
         "  - tone -> lp -> g\n" +
         more_edges + "output: g\n";
}

GraphDocument load(const std::string& yaml) {
  return load_graph_string(yaml, "edit.yaml");
}

EngineConfig config() {
  return {.sample_rate = 48000, .max_block = kBlock, .input_channels = 1};
}

/// Runs `blocks` blocks and appends the first output channel to `out`.
void render(Engine& engine, int blocks, std::vector<float>& out) {
  AudioBuffer buffer(engine.output_channels(), kBlock);
  for (int b = 0; b < blocks; ++b) {
    engine.process(ConstAudioView{}, buffer.view(kBlock));
    out.insert(out.end(), buffer.channel(0), buffer.channel(0) + kBlock);
  }
}

GraphSwap swap_into(Engine& engine) {
  return [&engine](Graph graph, std::span<const ParameterChange> changes) {
    engine.replace_graph(std::move(graph), changes);
  };
}

}  // namespace

TEST_CASE(
    "a reload that changes one gain leaves the tone and the low-pass running: the output "
    "equals a session that set the gain live at the same block",
    "[graphs][reload]") {
  GraphDocument running = load(tone_graph("0.5"));
  Engine engine(running.graph, config());
  std::vector<float> reloaded;
  render(engine, 20, reloaded);
  GraphDocument edited = load(tone_graph("0.25"));
  const ReloadSummary summary = reload_graph(running, edited, swap_into(engine));
  render(engine, 20, reloaded);

  CHECK(summary.kept == std::vector<std::string>{"tone", "lp", "g"});
  CHECK(summary.rebuilt.empty());
  REQUIRE(summary.file_changes.size() == 1);  // gain_db follows gain inside the node
  CHECK(summary.file_changes[0].path == "g.gain");
  CHECK(summary.file_changes[0].value == 0.25);
  CHECK(engine.get_parameter("g.gain") == 0.25);

  // The reference: no reload, the same value set live before the same block.
  GraphDocument reference_doc = load(tone_graph("0.5"));
  Engine reference(reference_doc.graph, config());
  std::vector<float> expected;
  render(reference, 20, expected);
  reference.set_parameter("g.gain", 0.25);
  render(reference, 20, expected);
  // Sample for sample: a node rebuilt at the swap (a tone restarting its phase, a
  // filter starting from silence) would differ from here on.
  CHECK(reloaded == expected);

  // And there is no step at the swap beyond what the tone itself moves in a sample.
  const std::size_t swap = 20 * kBlock;
  float largest_step = 0.0f;
  for (std::size_t i = 1; i < reloaded.size(); ++i)
    largest_step = std::max(largest_step, std::abs(reloaded[i] - reloaded[i - 1]));
  CHECK(std::abs(reloaded[swap] - reloaded[swap - 1]) <= largest_step);
}

TEST_CASE(
    "a value set live survives a reload that does not change it in the file, and gives "
    "way to one that does",
    "[graphs][reload]") {
  GraphDocument running = load(tone_graph("0.5", "2000"));
  Engine engine(running.graph, config());
  engine.set_parameter("lp.cutoff", 1000);  // live
  engine.set_parameter("g.gain", 0.8);      // live

  // The file changes the gain only: the live cutoff stays, the file's gain wins.
  GraphDocument edited = load(tone_graph("0.25", "2000"));
  ReloadSummary summary = reload_graph(running, edited, swap_into(engine));
  CHECK(engine.get_parameter("lp.cutoff") == 1000);
  CHECK(engine.get_parameter("g.gain") == 0.25);
  running = std::move(edited);

  // Set live again, then an edit that changes the cutoff in the file, not the gain.
  engine.set_parameter("g.gain", 0.7);
  edited = load(tone_graph("0.25", "3000"));
  summary = reload_graph(running, edited, swap_into(engine));
  CHECK(engine.get_parameter("lp.cutoff") == 3000);
  CHECK(engine.get_parameter("g.gain") == 0.7);
  REQUIRE(summary.file_changes.size() == 1);
  CHECK(summary.file_changes[0].path == "lp.cutoff");

  // What the engine runs follows the requested values (the changes went through its
  // queue): a fresh engine built at these values plays the same block.
  std::vector<float> out;
  render(engine, 1, out);
  CHECK(engine.graph().node("g").value(0) == 0.7);
  CHECK(engine.graph().node("lp").value(0) == 3000);
}

TEST_CASE("a node whose construction options change is rebuilt, keeping the values set live",
          "[graphs][reload]") {
  const auto graph = [&](const std::string& seed) {
    return "nodes:\n"
           "  tone: { type: sine, frequency: 440 }\n"
           "  hiss: { type: noise, seed: " +
           seed +
           ", amplitude: 0.1 }\n"
           "  sum: { type: mix }\n"
           "edges:\n"
           "  - tone -> sum:0\n"
           "  - hiss -> sum:1\n"
           "output: sum\n";
  };
  GraphDocument running = load(graph("1"));
  Engine engine(running.graph, config());
  engine.set_parameter("hiss.amplitude", 0.05);
  Node* old_hiss = &engine.graph().node("hiss");
  Node* old_tone = &engine.graph().node("tone");

  GraphDocument edited = load(graph("2"));
  const ReloadSummary summary = reload_graph(running, edited, swap_into(engine));
  CHECK(summary.rebuilt == std::vector<std::string>{"hiss"});
  CHECK(summary.kept == std::vector<std::string>{"tone", "sum"});
  CHECK(&engine.graph().node("hiss") != old_hiss);  // a new node: the new seed
  CHECK(&engine.graph().node("tone") == old_tone);  // the same object: its phase runs on
  CHECK(engine.get_parameter("hiss.amplitude") == 0.05);
}

TEST_CASE(
    "a kept node that would need re-preparing (its channels change) is rebuilt, never "
    "re-prepared under the running plan",
    "[graphs][reload]") {
  const auto graph = [](const std::string& channels) {
    return "nodes:\n"
           "  tone: { type: sine, channels: " +
           channels +
           " }\n"
           "  g: { type: gain, gain: 0.5 }\n"
           "edges:\n"
           "  - tone -> g\n"
           "output: g\n";
  };
  GraphDocument running = load(graph("1"));
  Engine engine(running.graph, config());
  engine.set_parameter("g.gain", 0.3);
  std::vector<float> out;
  render(engine, 2, out);
  Node* old_gain = &engine.graph().node("g");

  GraphDocument edited = load(graph("2"));
  const ReloadSummary summary = reload_graph(running, edited, swap_into(engine));
  CHECK(summary.rebuilt == std::vector<std::string>{"tone", "g"});
  CHECK(summary.kept.empty());
  CHECK(&engine.graph().node("g") != old_gain);
  CHECK(old_gain->prepared_info().output_channels == std::vector<std::uint32_t>{1});
  CHECK(engine.output_channels() == 2);
  CHECK(engine.get_parameter("g.gain") == 0.3);  // carried over to the new node
}

TEST_CASE("a refused edit leaves the running graph and every value as it was", "[graphs][reload]") {
  GraphDocument running = load(tone_graph("0.5"));
  Engine engine(running.graph, config());
  std::vector<float> before;
  render(engine, 4, before);
  const std::vector<std::string> order = engine.order();

  SECTION("a cycle") {
    GraphDocument edited = load(tone_graph("0.25", "2000",
                                           "  echo: { type: gain }\n"
                                           "  back: { type: gain }\n",
                                           "  - echo -> back -> echo\n"));
    CHECK_THROWS_AS(reload_graph(running, edited, swap_into(engine)), GraphError);
  }
  SECTION("a value the running node refuses (a cutoff above Nyquist)") {
    GraphDocument edited = load(tone_graph("0.25", "30000"));
    CHECK_THROWS_AS(reload_graph(running, edited, swap_into(engine)), ParameterError);
  }
  // The gain the edit also changed was requested, then restored.
  CHECK(engine.get_parameter("g.gain") == 0.5);
  CHECK(engine.get_parameter("lp.cutoff") == 2000);
  CHECK(engine.order() == order);
  std::vector<float> after;
  render(engine, 1, after);
  CHECK(engine.graph().node("g").value(0) == 0.5);
}

TEST_CASE("a refused compile names the node, which the document locates at file:line:col",
          "[graphs][reload]") {
  GraphDocument running = load(tone_graph("0.5"));
  Engine engine(running.graph, config());
  GraphDocument edited = load(tone_graph("0.5", "2000",
                                         "  echo: { type: gain }\n"
                                         "  back: { type: gain }\n",
                                         "  - echo -> back -> echo\n"));
  try {
    reload_graph(running, edited, swap_into(engine));
    FAIL("the cycle was accepted");
  } catch (GraphError& error) {
    locate_error(error, edited);
    CHECK_THAT(error.what(), Contains("edit.yaml:5:3: ") && Contains("cycle"));
  }
}

TEST_CASE("nodes added and removed by an edit are listed; the new ones run", "[graphs][reload]") {
  GraphDocument running = load(tone_graph("0.5"));
  Engine engine(running.graph, config());
  GraphDocument edited = load(
      "nodes:\n"
      "  tone: { type: sine, frequency: 440 }\n"
      "  g: { type: gain, gain: 0.5 }\n"
      "  post: { type: gain, gain: 0.5 }\n"
      "edges:\n"
      "  - tone -> g -> post\n"
      "output: post\n");
  const ReloadSummary summary = reload_graph(running, edited, swap_into(engine));
  CHECK(summary.added == std::vector<std::string>{"post"});
  CHECK(summary.removed == std::vector<std::string>{"lp"});
  CHECK(describe(summary) ==
        "kept 2, rebuilt 0, added 1 (post), removed 1 (lp); 0 values from the file");
  CHECK(engine.order() == std::vector<std::string>{"tone", "g", "post"});
}
