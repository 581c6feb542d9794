#pragma once
// ParallelRunner: worker threads that help the audio thread through one block.
//
// Aims
//   A block's work (BlockWork: a plan whose ready steps any thread may take) is run by
//   the audio thread and `threads - 1` workers together; run() returns once every
//   participant has left the block, so nothing of it outlives the call.
//
// Wait strategy (between blocks only)
//   A worker that finds no new block spins for about kSpinIterations pauses (tens of
//   microseconds: a period of 64 frames is 1.3 ms, so back-to-back blocks find it
//   awake), then sleeps on a futex (FUTEX_WAIT on the block counter). run() pays
//   for a wake-up (one futex syscall) only when a worker sleeps, which in a steady
//   stream happens only after a gap between blocks. Inside a block nobody sleeps, locks
//   or allocates: participants take ready steps from a lock-free queue (StepSchedule)
//   and spin briefly when none is ready yet.
//
// Threads
//   Workers come from a ThreadStarter: std::thread by default; JACK's
//   jack_client_create_thread (realtime priority) in RealtimeProcessor. run() is called
//   by one thread at a time (the audio thread).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace fxgraph {

/// The work of one block, shared by every participant. Audio thread and workers.
class BlockWork {
 public:
  virtual ~BlockWork() = default;
  /// Takes and runs ready pieces of the block until none is left. noexcept; may be
  /// called by several threads at once.
  virtual void work() noexcept = 0;
};

/// Starts `body` on a new thread and returns a function that joins it. The default
/// uses std::thread; a backend may give its own (JACK's realtime threads).
using ThreadStarter = std::function<std::function<void()>(std::function<void()> body)>;

class ParallelRunner {
 public:
  static constexpr int kSpinIterations = 20000;

  /// Starts `threads - 1` workers (threads >= 2). Control thread.
  explicit ParallelRunner(unsigned threads, const ThreadStarter& start = {});
  /// Stops and joins the workers. Control thread, while run() is not running.
  ~ParallelRunner();
  ParallelRunner(const ParallelRunner&) = delete;
  ParallelRunner& operator=(const ParallelRunner&) = delete;

  unsigned threads() const noexcept { return unsigned(joins_.size()) + 1; }

  /// Runs `work` on this thread and every worker; returns when all have left it. The
  /// work must be ready to be taken before the call (its state published). Audio thread.
  void run(BlockWork& work) noexcept;

 private:
  void worker() noexcept;

  std::vector<std::function<void()>> joins_;
  alignas(64) std::atomic<std::uint32_t> epoch_{0};  // counts blocks; workers wait on it
  alignas(64) std::atomic<std::uint32_t> in_block_{0};
  alignas(64) std::atomic<std::uint32_t> sleepers_{0};
  std::atomic<BlockWork*> work_{nullptr};
  std::atomic<bool> stop_{false};
};

/// A pause for spin loops (x86 `pause`, else nothing).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace fxgraph
