#pragma once
// CacheLineAllocator: a std::allocator whose blocks start on a cache line and fill whole
// lines, so that no other allocation shares a line with them.
//
// Why: with parallel branches (engine/step_schedule.h) two nodes may run on different
// cores at once. State a node writes for every chunk of samples (filter memories, scratch)
// in a small heap block can sit in the same 64-byte line as another node's, and that line
// then bounces between the cores on every write (false sharing). On the project VM that
// made a filter bank's worker steps ~1.7× slower in runs whose heap happened to interleave
// the two threads' filters (bench/README.md, "Parallel branches").
//
// Allocates only where the container grows (control thread), like std::allocator.

#include <cstddef>
#include <new>

namespace fxgraph {

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::size_t kLine = 64;

  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (bytes(n), std::align_val_t{kLine}));
  }
  // The unsized form: clang 14 does not declare sized deallocation unless asked
  // (-fsized-deallocation), and the size adds nothing here.
  void deallocate(T* p, std::size_t) noexcept { ::operator delete (p, std::align_val_t{kLine}); }
  /// `n` objects rounded up to whole lines.
  static std::size_t bytes(std::size_t n) noexcept {
    return (n * sizeof(T) + kLine - 1) / kLine * kLine;
  }

  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) noexcept {
    return true;
  }
};

}  // namespace fxgraph
