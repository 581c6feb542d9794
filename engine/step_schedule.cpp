#include "fxgraph/engine/step_schedule.h"

#include <algorithm>
#include <limits>

#include "fxgraph/engine/parallel_runner.h"

namespace fxgraph {

namespace {
// Pauses a thread spins on an unfinished producer between looks at whether that
// producer's lane has lost its thread (~1 µs: a hand-over between running threads is
// quicker, so a look costs little).
constexpr int kPatience = 64;
// Pauses after which a waiter takes over a lane whose thread is there but not getting on
// (~80 µs: it was preempted; far longer than any hand-over, shorter than a time slice).
constexpr int kLongPatience = 4096;

// The lane cursor's fields (LaneState): block number, arrived flag, next index.
constexpr std::uint64_t kArrived = 1u << 31;
constexpr std::uint64_t kIndexMask = kArrived - 1;
std::uint32_t epoch_of(std::uint64_t cursor) {
  return std::uint32_t(cursor >> 32);
}

/// Marks the lane's own thread as arrived in block `epoch` (nothing taken if the cursor is
/// an earlier block's: `first` is the lane's first index).
void arrive(std::atomic<std::uint64_t>& cursor, std::uint32_t epoch, std::uint32_t first) {
  std::uint64_t seen = cursor.load(std::memory_order_relaxed);
  std::uint64_t next;
  do {
    const std::uint64_t index = epoch_of(seen) == epoch ? (seen & kIndexMask) : first;
    next = (std::uint64_t(epoch) << 32) | kArrived | index;
  } while (!cursor.compare_exchange_weak(seen, next, std::memory_order_relaxed));
}

/// Whether the lane's own thread has arrived in block `epoch`.
bool arrived(const std::atomic<std::uint64_t>& cursor, std::uint32_t epoch) {
  const std::uint64_t seen = cursor.load(std::memory_order_relaxed);
  return epoch_of(seen) == epoch && (seen & kArrived) != 0;
}
}  // namespace

struct StepSchedule::Block {
  std::uint32_t epoch;
  RunStep run;
  void* context;
};

StepSchedule::StepSchedule(const std::vector<std::vector<std::uint32_t>>& successors,
                           const std::vector<double>& cost, const HandOver& hand_over,
                           unsigned threads,
                           const std::vector<std::vector<std::uint32_t>>& awaited_by_step)
    : size_(std::uint32_t(successors.size())),
      lane_of_(successors.size(), 0),
      position_of_(successors.size(), 0),
      lane_state_(std::make_unique<LaneState[]>(std::max(threads, 1u))) {
  const unsigned lanes = std::max(threads, 1u);
  std::vector<std::vector<std::uint32_t>> producers(size_);
  for (std::uint32_t s = 0; s < size_; ++s)
    for (std::uint32_t c : successors[s]) producers[c].push_back(s);
  producer_begin_.push_back(0);
  for (std::uint32_t s = 0; s < size_; ++s) {
    // Those waited for before the step runs first, then those it waits for itself.
    auto list = producers[s];
    const auto by_step = [&](std::uint32_t p) {
      if (awaited_by_step.empty()) return false;
      const auto& own = awaited_by_step[s];
      return std::find(own.begin(), own.end(), p) != own.end();
    };
    const auto before = std::stable_partition(list.begin(), list.end(),
                                              [&](std::uint32_t p) { return !by_step(p); });
    awaited_before_end_.push_back(std::uint32_t(producers_.size() + (before - list.begin())));
    producers_.insert(producers_.end(), list.begin(), list.end());
    producer_begin_.push_back(std::uint32_t(producers_.size()));
  }

  // Priority: the longest path (in cost) from a step to the end, so the steps that hold
  // up the most work go first. Of a consumer that waits for a producer itself (a sum of
  // branches, gather by gather), the path counts only the work from that producer's gather
  // on: branches are then made in the order the sum reads them, and it adds those made
  // while the last are still running. Steps are in topological order: one backward sweep.
  std::vector<double> rank(size_, 0.0);
  for (std::uint32_t s = size_; s-- > 0;) {
    double longest = 0.0;
    for (std::uint32_t c : successors[s]) {
      double before = 0.0;  // c's work before it reads s
      if (!awaited_by_step.empty()) {
        const auto& own = awaited_by_step[c];
        const auto k = std::find(own.begin(), own.end(), s) - own.begin();
        if (k < std::ssize(own)) before = cost[c] * double(k) / double(own.size());
      }
      longest = std::max(longest, rank[c] - before);
    }
    rank[s] = cost[s] + longest;
  }

  // List scheduling: of the steps whose producers are placed, take the one of highest
  // rank and put it on the lane where it finishes first (ties: the lowest lane, so the
  // audio thread's lane fills first and a chain stays there).
  const auto data = [&](std::uint32_t s) {
    return hand_over.data.empty() ? 0.0 : hand_over.data[s];
  };
  std::vector<double> lane_free(lanes, 0.0), finish(size_, 0.0);
  std::vector<std::vector<char>> fetched(size_, std::vector<char>(lanes, 0));  // output on lane
  std::vector<std::uint32_t> unplaced(size_, 0), ready;
  for (std::uint32_t s = 0; s < size_; ++s) {
    unplaced[s] = std::uint32_t(producers[s].size());
    if (unplaced[s] == 0) ready.push_back(s);
  }
  std::vector<std::vector<std::uint32_t>> lists(lanes);
  std::vector<std::uint32_t> placed;  // every step, in placing order (a topological one)
  double makespan = 0.0;
  while (!ready.empty()) {
    const auto best = std::max_element(ready.begin(), ready.end(), [&](auto a, auto b) {
      return rank[a] < rank[b] || (rank[a] == rank[b] && a > b);
    });
    const std::uint32_t s = *best;
    ready.erase(best);
    double earliest = std::numeric_limits<double>::infinity(), chosen_end = 0.0;
    unsigned chosen = 0;
    for (unsigned lane = 0; lane < lanes; ++lane) {
      double at = lane_free[lane], duration = cost[s];
      for (std::uint32_t p : producers[s]) {
        const bool crosses = lane_of_[p] != lane;
        at = std::max(at, finish[p] + (crosses ? hand_over.latency : 0.0));
        if (crosses && !fetched[p][lane]) duration += data(p);
      }
      // The audio thread collects what nobody else reads.
      const double delivered =
          at + duration + (successors[s].empty() && lane != 0 ? hand_over.latency + data(s) : 0.0);
      if (delivered < earliest) {
        earliest = delivered;
        chosen = lane;
        chosen_end = at + duration;
      }
    }
    lane_of_[s] = chosen;
    finish[s] = lane_free[chosen] = chosen_end;
    makespan = std::max(makespan, earliest);
    placed.push_back(s);
    fetched[s][chosen] = 1;
    for (std::uint32_t p : producers[s]) fetched[p][chosen] = 1;
    lists[chosen].push_back(s);
    for (std::uint32_t c : successors[s])
      if (--unplaced[c] == 0) ready.push_back(c);
  }

  // Spreading must pay for the workers' part in the block (waking up, leaving): a block
  // no shorter than on one lane by that much runs on the audio thread alone.
  double serial = 0.0;
  for (double c : cost) serial += c;
  if (makespan + hand_over.per_block >= serial) {
    for (auto& list : lists) list.clear();
    lists[0] = placed;
    std::fill(lane_of_.begin(), lane_of_.end(), 0u);
  }

  // Each lane in placing order: its simulated start times rise along it, and a consumer
  // starts after its producers finish, so all lanes follow one global order.
  unsigned used = 0;
  for (unsigned lane = 0; lane < lanes; ++lane) {
    for (std::uint32_t s : lists[lane]) {
      position_of_[s] = std::uint32_t(lane_steps_.size());
      lane_steps_.push_back(s);
    }
    lane_begin_.push_back(std::uint32_t(lane_steps_.size()));
    used += lists[lane].empty() ? 0 : 1;
  }
  parallel_ = used > 1;
  constexpr std::uint32_t kWordsPerLine = 64 / sizeof(std::uint32_t);
  done_slot_.assign(size_, 0);
  std::uint32_t slots = 0;
  for (unsigned lane = 0; lane < lanes; ++lane) {
    slots = (slots + kWordsPerLine - 1) / kWordsPerLine * kWordsPerLine;
    for (std::uint32_t i = lane_begin_[lane]; i < lane_end(lane); ++i)
      done_slot_[lane_steps_[i]] = slots++;
  }
  done_ = decltype(done_)(slots);
  read_elsewhere_.assign(size_, 0);
  reads_elsewhere_.assign(size_, 0);
  for (std::uint32_t s = 0; s < size_; ++s) {
    read_elsewhere_[s] = successors[s].empty() && lane_of_[s] != 0;
    for (std::uint32_t c : successors[s]) {
      read_elsewhere_[s] |= lane_of_[c] != lane_of_[s];
      reads_elsewhere_[c] |= lane_of_[c] != lane_of_[s];
    }
  }
}

void StepSchedule::work(unsigned participant, std::uint32_t block_number, RunStep run,
                        void* context) noexcept {
  const Block block{block_number, run, context};
  const unsigned n = lanes();
  std::uint32_t index;
  if (participant < n) {
    arrive(lane_state_[participant].cursor, block.epoch, lane_begin_[participant]);
    while (take(participant, block.epoch, lane_end(participant), index))
      run_taken(block, lane_steps_[index]);
  }
  // Lanes whose thread is not here: the audio thread must not wait for it, and a worker
  // may as well help. A lane whose thread arrived is left to it (its nodes' state is warm
  // in that core's cache); run() waits for that thread to leave.
  for (unsigned k = 1; k < n; ++k) {
    const unsigned lane = (participant + k) % n;
    while (!arrived(lane_state_[lane].cursor, block.epoch) &&
           take(lane, block.epoch, lane_end(lane), index))
      run_taken(block, lane_steps_[index]);
  }
}

void StepSchedule::run_taken(const Block& block, std::uint32_t step) noexcept {
  for (std::uint32_t i = producer_begin_[step]; i < awaited_before_end_[step]; ++i)
    await(block, producers_[i]);
  block.run(block.context, step, Waiter(*this, block));
  done_[done_slot_[step]].store(block.epoch, std::memory_order_release);
}

void StepSchedule::await(const Block& block, std::uint32_t producer) noexcept {
  const unsigned lane = lane_of_[producer];
  int waited = 0;
  while (done_[done_slot_[producer]].load(std::memory_order_acquire) != block.epoch) {
    // Its lane's thread is absent (asleep, not yet woken: looked at before any spin, since
    // waiting for it is what the audio thread must never do) or stuck: take that lane's
    // next step, if it is not past the producer.
    if (!arrived(lane_state_[lane].cursor, block.epoch) || waited >= kLongPatience)
      if (std::uint32_t index; take(lane, block.epoch, position_of_[producer] + 1, index)) {
        run_taken(block, lane_steps_[index]);
        continue;
      }
    // Its thread is running it: spin on the producer's done word, looking at the lane's
    // cursor (which that thread writes) only now and then.
    for (int spins = 0; spins < kPatience; ++spins) {
      if (done_[done_slot_[producer]].load(std::memory_order_acquire) == block.epoch) return;
      cpu_relax();
    }
    waited += kPatience;
  }
}

void StepSchedule::Waiter::await(std::uint32_t producer) const noexcept {
  schedule_->await(*block_, producer);
}

bool StepSchedule::Waiter::finished(std::uint32_t producer) const noexcept {
  return schedule_->done_[schedule_->done_slot_[producer]].load(std::memory_order_acquire) ==
         block_->epoch;
}

std::vector<std::uint32_t> StepSchedule::lane(unsigned lane) const {
  return {lane_steps_.begin() + lane_begin_[lane], lane_steps_.begin() + lane_begin_[lane + 1]};
}

bool StepSchedule::take(unsigned lane, std::uint32_t epoch, std::uint32_t limit,
                        std::uint32_t& index) noexcept {
  std::atomic<std::uint64_t>& cursor = lane_state_[lane].cursor;
  std::uint64_t seen = cursor.load(std::memory_order_relaxed);
  while (true) {
    const bool current = epoch_of(seen) == epoch;
    index = current ? std::uint32_t(seen & kIndexMask) : lane_begin_[lane];
    if (index >= std::min(limit, lane_end(lane))) return false;
    const std::uint64_t next =
        (std::uint64_t(epoch) << 32) | (current ? seen & kArrived : 0) | (index + 1);
    // Relaxed: the cursor only hands out indices; a step's inputs are ordered by the
    // producers' `done` words, not by this.
    if (cursor.compare_exchange_weak(seen, next, std::memory_order_relaxed)) return true;
  }
}

}  // namespace fxgraph
