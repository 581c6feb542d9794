#pragma once
// NullBackend: a backend without a device. A clock thread calls the ProcessFn once
// per period with silent input and discards the output, for embedding the engine
// where no audio device exists (servers, CI) and for tests.
//
// The clock thread is this backend's audio thread. In `realtime` mode it keeps the
// configured pace (buffer_size / sample_rate seconds per period, scheduled on
// steady_clock against the start time, so it does not drift); a period that starts
// more than one period late counts as an xrun and the clock resynchronises instead
// of bursting to catch up. In `as_fast_as_possible` mode it never sleeps.
//
// The sample rate and period are the config's; nothing can shut down. The rate changes
// only when change_sample_rate() simulates a device switching (the only hook called).

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/audio_view.h"

namespace fxgraph {

/// How the NullBackend's clock runs.
enum class NullClock {
  realtime,            ///< one period every buffer_size / sample_rate seconds
  as_fast_as_possible  ///< back to back, no sleeping (tests, offline runs)
};

struct NullOptions {
  NullClock clock = NullClock::realtime;
};

class NullBackend final : public AudioBackend {
 public:
  explicit NullBackend(NullOptions options = {});
  ~NullBackend() override;  // close()

  std::string name() const override { return "null"; }
  bool is_available() const override { return true; }
  std::vector<std::string> devices() const override { return {"null"}; }

  double sample_rate() const noexcept override { return sample_rate_.load(); }
  std::uint32_t buffer_size() const noexcept override { return buffer_size_.load(); }
  std::uint64_t xruns() const noexcept override { return xruns_.load(); }

  /// ProcessFn calls since open(). Any thread.
  std::uint64_t periods() const noexcept { return periods_.load(); }

  /// Simulates the device switching to `hz` while open, the way JACK reports it: the
  /// sample_rate_changed hook runs on the calling thread, concurrently with the clock
  /// thread. (The clock keeps its pace; only the reported rate changes.) For tests and
  /// embedders that drive rate changes themselves.
  void change_sample_rate(double hz) {
    sample_rate_.store(hz);
    notify_sample_rate_changed(hz);
  }

  /// The output buffer as the ProcessFn last left it (zeroed at open()), for tests.
  /// Control thread, only while not running (the clock thread writes it).
  const AudioBuffer& last_output() const noexcept { return output_; }

 protected:
  void do_open(const StreamConfig& config, ProcessFn process, void* user) override;
  void do_start() override;
  void do_stop() noexcept override;
  void do_close() noexcept override;

 private:
  void run() noexcept;  // the clock thread (audio thread)

  NullOptions options_;
  ProcessFn process_ = nullptr;
  void* user_ = nullptr;
  AudioBuffer input_;   // silent, never written
  AudioBuffer output_;  // written by the ProcessFn, then ignored
  std::thread clock_;
  std::atomic<bool> keep_running_{false};
  std::atomic<double> sample_rate_{0.0};
  std::atomic<std::uint32_t> buffer_size_{0};
  std::atomic<std::uint64_t> xruns_{0};
  std::atomic<std::uint64_t> periods_{0};
};

}  // namespace fxgraph
