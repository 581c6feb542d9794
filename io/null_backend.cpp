#include "fxgraph/io/null_backend.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

NullBackend::NullBackend(NullOptions options) : options_(options) {}

NullBackend::~NullBackend() {
  close();
}

void NullBackend::do_open(const StreamConfig& config, ProcessFn process, void* user) {
  process_ = process;
  user_ = user;
  input_.resize(config.channels_in, config.buffer_size);  // resize() zeroes
  output_.resize(config.channels_out, config.buffer_size);
  sample_rate_.store(config.sample_rate);
  buffer_size_.store(config.buffer_size);
  xruns_.store(0);
  periods_.store(0);
}

void NullBackend::do_start() {
  keep_running_.store(true);
  try {
    clock_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    keep_running_.store(false);
    throw StreamError(std::string("NullBackend: cannot start the clock thread: ") + e.what());
  }
}

void NullBackend::do_stop() noexcept {
  keep_running_.store(false);
  if (clock_.joinable()) clock_.join();
}

void NullBackend::do_close() noexcept {
  do_stop();
  process_ = nullptr;
  user_ = nullptr;
}

void NullBackend::run() noexcept {
  using clock = std::chrono::steady_clock;
  const std::uint32_t frames = buffer_size_.load();
  const double seconds_per_period = static_cast<double>(frames) / sample_rate_.load();
  const AudioView in = input_.view(frames);
  const AudioView out = output_.view(frames);
  // Period k is due at start + k * period, computed from k so rounding never drifts.
  const auto due = [seconds_per_period](clock::time_point start, std::uint64_t k) {
    return start + std::chrono::duration_cast<clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(k) * seconds_per_period));
  };
  const auto period = due(clock::time_point{}, 1) - clock::time_point{};
  // Sleep in short slices so stop() returns promptly even with one-second periods.
  constexpr auto slice = std::chrono::milliseconds(5);

  clock::time_point start = clock::now();
  std::uint64_t k = 0;
  while (keep_running_.load(std::memory_order_acquire)) {
    process_(user_, in, out);
    periods_.fetch_add(1, std::memory_order_relaxed);
    if (options_.clock == NullClock::as_fast_as_possible) continue;

    ++k;
    clock::time_point next = due(start, k);
    clock::time_point now = clock::now();
    if (now > next + period) {  // more than a period late: a device would have dropped it
      xruns_.fetch_add(1, std::memory_order_relaxed);
      start = now;
      k = 0;
      continue;
    }
    while (now < next && keep_running_.load(std::memory_order_acquire)) {
      std::this_thread::sleep_until(std::min(next, now + slice));
      now = clock::now();
    }
  }
}

}  // namespace fxgraph
