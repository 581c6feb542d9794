#include "interrupt_signals.h"

#include <signal.h>

#include <array>
#include <atomic>

namespace fxgraph::cli {

namespace {

// Read and written from the handler: a lock-free atomic is async-signal-safe.
std::atomic<int> g_received{0};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP};
std::array<struct sigaction, kSignals.size()> g_previous{};

extern "C" void on_interrupt_signal(int signal_number) {
  int none = 0;
  g_received.compare_exchange_strong(none, signal_number);  // the first one wins
}

}  // namespace

InterruptSignals::InterruptSignals() {
  g_received.store(0);
  struct sigaction action = {};
  action.sa_handler = &on_interrupt_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a read blocked on a pipe returns (EINTR) and the render notices the
  // stop instead of waiting for more input. SA_RESETHAND: the second signal kills.
  action.sa_flags = SA_RESETHAND;
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    ::sigaction(kSignals[i], &action, &g_previous[i]);
}

InterruptSignals::~InterruptSignals() {
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    ::sigaction(kSignals[i], &g_previous[i], nullptr);
}

StopRequested InterruptSignals::stop_requested() {
  return [] { return g_received.load(std::memory_order_relaxed) != 0; };
}

int received_signal() noexcept {
  return g_received.load(std::memory_order_relaxed);
}

}  // namespace fxgraph::cli
