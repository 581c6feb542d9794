#pragma once
// reverb: an algorithmic room reverb after Jezar's public-domain Freeverb design.
//
// Structure (per channel, each channel with its own tank)
//   pre-delay → 8 parallel lowpass-feedback comb filters (summed) → 4 series all-pass
//   filters → wet. Delay lengths are Freeverb's tunings at 44.1 kHz scaled to the
//   actual rate; odd channels add the 23-sample stereo spread, so the two tanks of a
//   stereo pair decorrelate and the tail sounds wide. `width` cross-mixes the wet
//   signals of each channel pair (0, 1), (2, 3), … (1 = fully separate, 0 = mono wet).
//
// Parameters
//   room_size [0, 1] → comb feedback 0.7 … 0.98; damping [0, 1] → lowpass in the comb
//   loops (high frequencies die first); mix [0, 1] dry/wet, ramped; width [0, 1];
//   pre_delay [0, 500] ms.
//
// Speed
//   Float state and one loop over "runs" of frames in which no delay line wraps, so the
//   inner loop has no index checks and the 8 comb recursions run side by side.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/cache_line_allocator.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/engine/smoothed_value.h"

namespace fxgraph {

class ReverbNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "reverb";

  enum Param : std::size_t { kRoomSize, kDamping, kMix, kWidth, kPreDelay };
  static constexpr std::size_t kCombs = 8;
  static constexpr std::size_t kAllpasses = 4;
  static constexpr double kMaxPreDelayMs = 500.0;
  static constexpr double kRampSeconds = 0.020;

  ReverbNode();

  Tail tail() const override;
  double cost_per_sample() const override { return 3.7; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_reset() noexcept override;

 private:
  /// One channel's delay lines: offsets into memory_, lengths and read/write positions.
  struct Tank {
    std::array<float*, kCombs> comb{};
    std::array<std::uint32_t, kCombs> comb_length{};
    std::array<std::uint32_t, kCombs> comb_position{};
    std::array<float, kCombs> comb_store{};  // the lowpass state inside each comb loop
    std::array<float*, kAllpasses> allpass{};
    std::array<std::uint32_t, kAllpasses> allpass_length{};
    std::array<std::uint32_t, kAllpasses> allpass_position{};
    float* pre = nullptr;
    std::uint32_t pre_length = 0;
    std::uint32_t pre_position = 0;
  };

  void update_coefficients() noexcept;
  void run_tank(Tank& tank, const float* in, float* out, std::uint32_t frames) noexcept;
  const float* pre_delay(Tank& tank, const float* in, std::uint32_t frames,
                         std::uint32_t delay) noexcept;

  // Lines of their own (engine/cache_line_allocator.h): written every block, and a
  // reverb on another thread must not share them.
  std::vector<Tank, CacheLineAllocator<Tank>> tanks_;
  std::vector<float, CacheLineAllocator<float>> memory_;   // every delay line of every tank
  std::vector<float, CacheLineAllocator<float>> scratch_;  // pre-delayed input of one channel
  std::vector<float, CacheLineAllocator<float>> ramp_;     // per-sample mix of a ramping block
  SmoothedValue mix_;
  double sample_rate_ = 48000.0;
  float feedback_ = 0.84f;
  float damp1_ = 0.2f;
  float damp2_ = 0.8f;
};

}  // namespace fxgraph
