#pragma once
// Counts heap allocations made by the current thread while a counter is active.
// The test binary replaces global operator new/delete (allocation_counter.cpp), so
// anything on the counting thread that allocates — std::vector growth, std::string,
// std::function, exceptions — shows up in the count.

#include <cstddef>

namespace fxgraph::test {

/// Counts allocations on this thread between construction and count().
/// Usage: AllocationCounter counter; process(...); REQUIRE(counter.count() == 0);
class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  /// Allocations seen on this thread since construction.
  std::size_t count() const;

 private:
  std::size_t start_;
  bool was_active_;
};

/// Total allocations made on this thread while any counter was active.
std::size_t thread_allocations();

}  // namespace fxgraph::test
