// FirConvolver: both paths (direct below 64 taps, partitioned FFT from 64) equal direct
// convolution with zero latency, streaming is exact for any block sizes, and process()
// never allocates. (The scipy firwin + numpy.convolve fixtures are checked in
// test_filter_design.cpp.)

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/fir_convolver.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using namespace fxgraph::dsp;
using namespace fxgraph::test::dsp;

namespace {

std::vector<float> random_taps(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> taps(count);
  // A decaying envelope, like a room response, so late taps matter but less.
  for (std::size_t k = 0; k < count; ++k)
    taps[k] = uniform(rng) * static_cast<float>(std::exp(-3.0 * double(k) / double(count)));
  return taps;
}

// Reference: y[n] = sum_k taps[k] x[n - k] in double, the definition itself.
AudioBuffer direct_convolution(const AudioBuffer& input, const std::vector<float>& taps) {
  AudioBuffer output(input.num_channels(), input.capacity_frames());
  for (std::uint32_t c = 0; c < input.num_channels(); ++c)
    for (std::uint32_t n = 0; n < input.capacity_frames(); ++n) {
      double sum = 0.0;
      for (std::size_t k = 0; k < taps.size() && k <= n; ++k)
        sum += double(taps[k]) * input.channel(c)[n - k];
      output.channel(c)[n] = static_cast<float>(sum);
    }
  return output;
}

}  // namespace

TEST_CASE("fir convolver equals direct convolution for short and long filters", "[dsp][fir]") {
  for (std::size_t count : {1u, 2u, 17u, 31u, 63u, 64u, 65u, 255u, 513u, 1000u, 4097u}) {
    INFO(count << " taps");
    const std::vector<float> taps = random_taps(count, static_cast<unsigned>(count));
    const AudioBuffer input = noise(2, 12000, 1);
    AudioBuffer output = input;
    FirConvolver convolver;
    convolver.prepare(2, taps, 512);
    CHECK(convolver.uses_fft() == (count >= FirConvolver::kFftThreshold));
    SubView sub;
    for (std::uint32_t start = 0; start < 12000; start += 512) {
      const std::uint32_t n = std::min(512u, 12000 - start);
      convolver.process(sub.view(output, start, n), sub.view(output, start, n));
    }
    CHECK(relative_rms_error(output, direct_convolution(input, taps)) < 1e-5);
  }
}

TEST_CASE("fir convolver has zero latency: its impulse response is the taps", "[dsp][fir]") {
  for (std::size_t count : {40u, 64u, 700u}) {
    INFO(count << " taps");
    const std::vector<float> taps = random_taps(count, 3);
    AudioBuffer impulse(1, 1500);
    impulse.channel(0)[0] = 1.0f;
    FirConvolver convolver;
    convolver.prepare(1, taps, 100);
    SubView sub;
    for (std::uint32_t start = 0; start < 1500; start += 100)
      convolver.process(sub.view(impulse, start, 100), sub.view(impulse, start, 100));
    for (std::size_t k = 0; k < 1500; ++k)
      REQUIRE(impulse.channel(0)[k] == Approx(k < count ? taps[k] : 0.0f).margin(1e-6));
  }
}

TEST_CASE("fir convolver output does not depend on the block sizes (bit-exact)", "[dsp][fir]") {
  for (std::size_t count : {31u, 64u, 513u, 3000u}) {
    INFO(count << " taps");
    const std::vector<float> taps = random_taps(count, 9);
    const std::uint32_t frames = 20000;
    const AudioBuffer input = noise(3, frames, 4);

    AudioBuffer whole = input;
    FirConvolver one_block;
    one_block.prepare(3, taps, frames);
    one_block.process(whole.view(), whole.view());

    AudioBuffer pieces = input;
    FirConvolver streaming;
    streaming.prepare(3, taps, 4096);
    in_random_blocks(pieces, static_cast<unsigned>(count), 4096,
                     [&](const AudioView& block) { streaming.process(block, block); });
    CHECK(identical(whole, pieces));
  }
}

TEST_CASE("fir convolver in place equals out of place and leaves the input alone", "[dsp][fir]") {
  const std::vector<float> taps = random_taps(300, 5);
  const AudioBuffer input = noise(2, 3000, 6);
  AudioBuffer in_place = input;
  FirConvolver a;
  a.prepare(2, taps, 3000);
  a.process(in_place.view(), in_place.view());
  AudioBuffer source = input;
  AudioBuffer destination(2, 3000);
  FirConvolver b;
  b.prepare(2, taps, 3000);
  b.process(source.view(), destination.view());
  CHECK(identical(in_place, destination));
  CHECK(identical(source, input));
}

TEST_CASE("fir convolver reset forgets the input history", "[dsp][fir]") {
  const std::vector<float> taps = random_taps(200, 7);
  FirConvolver used;
  used.prepare(1, taps, 256);
  AudioBuffer warmup = noise(1, 1000, 1);
  used.process(warmup.view(), warmup.view());
  used.reset();
  AudioBuffer a = noise(1, 1000, 2), b = a;
  used.process(a.view(), a.view());
  FirConvolver fresh;
  fresh.prepare(1, taps, 256);
  fresh.process(b.view(), b.view());
  CHECK(identical(a, b));
}

TEST_CASE("fir convolver process does not allocate", "[dsp][fir][realtime]") {
  for (std::size_t count : {31u, 1000u}) {
    FirConvolver convolver;
    convolver.prepare(4, random_taps(count, 1), 512);
    AudioBuffer buffer = noise(4, 512, 3);
    SubView sub;
    const AudioView small = sub.view(buffer, 0, 7);
    AudioBuffer large = noise(4, 512, 4);
    fxgraph::test::AllocationCounter counter;
    convolver.process(small, small);
    convolver.process(large.view(), large.view());
    convolver.reset();
    convolver.process(large.view(), large.view());
    REQUIRE(counter.count() == 0);
  }
}

TEST_CASE("fir convolver prepare rejects bad arguments with ParameterError", "[dsp][fir]") {
  FirConvolver convolver;
  CHECK_THROWS_WITH(convolver.prepare(0, {1.0f}, 64), Catch::Contains("channel count 0"));
  CHECK_THROWS_WITH(convolver.prepare(1, {}, 64), Catch::Contains("tap count 0"));
  CHECK_THROWS_WITH(convolver.prepare(1, {1.0f, NAN}, 64),
                    Catch::Contains("tap 1 is not a finite number"));
  CHECK_THROWS_AS(convolver.prepare(1, {1.0f}, 0), ParameterError);
}

TEST_CASE("fir convolver given fewer channels than prepared leaves the audio untouched",
          "[dsp][fir]") {
  FirConvolver convolver;
  convolver.prepare(4, random_taps(100, 2), 256);
  const AudioBuffer input = noise(3, 256, 1);
  AudioBuffer buffer = input;
  convolver.process(buffer.view(), buffer.view());
  CHECK(identical(buffer, input));
}
