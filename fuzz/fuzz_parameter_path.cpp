// Fuzzes parameter paths and values as `fxgraph jack`'s `set PATH VALUE` and --set take
// them: each input line is "path=value"; a valid change is applied and a block runs, an
// invalid one is refused with an fxgraph::Error. Nothing may crash or produce NaN.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace {
// A chain (nodes 0 … 4) has the graph input and output at its ends.
const char* const kGraph = R"(
chain:
  - { type: highpass, cutoff: 80, order: 4 }
  - { type: peaking, cutoff: 1000, gain_db: 3 }
  - { type: gain, gain: 1.5 }
  - { type: reverb, room_size: 0.3, mix: 0.25 }
  - { type: echo }
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fxgraph::GraphDocument document = fxgraph::load_graph_string(kGraph, "fuzz.yaml");
  fxgraph::Engine engine(document.graph, {.max_block = 64, .input_channels = 2});
  fxgraph::AudioBuffer in(2, 64), out(2, 64);
  for (std::uint32_t i = 0; i < 64; ++i) in.channel(0)[i] = in.channel(1)[i] = (i % 7) * 0.1f;

  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    const std::string path = line.substr(0, equals);
    const std::string text = equals == std::string::npos ? "" : line.substr(equals + 1);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    try {
      engine.set_parameter(path, value);
      (void)engine.get_parameter(path);
    } catch (const fxgraph::Error&) {
    }
    engine.process(in.view(64), out.view(64));
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < 64; ++i)
        if (!std::isfinite(out.channel(c)[i])) std::abort();
  }
  return 0;
}
