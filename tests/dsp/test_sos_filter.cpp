// SosFilter: streaming is exact, coefficient changes keep the state, channels are
// independent, the audio-thread calls never allocate, and extreme designs stay bounded.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/audio_view.h"
#include "fxgraph/nodes/dsp/denormals.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/sos_filter.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using namespace fxgraph::dsp;
using namespace fxgraph::test::dsp;

namespace {

SosFilter make_filter(std::uint32_t channels, const std::vector<Biquad>& sections) {
  SosFilter filter;
  filter.prepare(channels, 16);
  REQUIRE(filter.set_sections(sections.data(), static_cast<std::uint32_t>(sections.size())));
  return filter;
}

}  // namespace

TEST_CASE("sos filter output does not depend on the block sizes (bit-exact)", "[dsp][sos]") {
  // 4 sections run in one pass; 5 and 8 in two passes through the chunked scratch.
  const std::vector<std::vector<Biquad>> designs = {
      elliptic(FilterKind::lowpass, 8, 0.5, 70.0, 2500.0, 48000.0),
      cheby1(FilterKind::highpass, 10, 1.0, 700.0, 44100.0),
      butterworth(FilterKind::lowpass, 16, 5000.0, 96000.0)};
  for (const auto& sections : designs) {
    // 1, 2, 3 and 8 channels use lane groups of 1, 2, 2+1 and the widest the CPU
    // offers; 11 and 6 mix group widths.
    for (std::uint32_t channels : {1u, 2u, 3u, 6u, 8u, 11u}) {
      INFO(channels << " channels, " << sections.size() << " sections");
      const std::uint32_t frames = 20000;
      const AudioBuffer input = noise(channels, frames, 7 + channels);

      AudioBuffer whole = input;
      SosFilter one_block = make_filter(channels, sections);
      one_block.process(whole.view(), whole.view());

      AudioBuffer pieces = input;
      SosFilter streaming = make_filter(channels, sections);
      in_random_blocks(pieces, channels, 4096,
                       [&](const AudioView& block) { streaming.process(block, block); });
      CHECK(identical(whole, pieces));
    }
  }
}

TEST_CASE("sos filter in place equals out of place", "[dsp][sos]") {
  const auto sections = butterworth(FilterKind::highpass, 5, 300.0, 44100.0);
  const AudioBuffer input = noise(3, 5000, 3);
  AudioBuffer in_place = input;
  make_filter(3, sections).process(in_place.view(), in_place.view());
  AudioBuffer source = input;
  AudioBuffer destination(3, 5000);
  make_filter(3, sections).process(source.view(), destination.view());
  CHECK(identical(in_place, destination));
  CHECK(identical(source, input));  // the input is not modified
}

TEST_CASE("sos filter channels are independent: each equals the mono result", "[dsp][sos]") {
  const auto sections = cheby1(FilterKind::lowpass, 6, 1.0, 4000.0, 48000.0);
  const std::uint32_t channels = 7, frames = 3000;
  AudioBuffer all = noise(channels, frames, 11);
  const AudioBuffer input = all;
  make_filter(channels, sections).process(all.view(), all.view());
  for (std::uint32_t c = 0; c < channels; ++c) {
    AudioBuffer mono(1, frames);
    std::copy(input.channel(c), input.channel(c) + frames, mono.channel(0));
    make_filter(1, sections).process(mono.view(), mono.view());
    for (std::uint32_t n = 0; n < frames; ++n)
      REQUIRE(all.channel(c)[n] == Approx(mono.channel(0)[n]).margin(1e-6));
  }
}

