// CacheLineAllocator: every block starts on a cache line and owns its last line whole, so
// two containers never share a line (false sharing between threads).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "fxgraph/engine/cache_line_allocator.h"

using namespace fxgraph;

TEST_CASE("cache-line allocations start on a line and are whole lines long", "[engine][parallel]") {
  CHECK(CacheLineAllocator<double>::bytes(1) == 64);
  CHECK(CacheLineAllocator<double>::bytes(8) == 64);
  CHECK(CacheLineAllocator<double>::bytes(9) == 128);
  CHECK(CacheLineAllocator<float>::bytes(0) == 0);
  // Small vectors allocated one after another: the heap would put them in one line.
  std::vector<std::vector<double, CacheLineAllocator<double>>> small;
  for (std::size_t n = 1; n <= 20; ++n) small.emplace_back(n, 1.0);
  for (const auto& v : small) {
    const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
    CHECK(begin % 64 == 0);
    for (const auto& other : small) {
      if (&other == &v) continue;
      const auto o = reinterpret_cast<std::uintptr_t>(other.data());
      const auto line_end = begin + CacheLineAllocator<double>::bytes(v.size());
      CHECK((o >= line_end || o + other.size() * sizeof(double) <= begin));
    }
  }
}
