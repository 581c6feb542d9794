// The YAML loader's `automation:` section: parsed into GraphDocument::automation, and
// every mistake in it reported at its file:line:col with what was expected.
#include <catch2/catch.hpp>

#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string kNodes =
    "nodes:\n"                           // 1
    "  src: { type: sine }\n"            // 2
    "  lp:  { type: biquad_lowpass }\n"  // 3
    "  flip: { type: polarity }\n"       // 4
    "edges:\n"                           // 5
    "  - src -> lp -> flip\n"            // 6
    "output: flip\n";                    // 7

template <class E>
E load_error(const std::string& automation) {
  return test::thrown_by<E>([&] { load_graph_string(kNodes + automation, "bad.yaml"); });
}

}  // namespace

TEST_CASE("an automation: section becomes the document's automation, in file order",
          "[yaml][automation]") {
  const GraphDocument doc =
      load_graph_string(kNodes +
                        "automation:\n"
                        "  lp.cutoff: { curve: exp, points: [[0, 200], "
                        "[4, 8000]] }\n"
                        "  flip.invert: { curve: hold, points: [[1.5, 1]] }\n"
                        "  src.frequency: { points: [[0, 100], [1, 200]] }\n");
  REQUIRE(doc.automation.size() == 3);
  CHECK(doc.automation[0].path == "lp.cutoff");
  CHECK(doc.automation[0].curve == AutomationCurve::exponential);
  CHECK(doc.automation[0].points == std::vector<AutomationPoint>{{0, 200}, {4, 8000}});
  CHECK(doc.automation[1].curve == AutomationCurve::hold);
  CHECK(doc.automation[2].curve == AutomationCurve::linear);  // the default
  CHECK(doc.automation_locations.at("flip.invert") == YamlLocation{10, 3});
}

TEST_CASE("automation mistakes are located at the entry, its curve or the point at fault",
          "[yaml][automation][errors]") {
  auto e = load_error<ParameterError>("automation:\n  lp.cutof: { points: [[0, 200]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:3: ") && Contains("unknown parameter 'cutof'") &&
                           Contains("cutoff"));
  e = load_error<ParameterError>("automation:\n  hp.cutoff: { points: [[0, 200]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:3: ") && Contains("unknown node 'hp'"));

  e = load_error<ParameterError>(
      "automation:\n  lp.cutoff: { points: [[0, 200], [1, 300], [0.5, 400]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:45: ") && Contains("point 3") &&
                           Contains("times must increase"));
  CHECK(e.context().node == "lp");
  e = load_error<ParameterError>(
      "automation:\n  src.amplitude: { curve: exp, points: [[0, 0.5], [1, 0]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:51: ") && Contains("above 0"));
  e = load_error<ParameterError>("automation:\n  lp.cutoff: { points: [[0, 200], [1, 1e6]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:35: ") && Contains("out of range"));
  e = load_error<ParameterError>(
      "automation:\n  flip.invert: { curve: linear, points: [[0, 0], [1, 1]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:25: ") && Contains("toggle") && Contains("hold"));
  e = load_error<ParameterError>("automation:\n  lp.cutoff: { curve: cubic, points: [[0, 1]] }\n");
  CHECK_THAT(e.what(), StartsWith("bad.yaml:9:23: ") && Contains("unknown automation curve"));

  auto c = load_error<ConfigError>("automation:\n  lp.cutoff: { points: [[0, 200], [1]] }\n");
  CHECK_THAT(c.what(),
             StartsWith("bad.yaml:9:35: ") && Contains("point 2") && Contains("[seconds, value]"));
  c = load_error<ConfigError>("automation:\n  lp.cutoff: { curve: exp }\n");
  CHECK_THAT(c.what(), StartsWith("bad.yaml:9:14: ") && Contains("no `points:`"));
  c = load_error<ConfigError>("automation:\n  lp.cutoff: { ponts: [[0, 1]] }\n");
  CHECK_THAT(c.what(), StartsWith("bad.yaml:9:16: ") && Contains("unknown key 'ponts'"));
  c = load_error<ConfigError>("automation: [lp.cutoff]\n");
  CHECK_THAT(c.what(), StartsWith("bad.yaml:8:13: ") && Contains("must be a mapping"));
}