TEST_CASE("a cutoff sweep with set_sections keeps the state: no jumps in a filtered sine",
          "[dsp][sos]") {
  // A 1 kHz sine through an order-4 Butterworth lowpass whose cutoff sweeps 1 -> 5 kHz
  // over one second, new coefficients every 32 samples. The sine's own steepest step is
  // 2 pi 1000 / 48000 = 0.131 per sample; the filtered output must never step by more
  // than 0.15, i.e. no click. Resetting the state at each change (torchfx's behaviour)
  // is shown to break that bound, so the bound does measure the clicks.
  const double fs = 48000.0;
  const std::uint32_t frames = 48000, hop = 32;
  auto sweep = [&](bool reset_each_time) {
    AudioBuffer buffer(1, frames);
    for (std::uint32_t n = 0; n < frames; ++n)
      buffer.channel(0)[n] = static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * n / fs));
    SosFilter filter;
    filter.prepare(1, 2);
    SubView sub;
    for (std::uint32_t start = 0; start < frames; start += hop) {
      const double cutoff = 1000.0 + 4000.0 * start / frames;
      const auto sections = butterworth(FilterKind::lowpass, 4, cutoff, fs);
      filter.set_sections(sections.data(), 2);
      if (reset_each_time) filter.reset();
      filter.process(sub.view(buffer, start, hop), sub.view(buffer, start, hop));
    }
    // Skip the start-up transient of the first 10 ms.
    double largest_step = 0.0;
    for (std::uint32_t n = 480; n < frames; ++n)
      largest_step =
          std::max(largest_step, double(std::abs(buffer.channel(0)[n] - buffer.channel(0)[n - 1])));
    return largest_step;
  };
  const double kept = sweep(false);
  INFO("largest sample-to-sample step with state kept: " << kept);
  CHECK(kept < 0.15);
  const double reset = sweep(true);
  INFO("largest step when resetting at every change: " << reset);
  CHECK(reset > 0.3);
}

TEST_CASE("changing the section count keeps common sections and starts new ones from zero",
          "[dsp][sos]") {
  // 2 -> 3 sections (one pass throughout) and 4 -> 6 (one pass, then two).
  for (const auto& [kept_count, order] : {std::pair{2, 6}, std::pair{4, 12}}) {
    const auto design = butterworth(FilterKind::lowpass, order, 2000.0, 48000.0);
    const auto total = static_cast<std::uint32_t>(design.size());
    const auto kept = static_cast<std::uint32_t>(kept_count);
    INFO(kept << " -> " << total << " sections");
    const std::vector<Biquad> head(design.begin(), design.begin() + kept);
    const std::vector<Biquad> tail(design.begin() + kept, design.end());
    const std::uint32_t frames = 4000, split = 1500;
    const AudioBuffer input = noise(2, frames, 5);

    // Run the head sections, then grow to all of them.
    AudioBuffer grown = input;
    SosFilter filter;
    filter.prepare(2, total);
    REQUIRE(filter.set_sections(head.data(), kept));
    SubView sub;
    filter.process(sub.view(grown, 0, split), sub.view(grown, 0, split));
    REQUIRE(filter.set_sections(design.data(), total));
    filter.process(sub.view(grown, split, frames - split), sub.view(grown, split, frames - split));

    // Reference: the head throughout, the tail from silence at the split. (Not
    // bit-exact: the reference rounds to float between head and tail.)
    AudioBuffer expected = input;
    make_filter(2, head).process(expected.view(), expected.view());
    SosFilter late = make_filter(2, tail);
    late.process(sub.view(expected, split, frames - split),
                 sub.view(expected, split, frames - split));
    CHECK(relative_rms_error(grown, expected) < 1e-6);

    // Shrinking clears the dropped sections, so growing again starts them from zero too.
    REQUIRE(filter.set_sections(head.data(), kept));
    REQUIRE(filter.set_sections(design.data(), total));
    AudioBuffer after = noise(2, 1000, 6);
    AudioBuffer after_expected = after;
    SosFilter continuing = make_filter(2, head);
    AudioBuffer replay = input;  // brings `continuing` to the head state of `filter`
    continuing.process(replay.view(), replay.view());
    continuing.process(after_expected.view(), after_expected.view());
    make_filter(2, tail).process(after_expected.view(), after_expected.view());
    filter.process(after.view(), after.view());
    CHECK(relative_rms_error(after, after_expected) < 1e-6);
  }
}

TEST_CASE("set_sections refuses more than max_sections and keeps the old cascade", "[dsp][sos]") {
  const auto two = butterworth(FilterKind::lowpass, 4, 1000.0, 48000.0);
  const auto eight = butterworth(FilterKind::lowpass, 16, 1000.0, 48000.0);
  SosFilter filter;
  filter.prepare(1, 2);
  REQUIRE(filter.set_sections(two.data(), 2));
  CHECK_FALSE(filter.set_sections(eight.data(), 8));
  CHECK(filter.num_sections() == 2);
  AudioBuffer a = noise(1, 500, 9), b = a;
  filter.process(a.view(), a.view());
  make_filter(1, two).process(b.view(), b.view());
  CHECK(identical(a, b));
}

TEST_CASE("sos filter with zero sections passes audio through unchanged", "[dsp][sos]") {
  const AudioBuffer input = noise(4, 1000, 2);
  AudioBuffer buffer = input;
  SosFilter filter;
  filter.prepare(4, 4);
  filter.process(buffer.view(), buffer.view());
  CHECK(identical(buffer, input));
}

