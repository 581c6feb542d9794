// OutputLevels against a plain double-precision computation of peak and RMS.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "fxgraph/batch/output_levels.h"

using namespace fxgraph;

TEST_CASE("output levels equal peak and RMS computed sample by sample in double",
          "[batch][levels]") {
  std::mt19937 random(7);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  AudioBuffer buffer(2, 1000);
  double sum = 0.0, peak = 0.0;
  OutputLevels levels;
  // Chunks of odd sizes (not multiples of the 8 lanes), as a file's last chunk is.
  for (std::uint32_t frames : {1000u, 13u, 7u}) {
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < frames; ++i) {
        const float x = noise(random);
        buffer.channel(c)[i] = x;
        sum += double(x) * double(x);
        peak = std::max(peak, double(std::fabs(x)));
      }
    levels.add(ConstAudioView(buffer.view(frames)));
  }
  const double rms = std::sqrt(sum / double(2 * (1000 + 13 + 7)));
  CHECK(levels.peak() == peak);
  CHECK(levels.rms() == Approx(rms).epsilon(1e-12));
  levels.clear();
  CHECK(levels.rms() == 0.0);
  CHECK(levels.peak() == 0.0);
}
