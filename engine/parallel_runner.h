#pragma once
// ParallelRunner: worker threads that help the audio thread through one block.
//
// Aims
//   A block's work (BlockWork: a plan whose steps are split into lanes, one per thread;
//   engine/step_schedule.h) is run by the audio thread (participant 0) and `threads - 1`
//   workers (participants 1 …) together; run() returns once every participant has left
//   the block, so nothing of it outlives the call. The audio thread never waits for a
//   worker to arrive: a worker that is late finds its lane taken over and leaves.
//
// Cost per block, steady state
//   The audio thread bumps the block counter (one store), the workers see it (one cache
//   miss each), announce themselves (one atomic add each) and leave (another); the audio
//   thread reads the count once more. Nothing else is shared between threads but the
//   lanes' hand-overs (StepSchedule). No syscall while workers spin.
//
// Wait strategy (between blocks only)
//   A worker that finds no new block spins, then sleeps on a futex (FUTEX_WAIT on the
//   block counter); run() makes the wake-up syscall only when a worker sleeps. The spin is
//   a fixed 2048 `pause`s (~45 µs on the project VM; no clock: reading it is a syscall on
//   some VMs), so back-to-back blocks (offline rendering, a busy period) find the worker
//   awake, while live periods far longer than a block's work (1.3 ms at 64 frames) cost a
//   short spin and a sleep rather than a core. Not adaptive: a budget that halved after each
//   sleep never grew back once it fell below the gap between blocks, and a worker woken by
//   a futex on this VM arrives ~30 µs late (measured: bench/README.md). The bound stays
//   below the ~3000 consecutive pauses after which a KVM guest's vCPU is descheduled
//   (pause-loop exiting), which would make spinning slower than sleeping. Inside a block
//   nobody sleeps, locks or allocates.
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
  /// Runs pieces of the block until none is left to take. `participant`: 0 for the
  /// audio thread, 1 … threads - 1 for the workers. noexcept; called by several threads
  /// at once.
  virtual void work(unsigned participant) noexcept = 0;
};

/// Starts `body` on a new thread and returns a function that joins it. The default
/// uses std::thread; a backend may give its own (JACK's realtime threads).
using ThreadStarter = std::function<std::function<void()>(std::function<void()> body)>;

class ParallelRunner {
 public:
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
  void worker(unsigned participant) noexcept;
  /// Waits until the block counter differs from `seen`; returns its new value.
  std::uint32_t wait_for_block(std::uint32_t seen) noexcept;

  std::vector<std::function<void()>> joins_;
  // The audio thread writes this line once per block (work, then counter); workers read it.
  struct alignas(64) {
    std::atomic<BlockWork*> work{nullptr};
    std::atomic<std::uint32_t> epoch{0};  // counts blocks; workers wait on it
    std::atomic<bool> stop{false};
  } block_;
  alignas(64) std::atomic<std::uint32_t> in_block_{0};
  alignas(64) std::atomic<std::uint32_t> sleepers_{0};
};

/// A pause for spin loops (x86 `pause`, else nothing).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace fxgraph