TEST_CASE("reset clears the state: output after reset equals a fresh filter", "[dsp][sos]") {
  const auto sections = cheby2(FilterKind::highpass, 7, 60.0, 500.0, 44100.0);
  SosFilter used = make_filter(2, sections);
  AudioBuffer warmup = noise(2, 3000, 1);
  used.process(warmup.view(), warmup.view());
  used.reset();
  AudioBuffer a = noise(2, 2000, 2), b = a;
  used.process(a.view(), a.view());
  make_filter(2, sections).process(b.view(), b.view());
  CHECK(identical(a, b));
}

TEST_CASE("sos filter process, set_sections and reset do not allocate", "[dsp][sos][realtime]") {
  const auto low = butterworth(FilterKind::lowpass, 8, 1000.0, 48000.0);
  const auto high = butterworth(FilterKind::lowpass, 8, 3000.0, 48000.0);
  SosFilter filter;
  filter.prepare(6, 8);
  AudioBuffer buffer = noise(6, 4096, 4);
  SubView sub;
  const AudioView first = sub.view(buffer, 0, 1000);
  AudioBuffer other = noise(6, 3000, 5);
  fxgraph::test::AllocationCounter counter;
  filter.set_sections(low.data(), 4);
  filter.process(first, first);
  filter.set_sections(high.data(), 4);
  filter.process(other.view(), other.view());
  filter.reset();
  filter.process(other.view(), other.view());
  REQUIRE(counter.count() == 0);
}

TEST_CASE("order-16 designs at 1 Hz and 0.999 Nyquist give finite, bounded output on noise",
          "[dsp][sos]") {
  const double fs = 48000.0;
  const AudioBuffer input = noise(1, 48000, 8);
  float input_peak = 0.0f;
  for (std::uint32_t n = 0; n < 48000; ++n)
    input_peak = std::max(input_peak, std::abs(input.channel(0)[n]));
  for (double fc : {1.0, 0.999 * fs / 2}) {
    for (FilterKind kind : {FilterKind::lowpass, FilterKind::highpass}) {
      const std::vector<std::vector<Biquad>> designs = {
          butterworth(kind, 16, fc, fs), cheby1(kind, 16, 1.0, fc, fs),
          cheby2(kind, 16, 80.0, fc, fs), elliptic(kind, 12, 0.5, 80.0, fc, fs),
          linkwitz_riley(kind, 8, fc, fs)};
      for (std::size_t d = 0; d < designs.size(); ++d) {
        INFO("cutoff " << fc << ", kind " << int(kind) << ", design " << d);
        AudioBuffer buffer = input;
        make_filter(1, designs[d]).process(buffer.view(), buffer.view());
        float peak = 0.0f;
        bool finite = true;
        for (std::uint32_t n = 0; n < 48000; ++n) {
          finite = finite && std::isfinite(buffer.channel(0)[n]);
          peak = std::max(peak, std::abs(buffer.channel(0)[n]));
        }
        CHECK(finite);
        // Passband gain is at most 1 (0 dB); transients of a steep filter overshoot by a
        // few times at most. 10x the input peak is far from any instability.
        CHECK(peak < 10.0f * input_peak);
      }
    }
  }
}

#if defined(__x86_64__)
TEST_CASE("the denormal guard flushes inside its scope and restores the mode after", "[dsp][sos]") {
  volatile double tiny = 1e-300;
  {
    ScopedFlushDenormals guard;
    volatile double product = tiny * 1e-15;  // 1e-315 would be a denormal
    CHECK(product == 0.0);
  }
  volatile double product = tiny * 1e-15;
  CHECK(product != 0.0);

  // process() uses the guard; the caller's mode is back afterwards.
  SosFilter filter = make_filter(1, butterworth(FilterKind::lowpass, 2, 100.0, 48000.0));
  AudioBuffer buffer = noise(1, 64, 1);
  filter.process(buffer.view(), buffer.view());
  volatile double after = tiny * 1e-15;
  CHECK(after != 0.0);
}
#endif

TEST_CASE("sos filter given fewer channels than prepared leaves the audio untouched",
          "[dsp][sos]") {
  SosFilter filter = make_filter(4, butterworth(FilterKind::lowpass, 4, 1000.0, 48000.0));
  const AudioBuffer input = noise(3, 256, 1);
  AudioBuffer buffer = input;
  filter.process(buffer.view(), buffer.view());
  CHECK(identical(buffer, input));
}
