#include "fxgraph/engine/step_schedule.h"

#include <algorithm>

#include "fxgraph/engine/parallel_runner.h"

namespace fxgraph {

StepSchedule::StepSchedule(const std::vector<std::vector<std::uint32_t>>& successors)
    : size_(std::uint32_t(successors.size())),
      producers_(successors.size(), 0),
      pending_(std::make_unique<std::atomic<std::uint32_t>[]>(successors.size())),
      slots_(std::make_unique<std::atomic<std::uint32_t>[]>(successors.size())) {
  successor_begin_.push_back(0);
  for (const auto& list : successors) {
    for (std::uint32_t s : list) {
      successors_.push_back(s);
      ++producers_[s];
    }
    successor_begin_.push_back(std::uint32_t(successors_.size()));
  }
  // A chain: the longest path through the steps visits every one of them. Steps are
  // in a topological order (producers first), so one sweep finds each step's depth.
  std::vector<std::uint32_t> depth(size_, 1);
  std::uint32_t longest = size_ == 0 ? 0 : 1;
  for (std::uint32_t s = 0; s < size_; ++s)
    for (std::uint32_t i = successor_begin_[s]; i < successor_begin_[s + 1]; ++i) {
      depth[successors_[i]] = std::max(depth[successors_[i]], depth[s] + 1);
      longest = std::max(longest, depth[successors_[i]]);
    }
  parallel_ = longest < size_;
}

void StepSchedule::begin_block() noexcept {
  for (std::uint32_t s = 0; s < size_; ++s) {
    pending_[s].store(producers_[s], std::memory_order_relaxed);
    slots_[s].store(0, std::memory_order_relaxed);
  }
  head_.store(0, std::memory_order_relaxed);
  tail_.store(0, std::memory_order_relaxed);
  for (std::uint32_t s = 0; s < size_; ++s)
    if (producers_[s] == 0) push(s);
  remaining_.store(size_, std::memory_order_release);
}

void StepSchedule::push(std::uint32_t step) noexcept {
  const std::uint32_t slot = tail_.fetch_add(1, std::memory_order_acq_rel);
  slots_[slot].store(step + 1, std::memory_order_release);
}

bool StepSchedule::pop(std::uint32_t& step) noexcept {
  std::uint32_t head = head_.load(std::memory_order_acquire);
  do {
    if (head >= tail_.load(std::memory_order_acquire)) return false;
  } while (!head_.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel));
  // The pusher reserved the slot before writing it: wait the few cycles in between.
  std::uint32_t value;
  while ((value = slots_[head].load(std::memory_order_acquire)) == 0) cpu_relax();
  step = value - 1;
  return true;
}

void StepSchedule::finish(std::uint32_t step) noexcept {
  for (std::uint32_t i = successor_begin_[step]; i < successor_begin_[step + 1]; ++i)
    if (pending_[successors_[i]].fetch_sub(1, std::memory_order_acq_rel) == 1) push(successors_[i]);
  remaining_.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace fxgraph
