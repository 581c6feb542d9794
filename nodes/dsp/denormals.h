#pragma once
// ScopedFlushDenormals: flushes denormal numbers to zero on this thread for the
// lifetime of the guard, then restores the previous floating-point mode.
//
// Why: a recursive filter fed silence decays its state exponentially, and after a few
// thousand samples (a few seconds for a narrow low-frequency section) the state
// reaches the denormal range, where x86 arithmetic is 10-100x slower. A DSP graph
// that goes quiet would then suddenly cost more CPU than one playing audio.
//
// Why a mode switch and not the classic tiny DC offset added to the input: the mode
// switch costs two instructions per process() call instead of an add per sample per
// section, it leaves the signal untouched (the DC trick changes the output, and a
// highpass can remove the offset and denormalise anyway), and it protects double state
// as well as float. The guard restores the caller's mode, so code outside process()
// that relies on gradual underflow is not affected.
//
// x86-64: MXCSR bits FTZ (flush results to zero, bit 15) and DAZ (treat denormal inputs
// as zero, bit 6), which govern all SSE/AVX arithmetic, float and double.
// AArch64: FPCR bit FZ (24). Elsewhere the guard does nothing.
//
// Audio thread: yes (noexcept, no allocation).

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64) || defined(__SSE2__)
#include <xmmintrin.h>
#define FXGRAPH_DENORMALS_MXCSR 1
#elif defined(__aarch64__)
#define FXGRAPH_DENORMALS_FPCR 1
#endif

namespace fxgraph::dsp {

class ScopedFlushDenormals {
 public:
  ScopedFlushDenormals() noexcept {
#if defined(FXGRAPH_DENORMALS_MXCSR)
    saved_ = _mm_getcsr();
    _mm_setcsr(static_cast<unsigned>(saved_ | kFlushToZero | kDenormalsAreZero));
#elif defined(FXGRAPH_DENORMALS_FPCR)
    std::uint64_t fpcr;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr));
    saved_ = fpcr;
    asm volatile("msr fpcr, %0" : : "r"(fpcr | kFlushToZeroAarch64));
#endif
  }

  ~ScopedFlushDenormals() noexcept {
#if defined(FXGRAPH_DENORMALS_MXCSR)
    _mm_setcsr(static_cast<unsigned>(saved_));
#elif defined(FXGRAPH_DENORMALS_FPCR)
    asm volatile("msr fpcr, %0" : : "r"(saved_));
#endif
  }

  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
  static constexpr std::uint64_t kFlushToZero = 0x8000;
  static constexpr std::uint64_t kDenormalsAreZero = 0x0040;
  static constexpr std::uint64_t kFlushToZeroAarch64 = std::uint64_t{1} << 24;
  std::uint64_t saved_ = 0;
};

}  // namespace fxgraph::dsp
