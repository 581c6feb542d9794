#pragma once
// keep_freed_memory_for_reuse(): tells glibc's allocator to keep the memory a batch
// frees between files and hand it out again, instead of giving it back to the kernel.
//
// Why: each file's StreamProcessor allocates its chunk buffers afresh (megabytes: three
// chunks in flight each way, the engine's buffers, the reader's and writer's
// interleaving scratch). Above glibc's mmap threshold, or when a thread's arena trims
// its top, those pages go back to the kernel when the file ends, and the next file
// faults every page in again, zeroed by the kernel: on 64 one-minute stereo files,
// 83 000 page faults and about a third of the batch's CPU time (perf; bench/README.md).
// With the thresholds raised, a worker reuses the same pages file after file (1 800
// faults).
//
// The setting is process-wide (glibc has no per-thread one) and only raises how much
// freed memory a process keeps: at most the largest working set it had, a few
// megabytes per batch worker. It is applied once; later calls do nothing. Without
// glibc it does nothing.

namespace fxgraph {

void keep_freed_memory_for_reuse();

}  // namespace fxgraph
