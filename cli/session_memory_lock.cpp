#include "session_memory_lock.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fxgraph::cli {

void lock_session_memory() {
  if (::mlockall(MCL_CURRENT) == 0) return;
  const int error = errno;
  std::fprintf(stderr,
               "fxgraph: note: cannot lock memory (mlockall: %s); playing on, but the audio "
               "thread may stall on page faults under memory pressure (raise `ulimit -l`, "
               "e.g. membership of the 'audio' group)\n",
               std::strerror(error));
}

}  // namespace fxgraph::cli
