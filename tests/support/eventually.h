#pragma once
// Waiting for something another thread (an audio callback, a server) will do.

#include <chrono>
#include <thread>

namespace fxgraph::test {

/// Polls `condition` every millisecond until it holds (true) or `timeout` passes (false).
template <class Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace fxgraph::test
