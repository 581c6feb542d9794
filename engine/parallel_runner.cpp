#include "fxgraph/engine/parallel_runner.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <thread>

namespace fxgraph {

namespace {
// The futex calls behind the wait between blocks, made directly: libstdc++ 12's
// std::atomic::wait skips the wake-up syscall on its own waiter count, which lost
// wake-ups here (a worker slept through the destructor's notify). The kernel compares
// the word with `expected` atomically, so a wake after the change is never lost.
std::uint32_t* futex_word(std::atomic<std::uint32_t>& word) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return reinterpret_cast<std::uint32_t*>(&word);
}
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) noexcept {
  syscall(SYS_futex, futex_word(word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}
void futex_wake_all(std::atomic<std::uint32_t>& word) noexcept {
  syscall(SYS_futex, futex_word(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}
}  // namespace

ParallelRunner::ParallelRunner(unsigned threads, const ThreadStarter& start) {
  const ThreadStarter starter = start ? start : [](std::function<void()> body) {
    auto thread = std::make_shared<std::thread>(std::move(body));
    return std::function<void()>([thread] { thread->join(); });
  };
  for (unsigned i = 1; i < threads; ++i) joins_.push_back(starter([this] { worker(); }));
}

ParallelRunner::~ParallelRunner() {
  stop_.store(true);
  epoch_.fetch_add(1);
  futex_wake_all(epoch_);
  for (auto& join : joins_) join();
}

void ParallelRunner::run(BlockWork& work) noexcept {
  work_.store(&work);
  epoch_.fetch_add(1);
  // Seq_cst on both sides: either this load sees a worker about to sleep, or that
  // worker's check sees the new epoch (the futex syscall only when one sleeps).
  if (sleepers_.load() != 0) futex_wake_all(epoch_);
  work.work();
  // No worker may touch `work` after we return: take it away, then wait for those
  // still inside (they find nothing left and leave at once).
  work_.store(nullptr);
  while (in_block_.load() != 0) cpu_relax();
}

void ParallelRunner::worker() noexcept {
  // 0, the count before any block, not a fresh read: this thread may start after
  // blocks (or the destructor) already moved it on, and must not sleep through that.
  std::uint32_t seen = 0;
  while (true) {
    for (int spin = 0; epoch_.load(std::memory_order_acquire) == seen; ++spin) {
      if (spin < kSpinIterations) {
        cpu_relax();
        continue;
      }
      if (stop_.load()) return;
      sleepers_.fetch_add(1);
      if (epoch_.load() == seen) futex_wait(epoch_, seen);
      sleepers_.fetch_sub(1);
    }
    seen = epoch_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    // Announce first, then look: run() clears work_ before waiting for in_block_ to
    // drop, so a late worker finds null (or the next block's work), never a stale one.
    in_block_.fetch_add(1);
    if (BlockWork* work = work_.load()) work->work();
    in_block_.fetch_sub(1);
  }
}

}  // namespace fxgraph
