// Fuzzes the YAML graph loader and, for what it accepts, the compiler: any text must
// load or be refused with an fxgraph::Error; nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fxgraph/engine/compiler.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const fxgraph::GraphDocument document = fxgraph::load_graph_string(text, "fuzz.yaml");
    (void)fxgraph::Compiler::compile(document.graph, {.max_block = 64});
  } catch (const fxgraph::Error&) {
    // Refused with a message: what bad input should get.
  }
  return 0;
}
