#include "fxgraph/nodes/dsp/loudness_meter.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph::dsp {
namespace {

constexpr int kMode = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
                      EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM;
constexpr double kSilence = -std::numeric_limits<double>::infinity();

double decibels(double linear) {
  return linear > 0.0 ? 20.0 * std::log10(linear) : kSilence;
}

}  // namespace

struct LoudnessMeter::Ebur128 {
  ebur128_state* state = nullptr;
  ~Ebur128() { ebur128_destroy(&state); }
};

LoudnessMeter::LoudnessMeter() = default;
LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

LoudnessMeter::State LoudnessMeter::make_state() const {
  auto state = std::make_unique<Ebur128>();
  state->state = ebur128_init(channels_, static_cast<unsigned long>(sample_rate_), kMode);
  if (state->state == nullptr)
    throw ParameterError("loudness: libebur128 cannot measure " + std::to_string(channels_) +
                         " channels at " + std::to_string(sample_rate_) + " Hz");
  return state;
}

void LoudnessMeter::prepare(std::uint32_t channels, double sample_rate, std::uint32_t max_block) {
  if (channels == 0 || channels > 64 || sample_rate < 8000 || sample_rate > 2822400 ||
      sample_rate != std::floor(sample_rate))
    throw ParameterError("loudness: cannot measure " + std::to_string(channels) + " channels at " +
                         std::to_string(sample_rate) + " Hz (1 to 64 channels, a whole rate " +
                         "from 8000 Hz)");
  channels_ = channels;
  sample_rate_ = sample_rate;
  state_ = make_state();
  spares_.clear();
  for (std::size_t i = 0; i < kSpareStates; ++i) spares_.push_back(make_state());
  spare_ = 0;
  interleaved_.assign(std::size_t(std::max(1u, max_block)) * channels, 0.0f);
}

void LoudnessMeter::restart() {
  if (channels_ != 0) state_ = make_state();
}

void LoudnessMeter::add(const ConstAudioView& in, std::uint32_t frames) noexcept {
  if (!state_ || in.num_channels < channels_) return;
  const std::size_t capacity = interleaved_.size() / channels_;
  for (std::uint32_t done = 0; done < frames;) {
    const auto n = std::uint32_t(std::min<std::size_t>(frames - done, capacity));
    float* out = interleaved_.data();
    for (std::uint32_t c = 0; c < channels_; ++c) {
      const float* x = in.channels[c] + done;
      for (std::uint32_t i = 0; i < n; ++i) out[std::size_t(i) * channels_ + c] = x[i];
    }
    ebur128_add_frames_float(state_->state, out, n);
    done += n;
  }
}

void LoudnessMeter::reset() noexcept {
  if (spare_ < spares_.size()) state_.swap(spares_[spare_++]);
}

double LoudnessMeter::integrated() const noexcept {
  double value = kSilence;
  if (!state_ || ebur128_loudness_global(state_->state, &value) != EBUR128_SUCCESS) return kSilence;
  return value;
}

double LoudnessMeter::true_peak_db() const noexcept {
  double peak = 0.0;
  for (std::uint32_t c = 0; state_ && c < channels_; ++c) {
    double channel = 0.0;
    if (ebur128_true_peak(state_->state, c, &channel) == EBUR128_SUCCESS)
      peak = std::max(peak, channel);
  }
  return decibels(peak);
}

LoudnessReading LoudnessMeter::read() const noexcept {
  LoudnessReading r{kSilence, kSilence, kSilence, 0.0, kSilence};
  if (!state_) return r;
  ebur128_state* st = state_->state;
  if (ebur128_loudness_momentary(st, &r.momentary) != EBUR128_SUCCESS) r.momentary = kSilence;
  if (ebur128_loudness_shortterm(st, &r.short_term) != EBUR128_SUCCESS) r.short_term = kSilence;
  r.integrated = integrated();
  if (ebur128_loudness_range(st, &r.range) != EBUR128_SUCCESS) r.range = 0.0;
  r.true_peak_db = true_peak_db();
  return r;
}

}  // namespace fxgraph::dsp
