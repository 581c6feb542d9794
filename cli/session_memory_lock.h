#pragma once
// Keeping a live session's memory in RAM: the audio thread must not wait for a page
// fault under memory pressure, so once the stream runs every page mapped then is locked
// (mlockall(MCL_CURRENT)): engine buffers, the backend's ports and shared memory, the
// driver's thread and stack. Called again whenever the stream is opened anew (a JACK
// client reopened by --reconnect maps new segments, ports and buffers).
// Not MCL_FUTURE: under a finite RLIMIT_MEMLOCK it would make the session's later
// allocations fail, not just the lock.

namespace fxgraph::cli {

/// Locks the pages mapped now; when the system refuses, prints a note on stderr (how to
/// allow it) and the session plays on. Control thread.
void lock_session_memory();

}  // namespace fxgraph::cli
