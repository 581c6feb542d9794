// torchfx.filter's IIR classes: defaults, order_scale and torchfx's own checks. Their
// outputs are compared with torchfx's in test_torchfx_fixtures.cpp.
#include <catch2/catch.hpp>

#include "fxgraph/engine/errors.h"
#include "torchfx/torchfx_helpers.h"

using namespace fxgraph;
using test::torchfx_node;

namespace {
double parameter(const std::shared_ptr<Node>& node, const char* name) {
  const int index = node->find_parameter(name);
  REQUIRE(index >= 0);
  return node->requested_value(std::size_t(index));
}
}  // namespace

TEST_CASE("torchfx's IIR classes have torchfx's parameters and defaults", "[torchfx]") {
  for (const char* name : {"LoButterworth", "HiButterworth"}) {
    auto node = torchfx_node(name);
    CHECK(parameter(node, "order") == 5);
    CHECK(parameter(node, "order_scale") == 0);
    CHECK(node->parameters()[0].name == "cutoff");  // Hi/LoButterworth(cutoff, order, …)
  }
  for (const char* name : {"LoChebyshev1", "HiChebyshev1", "LoChebyshev2", "HiChebyshev2"}) {
    CAPTURE(name);
    auto node = torchfx_node(name);
    CHECK(parameter(node, "order") == 4);
    CHECK(parameter(node, "ripple") == 0.1);
  }
  auto elliptic = torchfx_node("LoElliptic");
  CHECK(parameter(elliptic, "passband_ripple") == 0.1);
  CHECK(parameter(elliptic, "stopband_attenuation") == 40);
  CHECK(parameter(torchfx_node("HiLinkwitzRiley"), "order") == 4);
  for (const auto& name : builtin_registry().names()) {
    const NodeType& type = *builtin_registry().find(name);
    if (name.find("Butterworth") != std::string::npos ||
        name.find("Chebyshev") != std::string::npos)
      CHECK(type.torchfx_module == "filter");
  }
}

TEST_CASE("order_scale db divides the order by 6, whatever order the settings come in",
          "[torchfx]") {
  // order 24 in dB/octave is order 4; "order" sorts before "order_scale".
  auto node = torchfx_node(
      "LoButterworth", {{"cutoff", 1000.0}, {"order", 24.0}, {"order_scale", std::string("db")}});
  CHECK(parameter(node, "order") == 24);
  CHECK_THROWS_AS(torchfx_node("LoButterworth", {{"order", 24.0}}), ParameterError);
  CHECK_NOTHROW(
      torchfx_node("LoLinkwitzRiley", {{"order", 24.0}, {"order_scale", std::string("db")}}));
}

TEST_CASE("Linkwitz-Riley takes any even order torchfx takes, up to 16", "[torchfx]") {
  for (double order : {2.0, 4.0, 6.0, 10.0, 12.0, 16.0}) {
    CAPTURE(order);
    CHECK_NOTHROW(torchfx_node("HiLinkwitzRiley", {{"order", order}}));
  }
  // torchfx: "order must be a positive even integer".
  for (double order : {3.0, 5.0, 7.0}) {
    CAPTURE(order);
    CHECK_THROWS_AS(torchfx_node("LoLinkwitzRiley", {{"order", order}}), ParameterError);
  }
  CHECK_THROWS_AS(torchfx_node("LoLinkwitzRiley", {{"order", 18.0}}), ParameterError);
}

TEST_CASE("a torchfx filter's cutoff must lie below Nyquist at the stream's rate", "[torchfx]") {
  auto node = torchfx_node("LoButterworth", {{"cutoff", 30000.0}});
  CHECK_THROWS_AS(Engine(Graph::chain({node}), {.sample_rate = 48000, .max_block = 64}),
                  ParameterError);
  CHECK_THROWS_AS(
      torchfx_node("LoElliptic", {{"passband_ripple", 5.0}, {"stopband_attenuation", 3.0}}),
      ParameterError);
}
