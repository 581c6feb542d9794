#pragma once
// StepSchedule: which thread runs which steps of a plan, and the lock-free bookkeeping
// that lets several threads run one block's steps in a valid order.
//
// Aims
//   Hand a step from one thread to another for the price of a cache-line transfer or two,
//   not a shared queue: a step's work is often a microsecond, and every write to a line
//   that all threads touch costs ~0.1 µs per thread that reads it. So the work is split
//   once, at compile time, and in a block each thread mostly touches lines of its own.
//
// Static lanes (compile time)
//   The steps are partitioned into one lane per thread (lane 0 is the audio thread's) by
//   list scheduling: steps in order of their longest path to the end, each placed on the
//   lane where it would finish first. Crossing lanes costs twice (HandOver): the consumer
//   starts a `latency` after its producer finished (a cache line from core to core), and
//   runs longer by its producer's `data` term, once per lane (the output's cache lines
//   follow on demand). A step nobody reads hands its output to the audio thread, so it pays
//   the same when it is not on lane 0. Costs are estimates (the compiler's: nodes ×
//   channels × frames, plus gathers and a hand-over measured on the project VM), since
//   nodes do not report their cost; the lanes need not balance exactly, because idle
//   threads help (below). Small blocks make hand-overs dear next to the steps, so a graph
//   whose branches are short may end up on one lane: it then runs on one thread, which is
//   the faster way for it; so does one whose simulated block is not shorter than on one
//   lane by the workers' fixed cost per block (HandOver::per_block).
//   Within a lane steps keep the order of their simulated start times, which is also a
//   topological order of the whole plan. A chain lands on one lane: has_parallelism() is
//   false and the engine starts no worker for it.
//
// One block (audio thread and workers)
//   - Each lane has a cursor; a thread takes the next step of a lane by advancing it
//     (compare-and-swap on the lane's own cache line, so uncontended while a thread works
//     its own lane). A step is taken exactly once per block.
//   - Before running a step, its taker waits until each producer's `done` word holds the
//     block's number; after running it stores that number (release; the reader's acquire
//     makes the producer's buffers visible). Producers on the same lane were finished by
//     this thread already, so only hand-overs between lanes wait, each on the line of
//     `done` words of the producer's lane (written by that lane's thread only). Producers
//     a step only sums from (`awaited_by_step`) are waited for by the step itself, one by
//     one as it reaches them (Waiter), so a sum of many branches adds those already made
//     while the last are still running.
//   - Lanes whose thread has not arrived in the block (asleep, not yet woken) are taken
//     over: the waiter takes their steps up to the producer it needs, and the audio thread
//     takes the rest. Lanes whose thread is there stay its own (a step's state stays in one
//     core's cache: moving a reverb costs about what running it does), unless a waiter has
//     spun ~80 µs (its thread is preempted). So no thread ever waits for a late worker.
//   - The words carry the block number instead of being reset: begin_block() is one
//     increment, with nothing to clear per step.
//
// Why it cannot deadlock
//   Every thread waits only for a producer of the step it holds (before running it, or
//   through its Waiter while running it), and producers come earlier in the global order
//   the lanes follow. A thread takes a step of another lane only up to the producer it
//   waits for (never past it), so what it takes comes earlier still; and a taken step's
//   taker is running it or waiting for an even earlier one.
//   Following the waits from any thread therefore reaches ever earlier steps, and the
//   earliest unfinished step waits for nobody.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "fxgraph/engine/cache_line_allocator.h"

namespace fxgraph {

class StepSchedule {
  struct Block;  // one participant's view of the block being run (step_schedule.cpp)

 public:
  /// Given to a step while it runs: waits for the producers the step waits for itself
  /// (`awaited_by_step` in the constructor), when it is about to read their output.
  class Waiter {
   public:
    /// Returns once `producer` finished in this block (helping its lane if that lane's
    /// thread is absent). `producer` must be one the step waits for itself; a step may wait
    /// for them in any order.
    void await(std::uint32_t producer) const noexcept;
    /// Whether `producer` finished in this block; never waits.
    bool finished(std::uint32_t producer) const noexcept;

   private:
    friend class StepSchedule;
    Waiter(StepSchedule& schedule, const Block& block) : schedule_(&schedule), block_(&block) {}
    StepSchedule* schedule_;
    const Block* block_;
  };

  /// Runs one step; `context` is what was given to work(). Must not throw.
  using RunStep = void (*)(void* context, std::uint32_t step, Waiter waiter) noexcept;

  /// What a consumer on another lane than its producer costs, in the unit of the steps'
  /// costs.
  struct HandOver {
    /// How much later than its producer's end the consumer can start.
    double latency = 0.0;
    /// Per step (or empty: none): what reading its output from another core adds to the
    /// first consumer on each other lane.
    std::vector<double> data = {};
    /// What a block run on more than one lane costs beyond its steps (the workers'
    /// wake-up and leave): a partition that does not gain more runs on one lane.
    double per_block = 0.0;
  };

