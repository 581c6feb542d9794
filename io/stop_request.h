#pragma once
// How a long offline job (a file render) learns that it should stop early, e.g.
// because the user pressed Ctrl-C.
//
// The driver polls a StopRequested between chunks on its own (processing) thread and,
// when it says yes, throws Stopped. Unwinding then does the cleanup every other error
// gets: the reader and writer threads stop, temporary outputs are removed, the target
// paths stay as they were. The predicate is expected to be a flag load (a signal
// handler sets the flag): drivers call it once per chunk, never on the audio thread.

#include <functional>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

/// True when the job should stop. Empty: never.
using StopRequested = std::function<bool()>;

/// The job stopped because StopRequested said so; nothing was written.
class Stopped : public Error {
 public:
  using Error::Error;
};

/// Throws Stopped when `stop` is set and says yes.
inline void throw_if_stop_requested(const StopRequested& stop) {
  if (stop && stop()) throw Stopped("stopped on request before the output was complete");
}

}  // namespace fxgraph
