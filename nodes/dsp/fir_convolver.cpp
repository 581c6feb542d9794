#include "fxgraph/nodes/dsp/fir_convolver.h"

#include <fftw3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph::dsp {
namespace {

constexpr std::uint32_t kMaxChannels = 1024;
constexpr std::size_t kMaxTaps = std::size_t{1} << 20;
constexpr std::uint32_t kMinPartition = 16;
constexpr std::uint32_t kMaxPartition = 1024;
constexpr std::align_val_t kAlignment{64};  // a cache line; enough for any SIMD width

// FFTW's planner (plan creation and destruction) is not thread-safe; fftwf_execute is.
std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

void FirConvolver::AlignedFree::operator()(float* p) const noexcept {
  ::operator delete[](p, kAlignment);
}

FirConvolver::AlignedFloats FirConvolver::allocate(std::size_t count) {
  auto* p = static_cast<float*>(
      ::operator new[](std::max<std::size_t>(count, 1) * sizeof(float), kAlignment));
  std::fill(p, p + count, 0.0f);
  return AlignedFloats(p);
}

// One real forward and one inverse transform of 2P points, in place on the buffers
// they were planned for (fftwf_execute on the plan's own arrays: no alignment rules to
// meet for other arrays).
struct FirConvolver::Fft {
  AlignedFloats time;      // 2P samples
  AlignedFloats spectrum;  // P + 1 interleaved complex bins
  fftwf_plan forward = nullptr;
  fftwf_plan inverse = nullptr;

  explicit Fft(std::uint32_t size) : time(allocate(size)), spectrum(allocate(2 * (size / 2 + 1))) {
    auto* bins = reinterpret_cast<fftwf_complex*>(spectrum.get());
    std::lock_guard lock(fftw_planner_mutex());
    forward = fftwf_plan_dft_r2c_1d(static_cast<int>(size), time.get(), bins, FFTW_ESTIMATE);
    inverse = fftwf_plan_dft_c2r_1d(static_cast<int>(size), bins, time.get(), FFTW_ESTIMATE);
    if (forward == nullptr || inverse == nullptr) {
      destroy_plans();
      throw Error("FirConvolver: FFTW could not plan a " + std::to_string(size) +
                  "-point transform");
    }
  }
  ~Fft() {
    std::lock_guard lock(fftw_planner_mutex());
    destroy_plans();
  }
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;

