// Fuzzes --automate: any text must become an automation that a small chain's engine
// takes and runs (its values on the exact samples, no crash, no NaN reaching a filter)
// or be refused with an fxgraph::Error; nothing may crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "automate_flag.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fxgraph;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Graph graph = Graph::chain(
      {builtin_registry().create("biquad_lowpass", {}), builtin_registry().create("gain", {})});
  try {
    const auto automation = cli::automate_flags(graph, {text});
    Engine engine(graph, {.sample_rate = 8000, .max_block = 37, .input_channels = 1});
    engine.automate(automation.front());
    float in[37] = {1.0f}, out[37];
    const float* ins[1] = {in};
    float* outs[1] = {out};
    for (int block = 0; block < 8; ++block) {
      engine.process(ConstAudioView{ins, 1, 37}, AudioView{outs, 1, 37});
      for (float v : out)
        if (!std::isfinite(v)) std::abort();
    }
  } catch (const Error&) {
  }
  return 0;
}
