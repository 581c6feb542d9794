// Fuzzes the --chain mini-language: any text must build a chain or be refused with an
// fxgraph::Error (a ChainSpecError with a column inside the text); nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chain_spec.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    (void)fxgraph::cli::build_chain(spec, fxgraph::builtin_registry());
  } catch (const fxgraph::cli::ChainSpecError& e) {
    // The caret must point into the text (or just past its end).
    if (e.column() == 0 || e.column() > spec.size() + 1) std::abort();
    (void)e.display(16);      // an 80-column terminal
    (void)e.display(16, 20);  // a narrow one: the spec shown as a window
  } catch (const fxgraph::Error&) {
  }
  return 0;
}
