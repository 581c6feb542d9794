// torchfx class names: each is a type faithful to torchfx's class (NodeType::torchfx_module
// set) or unknown. None is an alias of a type with other semantics, so a graph written
// with torchfx's name never quietly gets another effect.
#include <catch2/catch.hpp>

#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/effects/echo.h"

using namespace fxgraph;

TEST_CASE("a torchfx class name is a faithful type of its own or unknown, never an alias",
          "[aliases]") {
  const NodeRegistry& registry = builtin_registry();
  // torchfx's public classes (torchfx.effect and torchfx.filter's __all__).
  for (const char* name :
       {"Gain",          "Normalize",       "Reverb",        "Delay",           "AllPass",
        "Biquad",        "BiquadAllPass",   "BiquadBPF",     "BiquadBPFPeak",   "BiquadHPF",
        "BiquadLPF",     "BiquadNotch",     "Butterworth",   "Chebyshev1",      "Chebyshev2",
        "DesignableFIR", "Elliptic",        "FIR",           "FusedSOSCascade", "HiButterworth",
        "HiChebyshev1",  "HiChebyshev2",    "HiElliptic",    "HiLinkwitzRiley", "HiShelving",
        "IIR",           "LinkwitzRiley",   "LoButterworth", "LoChebyshev1",    "LoChebyshev2",
        "LoElliptic",    "LoLinkwitzRiley", "LogFilterBank", "LoShelving",      "Notch",
        "ParametricEQ",  "Peaking"}) {
    INFO(name);
    const NodeType* type = registry.find(name);
    if (type == nullptr) continue;
    CHECK(type->name == name);
    CHECK(!type->torchfx_module.empty());
  }
  // The priority classes of torchfx's examples are all there.
  for (const char* name :
       {"Gain", "Normalize", "Reverb", "Delay", "LoButterworth", "HiButterworth"})
    CHECK(registry.find(name) != nullptr);
  // Names that only looked like torchfx's (aliases of fxgraph types) are gone.
  for (const char* name : {"Vol", "Sine", "Noise", "Mix", "Split", "ChannelSelect", "Bandpass"})
    CHECK(registry.find(name) == nullptr);
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
