#pragma once
// StepSchedule: which steps of a plan may run once which others have run, and the
// lock-free bookkeeping that lets several threads run one block's steps in a valid order.
//
// Each step counts the steps it waits for (its producers); a finished step counts its
// consumers down and queues those that reach zero. The queue is an array with one slot
// per step (each step is queued once per block): a push reserves the next slot, a pop
// claims the oldest filled one with a compare-and-swap. No locks, no allocation after
// construction; begin_block() resets everything in O(steps).
//
// Memory order: a producer's buffers are written before its release decrement of the
// consumer's count; whoever takes the consumer acquired that count (through the slot),
// so it reads finished buffers. The last step's release on `remaining` lets the audio
// thread read every output once remaining() is 0.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace fxgraph {

class StepSchedule {
 public:
  StepSchedule() = default;
  /// `successors[s]`: the steps that read what step s writes (no duplicates).
  explicit StepSchedule(const std::vector<std::vector<std::uint32_t>>& successors);

  std::uint32_t size() const noexcept { return size_; }
  /// Whether some steps may run at the same time (false for a chain: each step waits
  /// for the one before).
  bool has_parallelism() const noexcept { return parallel_; }

  /// Resets the counts and queues the steps that wait for nothing. One thread, before
  /// the block is handed to the others.
  void begin_block() noexcept;
  /// Takes a ready step; false when none is ready now. Any participant.
  bool pop(std::uint32_t& step) noexcept;
  /// Marks `step` done: queues the consumers it was the last producer of. Any participant.
  void finish(std::uint32_t step) noexcept;
  /// Steps of this block not finished yet (acquire).
  std::uint32_t remaining() const noexcept { return remaining_.load(std::memory_order_acquire); }

 private:
  void push(std::uint32_t step) noexcept;

  std::uint32_t size_ = 0;
  bool parallel_ = false;
  std::vector<std::uint32_t> successor_begin_;  // size_ + 1, into successors_
  std::vector<std::uint32_t> successors_;
  std::vector<std::uint32_t> producers_;  // per step: how many steps it waits for
  std::unique_ptr<std::atomic<std::uint32_t>[]> pending_;
  std::unique_ptr<std::atomic<std::uint32_t>[]> slots_;  // step + 1; 0 while not yet written
  alignas(64) std::atomic<std::uint32_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};
  alignas(64) std::atomic<std::uint32_t> remaining_{0};
};

}  // namespace fxgraph
