#pragma once
// Catching an expected exception to look at it: its message or its ErrorContext.

#include <catch2/catch.hpp>

#include <exception>
#include <functional>
#include <stdexcept>

namespace fxgraph::test {

/// The E that `action` throws; fails the test unless it throws exactly that kind.
template <class E>
E thrown_by(const std::function<void()>& action) {
  try {
    action();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    FAIL("threw the wrong exception type: " << e.what());
  }
  FAIL("did not throw");
  throw std::logic_error("unreachable: FAIL ends the test");
}

}  // namespace fxgraph::test
