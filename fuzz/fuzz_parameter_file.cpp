// Fuzzes parameter files (`--params FILE`, a session's `load FILE`; cli/parameter_settings.h):
// any text must set parameters or be refused with an fxgraph::Error; nothing may crash.
// A refused entry's error carries a position inside the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "parameter_settings.h"

namespace {

/// One temporary file, rewritten for each input (the reader takes a path, as users give).
const std::string& scratch_path() {
  static const std::string path = [] {
    char name[] = "/tmp/fuzz_parameter_file-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) std::abort();
    ::close(fd);
    return std::string(name);
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = scratch_path();
  if (std::FILE* file = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, file);
    std::fclose(file);
  } else {
    std::abort();
  }
  fxgraph::Graph graph = fxgraph::load_graph_string(
                             "chain:\n"
                             "  - { type: gain }\n"
                             "  - { type: compressor }\n"
                             "  - { type: lowpass, cutoff: 1000 }\n")
                             .graph;
  try {
    fxgraph::cli::apply_params_file(graph, path);
  } catch (const fxgraph::ParameterError& e) {
    // An entry's error points into the file (the key or the value).
    const fxgraph::ErrorContext& context = e.context();
    if (context.has_location() && (context.location.line < 1 || context.location.column < 1))
      std::abort();
  } catch (const fxgraph::Error&) {
  }
  return 0;
}
