// Aliases named after torchfx classes behave like those classes or do not exist: a
// graph written with torchfx's name must not quietly get another effect.
#include <catch2/catch.hpp>

#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/effects/echo.h"

using namespace fxgraph;

TEST_CASE("torchfx class names with other semantics here are not aliases", "[aliases]") {
  const NodeRegistry& registry = builtin_registry();
  // Reverb: torchfx's is one feed-forward echo, ours the Freeverb. Delay: torchfx's
  // time is in samples, ours in ms. Hi/LoButterworth default to order 5 there, 4 here;
  // the Chebyshevs to 0.1 dB ripple there, 0.5 here; the elliptic ones are left out
  // with them.
  for (const char* name :
       {"Reverb", "Delay", "HiButterworth", "LoButterworth", "HiChebyshev1", "LoChebyshev1",
        "HiChebyshev2", "LoChebyshev2", "HiElliptic", "LoElliptic"}) {
    INFO(name);
    CHECK(registry.find(name) == nullptr);
  }
  CHECK(registry.find("Freeverb")->name == "reverb");
  CHECK(registry.find("FeedbackEcho")->name == "echo");
}

TEST_CASE("echo at mix 1 keeps the direct sound, as torchfx's wet signal does, and says so",
          "[aliases]") {
  Graph graph;
  auto echo = std::make_shared<EchoNode>();
  echo->configure_parameter("delay", 4);
  echo->configure_parameter("decay", 0.5);
  echo->configure_parameter("mix", 1.0);
  graph.add("echo", echo);
  graph.set_input({"echo", ""});
  graph.set_output({"echo", ""});
  Engine engine(graph, {.max_block = 16, .input_channels = 1});
  AudioBuffer in(1, 16), out(1, 16);
  in.channel(0)[0] = 1.0f;
  engine.process(in.view(), out.view());
  CHECK(out.channel(0)[0] == Approx(1.0));   // the direct sound passes at mix 1
  CHECK(out.channel(0)[4] == Approx(0.5));   // first echo
  CHECK(out.channel(0)[8] == Approx(0.25));  // recursive: torchfx's Reverb would give 0
  for (const auto& spec : echo->parameters())
    if (spec.name == "mix") CHECK(spec.description.find("wet only") == std::string::npos);
  CHECK(builtin_registry().find("echo")->summary.find("Reverb") == std::string::npos);
}
