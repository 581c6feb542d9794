// SosFilter::process_chain: several filters run as one cascade give what the filters
// give one by one through float buffers, to float precision, whatever the channel
// count (lane groups of every width, the skewed kernel and passes) and however the
// signal is cut into blocks; and the skewed kernel (few channels) agrees with the
// channel-wide one.
//
// Tolerance: 2e-6 absolute on Gaussian noise of sigma 0.3 (peaks near 1.5).
// The chain keeps the signal in double between filters where the one-by-one path
// rounds it to float (relative 6e-8 per filter), and the kernels may contract a
// multiply-add differently (FMA); the largest difference seen is 6e-8, one float
// step. A kernel that mixed up sections, channels, state or block edges is off by
// orders of magnitude more.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "dsp/fixtures.h"
#include "fxgraph/engine/audio_view.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/sos_filter.h"
#include "support/allocation_counter.h"

using namespace fxgraph;
using namespace fxgraph::dsp;
using namespace fxgraph::test::dsp;

namespace {

// Designs of 1, 1, 2, 3 and 4 sections.
std::vector<std::vector<Biquad>> designs() {
  return {butterworth(FilterKind::highpass, 1, 40.0, 48000.0),
          butterworth(FilterKind::highpass, 2, 80.0, 48000.0),
          butterworth(FilterKind::lowpass, 4, 8000.0, 48000.0),
          cheby1(FilterKind::highpass, 6, 0.5, 1500.0, 48000.0),
          elliptic(FilterKind::lowpass, 8, 0.5, 60.0, 3000.0, 48000.0)};
}

std::vector<std::unique_ptr<SosFilter>> make_filters(std::uint32_t channels,
                                                     const std::vector<int>& which) {
  const auto all = designs();
  std::vector<std::unique_ptr<SosFilter>> filters;
  for (int d : which) {
    // Room for exactly the design's sections, or for more: filters in one chain may
    // lay out their state differently (an RBJ node holds one section, an IIR node 8).
    auto f = std::make_unique<SosFilter>();
    f->prepare(channels, d % 2 == 0 ? std::uint32_t(all[d].size()) : 8);
    REQUIRE(f->set_sections(all[d].data(), std::uint32_t(all[d].size())));
    filters.push_back(std::move(f));
  }
  return filters;
}

std::vector<SosFilter*> pointers(const std::vector<std::unique_ptr<SosFilter>>& filters) {
  std::vector<SosFilter*> p;
  for (const auto& f : filters) p.push_back(f.get());
  return p;
}

constexpr double kTolerance = 2e-6;

double max_difference(AudioBuffer& a, AudioBuffer& b, std::uint32_t channels,
                      std::uint32_t frames) {
  double worst = 0.0;
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      worst = std::max(worst, std::abs(double(a.view().channels[c][i]) - b.view().channels[c][i]));
  return worst;
}

}  // namespace

TEST_CASE("a chain run as one cascade equals its filters run one by one (any blocks)",
          "[dsp][sos][chain]") {
  // Chains of 2 to 20 sections: on an 8-lane CPU, stereo takes 1 to 4 skewed vectors,
  // and 20 sections (5 vectors) fall back to passes.
  const std::vector<std::vector<int>> chains = {
      {1, 2}, {0, 1, 2}, {2, 3, 4}, {0, 1, 2, 3, 4}, {4, 4, 4, 4}, {4, 4, 4, 4, 4}, {3}};
  for (const auto& chain : chains) {
    for (std::uint32_t channels : {1u, 2u, 3u, 4u, 6u, 8u, 11u}) {
      INFO(channels << " channels, chain of " << chain.size() << " filters, first " << chain[0]);
      const std::uint32_t frames = 6000;
      AudioBuffer input = noise(channels, frames, 11 + channels);

      // Reference: each filter over the whole signal in turn, through a float buffer.
      AudioBuffer reference = input;
      auto one_by_one = make_filters(channels, chain);
      for (auto& f : one_by_one) f->process(reference.view(), reference.view());

      // The cascade, in random blocks from 1 to 700 frames, out of place.
      AudioBuffer fused(channels, frames);
      auto cascade = make_filters(channels, chain);
      const auto filters = pointers(cascade);
      std::mt19937 rng(channels * 31 + std::uint32_t(chain.size()));
      std::uniform_int_distribution<std::uint32_t> block(1, 700);
      SubView in_view, out_view;
      for (std::uint32_t start = 0; start < frames;) {
        const std::uint32_t n = std::min(block(rng), frames - start);
        SosFilter::process_chain(filters, in_view.view(input, start, n),
                                 out_view.view(fused, start, n));
        start += n;
      }
      REQUIRE(max_difference(fused, reference, channels, frames) < kTolerance);
    }
  }
}

TEST_CASE("a stereo cascade gives what those two channels of an 8-channel one give",
          "[dsp][sos][chain]") {
  // With AVX-512 or AVX2 the stereo cascade runs skewed (sections side by side in the
  // lanes) and the 8-channel one in passes (channels in the lanes).
  const std::uint32_t frames = 3000;
  AudioBuffer stereo = noise(2, frames, 5);
  AudioBuffer wide(8, frames);
  for (std::uint32_t c = 0; c < 8; ++c)
    std::copy_n(stereo.view().channels[c % 2], frames, wide.view().channels[c]);

  for (const auto& chain : std::vector<std::vector<int>>{{2}, {4}, {1, 3}, {2, 3, 4}}) {
    AudioBuffer narrow_out(2, frames), wide_out(8, frames);
    auto narrow_filters = make_filters(2, chain);
    auto wide_filters = make_filters(8, chain);
    SosFilter::process_chain(pointers(narrow_filters), stereo.view(), narrow_out.view());
    SosFilter::process_chain(pointers(wide_filters), wide.view(), wide_out.view());
    REQUIRE(max_difference(narrow_out, wide_out, 2, frames) < kTolerance);
  }
}

TEST_CASE("process_chain runs in place and does not allocate", "[dsp][sos][chain][realtime]") {
  const std::uint32_t frames = 512;
  AudioBuffer input = noise(2, frames, 9);
  auto a = make_filters(2, {0, 2, 4});
  auto b = make_filters(2, {0, 2, 4});
  const auto filters_a = pointers(a), filters_b = pointers(b);

  AudioBuffer out_of_place(2, frames);
  SosFilter::process_chain(filters_a, input.view(), out_of_place.view());
  AudioBuffer in_place = input;
  {
    fxgraph::test::AllocationCounter counter;
    SosFilter::process_chain(filters_b, in_place.view(), in_place.view());
    REQUIRE(counter.count() == 0);
  }
  // Same kernel, same arithmetic: in place is exact.
  REQUIRE(max_difference(in_place, out_of_place, 2, frames) == 0.0);
}
