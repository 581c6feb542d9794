#pragma once
// A bounded hand-off of audio chunks between threads, for file processing: a reader
// thread, the processing thread and a writer thread overlap, so file I/O and DSP use
// both cores. Not for the audio thread (it locks); the realtime path uses the
// lock-free MultichannelRingBuffer instead.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace fxgraph {

/// A closable FIFO of at most `capacity` items. close() wakes every waiter: push then
/// fails and pop drains what is left, then returns nullopt.
template <class T>
class ClosableQueue {
 public:
  explicit ClosableQueue(std::size_t capacity) : capacity_(capacity) {}

  /// Blocks while full; false when the queue was closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  /// Blocks while empty; nullopt once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace fxgraph
