#pragma once
// Walking a circular delay line in runs, for the feedback lines of delay and echo.
//
// A line of `capacity` frames (a power of two) is read `delay` frames behind the write
// position. Frame by frame, that is one masked index per sample and a loop the compiler
// cannot vectorise. Split instead into runs in which neither position wraps and which
// are no longer than the delay — so nothing read in a run was written in the same run —
// and each run is a plain loop over contiguous, non-overlapping memory.

#include <algorithm>
#include <cstdint>
#include <initializer_list>

namespace fxgraph {

/// Calls run(offset, read, write, length) for consecutive runs covering frames
/// [0, frames): block frames [offset, offset + length) read line[read ...] and write
/// line[write ...]. `write` is the write position at frame 0; delay >= 1.
template <class Run>
inline void for_each_line_run(std::uint32_t write, std::uint32_t delay, std::uint32_t frames,
                              std::uint32_t capacity, Run&& run) noexcept {
  const std::uint32_t mask = capacity - 1;
  for (std::uint32_t offset = 0; offset < frames;) {
    const std::uint32_t read = (write - delay) & mask;
    const std::uint32_t length =
        std::min({frames - offset, capacity - write, capacity - read, delay});
    run(offset, read, write, length);
    offset += length;
    write = (write + length) & mask;
  }
}

}  // namespace fxgraph