 private:
  void destroy_plans() noexcept {
    if (forward != nullptr) fftwf_destroy_plan(forward);
    if (inverse != nullptr) fftwf_destroy_plan(inverse);
    forward = inverse = nullptr;
  }
};

FirConvolver::FirConvolver() = default;
FirConvolver::~FirConvolver() = default;
FirConvolver::FirConvolver(FirConvolver&&) noexcept = default;
FirConvolver& FirConvolver::operator=(FirConvolver&&) noexcept = default;

void FirConvolver::prepare(std::uint32_t channels, std::vector<float> taps,
                           std::uint32_t max_block) {
  if (channels == 0 || channels > kMaxChannels)
    throw ParameterError("FirConvolver channel count " + std::to_string(channels) +
                         " is out of range (1 to " + std::to_string(kMaxChannels) + ")");
  if (taps.empty() || taps.size() > kMaxTaps)
    throw ParameterError("FirConvolver tap count " + std::to_string(taps.size()) +
                         " is out of range (1 to " + std::to_string(kMaxTaps) + ")");
  for (std::size_t k = 0; k < taps.size(); ++k)
    if (!std::isfinite(taps[k]))
      throw ParameterError("FirConvolver tap " + std::to_string(k) + " is not a finite number");
  if (max_block == 0) throw ParameterError("FirConvolver max_block 0 must be at least 1");

  const auto num_taps = static_cast<std::uint32_t>(taps.size());
  std::uint32_t partition;
  if (num_taps < kFftThreshold) {
    partition = std::bit_ceil(num_taps);  // direct form only: one "partition" holds all taps
  } else {
    const auto balanced = static_cast<std::uint32_t>(std::ceil(2.0 * std::sqrt(num_taps)));
    partition = std::clamp(std::bit_ceil(balanced), kMinPartition, kMaxPartition);
  }
  const std::uint32_t head_length = std::min(num_taps, partition);
  const std::uint32_t tail_partitions = (num_taps - head_length + partition - 1) / partition;
  const std::uint32_t bins = partition + 1;

  // Build everything first, then commit: a throw leaves the convolver as it was.
  std::unique_ptr<Fft> fft;
  AlignedFloats tail_re, tail_im, delay_re, delay_im, sum_re, sum_im;
  if (tail_partitions > 0) {
    fft = std::make_unique<Fft>(2 * partition);
    const std::size_t spectra = static_cast<std::size_t>(tail_partitions) * bins;
    tail_re = allocate(spectra);
    tail_im = allocate(spectra);
    const float scale = 1.0f / static_cast<float>(2 * partition);  // FFTW is unnormalised
    for (std::uint32_t p = 0; p < tail_partitions; ++p) {
      float* time = fft->time.get();
      std::fill(time, time + 2 * partition, 0.0f);
      const std::uint32_t first = head_length + p * partition;
      const std::uint32_t count = std::min(partition, num_taps - first);
      std::copy(taps.begin() + first, taps.begin() + first + count, time);
      fftwf_execute(fft->forward);
      const float* spectrum = fft->spectrum.get();
      for (std::uint32_t k = 0; k < bins; ++k) {
        tail_re[static_cast<std::size_t>(p) * bins + k] = spectrum[2 * k] * scale;
        tail_im[static_cast<std::size_t>(p) * bins + k] = spectrum[2 * k + 1] * scale;
      }
    }
    delay_re = allocate(spectra * channels);
    delay_im = allocate(spectra * channels);
    sum_re = allocate(bins);
    sum_im = allocate(bins);
  }
  AlignedFloats history = allocate(static_cast<std::size_t>(channels) * 2 * partition);
  AlignedFloats tail_out = allocate(static_cast<std::size_t>(channels) * partition);
  AlignedFloats acc = allocate(partition);

  channels_ = channels;
  num_taps_ = num_taps;
  partition_ = partition;
  head_length_ = head_length;
  tail_partitions_ = tail_partitions;
  bins_ = bins;
  head_.assign(taps.begin(), taps.begin() + head_length);
  history_ = std::move(history);
  tail_out_ = std::move(tail_out);
  tail_re_ = std::move(tail_re);
  tail_im_ = std::move(tail_im);
  delay_re_ = std::move(delay_re);
  delay_im_ = std::move(delay_im);
  acc_ = std::move(acc);
  sum_re_ = std::move(sum_re);
  sum_im_ = std::move(sum_im);
  fft_ = std::move(fft);
  fill_ = 0;
  delay_head_ = 0;
}

void FirConvolver::reset() noexcept {
  if (channels_ == 0) return;
  std::fill(history_.get(), history_.get() + static_cast<std::size_t>(channels_) * 2 * partition_,
            0.0f);
  std::fill(tail_out_.get(), tail_out_.get() + static_cast<std::size_t>(channels_) * partition_,
            0.0f);
  if (tail_partitions_ > 0) {
    const std::size_t size = static_cast<std::size_t>(channels_) * tail_partitions_ * bins_;
    std::fill(delay_re_.get(), delay_re_.get() + size, 0.0f);
    std::fill(delay_im_.get(), delay_im_.get() + size, 0.0f);
  }
  fill_ = 0;
  delay_head_ = 0;
}

// A partition of channel c's input is complete (history = [previous | current]):
// transform it into delay-line slot `newest` and compute the tail's output for the next P
// samples, sum over partitions p of spectrum(input p partitions ago) x tail spectrum p.
void FirConvolver::run_tail(std::uint32_t c, std::uint32_t newest) noexcept {
  const std::uint32_t P = partition_;
  const std::uint32_t bins = bins_;
  const std::size_t spectra = static_cast<std::size_t>(tail_partitions_) * bins;
  float* time = fft_->time.get();
  float* spectrum = fft_->spectrum.get();

  std::memcpy(time, history_.get() + static_cast<std::size_t>(c) * 2 * P, 2 * P * sizeof(float));
  fftwf_execute(fft_->forward);
  float* delay_re = delay_re_.get() + c * spectra;
  float* delay_im = delay_im_.get() + c * spectra;
  {
    float* __restrict re = delay_re + static_cast<std::size_t>(newest) * bins;
    float* __restrict im = delay_im + static_cast<std::size_t>(newest) * bins;
    for (std::uint32_t k = 0; k < bins; ++k) {
      re[k] = spectrum[2 * k];
      im[k] = spectrum[2 * k + 1];
    }
  }

  float* __restrict sum_re = sum_re_.get();
  float* __restrict sum_im = sum_im_.get();
  std::fill(sum_re, sum_re + bins, 0.0f);
  std::fill(sum_im, sum_im + bins, 0.0f);
  for (std::uint32_t p = 0; p < tail_partitions_; ++p) {
    const std::uint32_t slot = (newest + tail_partitions_ - p) % tail_partitions_;
    const float* __restrict xr = delay_re + static_cast<std::size_t>(slot) * bins;
    const float* __restrict xi = delay_im + static_cast<std::size_t>(slot) * bins;
    const float* __restrict hr = tail_re_.get() + static_cast<std::size_t>(p) * bins;
    const float* __restrict hi = tail_im_.get() + static_cast<std::size_t>(p) * bins;
    for (std::uint32_t k = 0; k < bins; ++k) {
      sum_re[k] += xr[k] * hr[k] - xi[k] * hi[k];
      sum_im[k] += xr[k] * hi[k] + xi[k] * hr[k];
    }
  }
  for (std::uint32_t k = 0; k < bins; ++k) {
    spectrum[2 * k] = sum_re[k];
    spectrum[2 * k + 1] = sum_im[k];
  }
  fftwf_execute(fft_->inverse);
  // Overlap-save: the last P points of the circular convolution are the linear one.
  std::memcpy(tail_out_.get() + static_cast<std::size_t>(c) * P, time + P, P * sizeof(float));
}

void FirConvolver::process(const ConstAudioView& in, const AudioView& out) noexcept {
  const std::uint32_t frames = std::min(in.num_frames, out.num_frames);
  if (frames == 0 || channels_ == 0 || in.num_channels < channels_ || out.num_channels < channels_)
    return;
  const std::uint32_t channels = channels_;
  const std::uint32_t P = partition_;

  // Every channel walks the same partition boundaries; the shared position advances
  // once, after the last channel.
  const std::uint32_t start_fill = fill_;
  const std::uint32_t start_head = delay_head_;
  std::uint32_t fill = start_fill;
  std::uint32_t head = start_head;
  for (std::uint32_t c = 0; c < channels; ++c) {
    fill = start_fill;
    head = start_head;
    const float* x = in.channels[c];
    float* y = out.channels[c];
    float* history = history_.get() + static_cast<std::size_t>(c) * 2 * P;
    const float* tail = tail_out_.get() + static_cast<std::size_t>(c) * P;
    std::uint32_t done = 0;
    while (done < frames) {
      const std::uint32_t n = std::min(P - fill, frames - done);
      float* __restrict current = history + P + fill;
      // Read the input before writing any output: in and out may be the same memory.
      std::memcpy(current, x + done, n * sizeof(float));

      float* __restrict acc = acc_.get();
      if (tail_partitions_ > 0)
        std::memcpy(acc, tail + fill, n * sizeof(float));
      else
        std::fill(acc, acc + n, 0.0f);
      // Head, direct form: acc[i] += h[j] x[i - j]. Taps outer, samples inner: the inner
      // loop is a vectorisable multiply-add over contiguous samples, and each output
      // adds its products in tap order whatever the block size (exact streaming).
      for (std::uint32_t j = 0; j < head_length_; ++j) {
        const float h = head_[j];
        const float* __restrict src = current - j;
        for (std::uint32_t i = 0; i < n; ++i) acc[i] += h * src[i];
      }
      std::memcpy(y + done, acc, n * sizeof(float));

      fill += n;
      done += n;
      if (fill == P) {
        if (tail_partitions_ > 0) {
          run_tail(c, head);
          head = (head + 1) % tail_partitions_;
        }
        std::memcpy(history, history + P, P * sizeof(float));
        fill = 0;
      }
    }
  }
  fill_ = fill;
  delay_head_ = head;
}

}  // namespace fxgraph::dsp
