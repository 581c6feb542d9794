#include "fxgraph/batch/freed_memory_reuse.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace fxgraph {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    // Blocks up to 64 MiB come from the arenas (a chunk buffer is well under that), and
    // an arena keeps up to 256 MiB of free memory at its top rather than trimming it.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  });
#endif
}

}  // namespace fxgraph