  StepSchedule() = default;
  /// `successors[s]`: the steps that read what step s writes (no duplicates); steps are in
  /// a topological order. `cost[s]`: step s's estimated work (any unit, > 0).
  /// `threads`: how many threads will run the blocks (one lane each).
  /// `awaited_by_step[s]` (empty, or one list per step): producers of s that s waits for
  /// itself, through its Waiter, just before it reads them, in the order it reads them (a
  /// sum of many inputs adds those that are ready while the others are still being made);
  /// s waits for its other producers before it starts. Control thread.
  StepSchedule(const std::vector<std::vector<std::uint32_t>>& successors,
               const std::vector<double>& cost, const HandOver& hand_over, unsigned threads,
               const std::vector<std::vector<std::uint32_t>>& awaited_by_step = {});
  /// The same with a hand-over of `hand_over_latency` and no data term.
  StepSchedule(const std::vector<std::vector<std::uint32_t>>& successors,
               const std::vector<double>& cost, double hand_over_latency, unsigned threads)
      : StepSchedule(successors, cost, HandOver{.latency = hand_over_latency}, threads) {}

  std::uint32_t size() const noexcept { return size_; }
  /// Whether more than one lane has steps (false for a chain: each step waits for the one
  /// before, so the partition keeps them together).
  bool has_parallelism() const noexcept { return parallel_; }
  /// Lanes (one per thread given to the constructor).
  unsigned lanes() const noexcept { return unsigned(lane_begin_.size()) - 1; }
  /// The steps of `lane` in the order its thread runs them. Control thread (describe, tests).
  std::vector<std::uint32_t> lane(unsigned lane) const;
  /// Whether what `step` writes is read on another lane than its own (a consumer there, or
  /// the audio thread collecting a sink's output from a worker's lane). Such a step should
  /// claim its output's cache lines for writing before it runs (engine/prefetch.h): the
  /// reader's core still holds them from the block before, and taking them one store at a
  /// time stalls the writer. False on one lane. Any thread.
  bool read_on_other_lane(std::uint32_t step) const noexcept {
    return parallel_ && read_elsewhere_[step] != 0;
  }
  /// Whether `step` reads what a step on another lane wrote. Such a step should ask for
  /// the first lines of those inputs at once (engine/prefetch.h): the hardware prefetcher
  /// only follows a buffer after a few misses, each a core-to-core transfer. Any thread.
  bool reads_other_lane(std::uint32_t step) const noexcept {
    return parallel_ && reads_elsewhere_[step] != 0;
  }

  /// Starts a block and returns its number, for work(). One thread, before the block is
  /// handed to the others (the hand-over publishes the number with the block). The caller
  /// passes the number on, rather than work() reading it here, so that it travels in a
  /// cache line the workers fetch anyway.
  std::uint32_t begin_block() noexcept { return ++block_count_; }

  /// Runs steps of block `block` (begin_block's number) as participant `participant` (0:
  /// the audio thread, which owns lane 0; worker i owns lane i), calling `run(context,
  /// step, waiter)` for each: its own lane first, then whatever is left of the others.
  /// Returns when every step is taken; steps taken by other threads may still be running.
  /// Any participant, concurrently.
  void work(unsigned participant, std::uint32_t block, RunStep run, void* context) noexcept;

 private:
  struct alignas(64) LaneState {
    // Block number (high 32 bits), "its thread has arrived" (bit 31), the next index into
    // lane_steps_ (low 31 bits); a cursor of an earlier block reads as "nothing taken yet".
    std::atomic<std::uint64_t> cursor{0};
  };
  std::uint32_t lane_end(unsigned lane) const noexcept { return lane_begin_[lane + 1]; }
  /// Takes the next step of `lane` if its index into lane_steps_ is below `limit`.
  bool take(unsigned lane, std::uint32_t epoch, std::uint32_t limit, std::uint32_t& index) noexcept;
  /// Waits for the producers of a taken step, runs it and marks it done.
  void run_taken(const Block& block, std::uint32_t step) noexcept;
  /// Waits until `producer` is done, helping its lane when that lane is late.
  void await(const Block& block, std::uint32_t producer) noexcept;

  std::uint32_t size_ = 0;
  bool parallel_ = false;
  std::vector<std::uint32_t> producer_begin_;  // size_ + 1, into producers_
  // Per step, into producers_: its producers from producer_begin_[s] to here are waited
  // for before it runs, the rest by the step itself (Waiter).
  std::vector<std::uint32_t> awaited_before_end_;
  std::vector<std::uint32_t> producers_;
  std::vector<std::uint32_t> lane_begin_{0};  // lanes + 1, into lane_steps_
  std::vector<std::uint32_t> lane_steps_;
  std::vector<std::uint32_t> lane_of_;      // per step
  std::vector<std::uint32_t> position_of_;  // per step: its index into lane_steps_
  std::vector<char> read_elsewhere_;        // per step: read_on_other_lane()
  std::vector<char> reads_elsewhere_;       // per step: reads_other_lane()
  // Per step, the number of the last block that finished it, at done_slot_[step]. A lane's
  // words lie in its own cache lines, in lane order: a thread that waits for several steps
  // of another lane (a sum of its branches) fetches their line once, finding those
  // finished by then, instead of paying a core-to-core transfer (~0.3 µs on the project
  // VM) per step; and no two lanes' threads write one line.
  std::vector<std::atomic<std::uint32_t>, CacheLineAllocator<std::atomic<std::uint32_t>>> done_;
  std::vector<std::uint32_t> done_slot_;
  std::unique_ptr<LaneState[]> lane_state_;
  std::uint32_t block_count_ = 0;  ///< begin_block's; that thread's only
};

}  // namespace fxgraph
