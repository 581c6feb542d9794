#pragma once
// WorkerFifo: a single-producer single-consumer queue of variable-size messages, for
// the LV2 worker: the audio thread hands work requests to the worker thread through one,
// and the worker hands its responses back through another. Wait-free on both sides;
// push and pop never allocate (the storage is fixed at construction).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace fxgraph {

class WorkerFifo {
 public:
  /// `capacity` bytes of messages (each also takes a 4-byte header). Control thread.
  explicit WorkerFifo(std::size_t capacity) : bytes_(capacity) {}

  /// Appends a message; false (and nothing written) when it does not fit. Producer only.
  bool push(const void* data, std::uint32_t size) noexcept {
    const std::size_t write = write_.load(std::memory_order_relaxed);
    const std::size_t read = read_.load(std::memory_order_acquire);
    if (bytes_.size() - (write - read) < sizeof size + size) return false;
    copy_in(write, &size, sizeof size);
    copy_in(write + sizeof size, data, size);
    write_.store(write + sizeof size + size, std::memory_order_release);
    return true;
  }

  /// The next message's size, or 0 when there is none. Consumer only.
  std::uint32_t next_size() const noexcept {
    const std::size_t read = read_.load(std::memory_order_relaxed);
    if (write_.load(std::memory_order_acquire) == read) return 0;
    std::uint32_t size = 0;
    copy_out(read, &size, sizeof size);
    return size;
  }

  /// Copies the next message into `out` (at least next_size() bytes) and removes it.
  /// Consumer only; call after next_size() returned non-zero.
  void pop(void* out) noexcept {
    const std::size_t read = read_.load(std::memory_order_relaxed);
    std::uint32_t size = 0;
    copy_out(read, &size, sizeof size);
    copy_out(read + sizeof size, out, size);
    read_.store(read + sizeof size + size, std::memory_order_release);
  }

 private:
  void copy_in(std::size_t at, const void* data, std::size_t size) noexcept {
    const auto* from = static_cast<const std::uint8_t*>(data);
    for (std::size_t i = 0; i < size; ++i) bytes_[(at + i) % bytes_.size()] = from[i];
  }
  void copy_out(std::size_t at, void* data, std::size_t size) const noexcept {
    auto* to = static_cast<std::uint8_t*>(data);
    for (std::size_t i = 0; i < size; ++i) to[i] = bytes_[(at + i) % bytes_.size()];
  }

  std::vector<std::uint8_t> bytes_;
  std::atomic<std::size_t> write_{0};  // bytes ever written (wraps only after 2^64)
  std::atomic<std::size_t> read_{0};
};

}  // namespace fxgraph
