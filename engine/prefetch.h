#pragma once
// prefetch_for_write: asks for the cache lines of a buffer in a writable state before the
// code that fills it runs.
//
// Why: a step of a parallel block writes a buffer that a step on another core read in the
// block before, so the reader's core holds every line of it. Each store to such a line
// waits for the line to be taken from that core (a few hundred ns on the project VM), and
// stores leave the core in order: the writer stalls line after line. Measured with a
// reverb whose output the other core mixes: 4.8 µs instead of 7.2 µs at 256 stereo frames
// when the vCPUs were far apart (bench/README.md, "Parallel branches"). Asking for all
// lines at once overlaps those transfers. A hint: nothing waits for it, and it changes no
// result.

#include <cstddef>

namespace fxgraph {

/// Asks for the cache line that holds `*address` in a writable state. Any thread; never
/// blocks, and never faults (any address will do).
inline void prefetch_line_for_write(const void* address) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  // PREFETCHW: AMD64 and Intel since Broadwell; older Intel cores run it as a no-op.
  // (__builtin_prefetch(p, 1) only emits it when compiling with -mprfchw.)
  __asm__ volatile("prefetchw %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address, 1);
#endif
}

/// Asks for the cache lines of `count` floats from `data` in a writable state. Any thread;
/// never blocks.
inline void prefetch_for_write(const float* data, std::size_t count) noexcept {
  constexpr std::size_t kFloatsPerLine = 64 / sizeof(float);
  for (std::size_t i = 0; i < count; i += kFloatsPerLine) prefetch_line_for_write(data + i);
}

/// Asks for the cache lines of `count` floats from `data` for reading. Any thread; never
/// blocks.
inline void prefetch_for_read(const float* data, std::size_t count) noexcept {
  constexpr std::size_t kFloatsPerLine = 64 / sizeof(float);
  for (std::size_t i = 0; i < count; i += kFloatsPerLine) __builtin_prefetch(data + i, 0, 3);
}

}  // namespace fxgraph
