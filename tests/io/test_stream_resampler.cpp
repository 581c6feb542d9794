// StreamResampler (libsoxr): aligned with its input, bit-identical for any chunking, the
// promised length, and the quality SoX's `rate -v` has: passband ripple <= 0.01 dB up
// to 20 kHz and images >= 120 dB down for 44.1 -> 48 kHz, measured the same way on both.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <numbers>
#include <random>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_resampler.h"
#include "support/audio_files.h"

using namespace fxgraph;

namespace {

/// Converts mono `in` pushing chunks of sizes from `chunk` and pulling `pull` at a time.
std::vector<float> convert(const std::vector<float>& in, double from, double to,
                           const std::function<std::uint32_t()>& chunk, std::uint32_t pull = 1000) {
  StreamResampler resampler(from, to, 1);
  std::vector<float> out;
  std::vector<float> block(pull);
  float* block_pointer = block.data();
  auto drain = [&] {
    while (std::uint32_t n = resampler.pull(AudioView{&block_pointer, 1, pull}))
      out.insert(out.end(), block.begin(), block.begin() + n);
  };
  for (std::size_t done = 0; done < in.size();) {
    const auto n = std::uint32_t(std::min<std::size_t>(chunk(), in.size() - done));
    const float* p = in.data() + done;
    resampler.push(ConstAudioView{&p, 1, n});
    drain();
    done += n;
  }
  resampler.finish();
  drain();
  return out;
}

std::vector<float> sine(double rate, double frequency, std::size_t frames, double amplitude) {
  std::vector<float> v(frames);
  for (std::size_t i = 0; i < frames; ++i)
    v[i] = float(amplitude * std::sin(2 * std::numbers::pi * frequency * double(i) / rate));
  return v;
}

/// Amplitude of the `frequency` component of frames [from, from + n) of `x`: the DTFT at
/// that frequency under a 4-term Blackman-Harris window (side lobes -92 dB, falling).
double amplitude_at(const std::vector<float>& x, double rate, double frequency, std::size_t from,
                    std::size_t n) {
  std::complex<double> sum = 0.0;
  double window_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double phase = 2 * std::numbers::pi * double(i) / double(n - 1);
    const double w = 0.35875 - 0.48829 * std::cos(phase) + 0.14128 * std::cos(2 * phase) -
                     0.01168 * std::cos(3 * phase);
    sum += w * double(x[from + i]) *
           std::polar(1.0, -2 * std::numbers::pi * frequency * double(from + i) / rate);
    window_sum += w;
  }
  return 2.0 * std::abs(sum) / window_sum;
}

struct Quality {
  double ripple_db = 0.0;     // max - min gain over the passband tones
  double rejection_db = 0.0;  // weakest image rejection
};

/// Passband tones 50 Hz … 20 kHz and their images (44.1 kHz - f, folded at 24 kHz).
template <class Convert>
Quality measure(Convert&& convert_44k1_to_48k) {
  constexpr std::size_t kFrames = 44100;
  Quality q;
  double lo = 1e9, hi = -1e9, weakest = 1e9;
  for (double f : {50.0, 1000.0, 5000.0, 10000.0, 15000.0, 18000.0, 19000.0, 20000.0}) {
    const std::vector<float> out = convert_44k1_to_48k(sine(44100.0, f, kFrames, 0.5));
    const double gain = amplitude_at(out, 48000.0, f, 8000, 32768) / 0.5;
    lo = std::min(lo, 20 * std::log10(gain));
    hi = std::max(hi, 20 * std::log10(gain));
    const double image = 48000.0 - (44100.0 - f);  // 44.1k - f, above 24 kHz, folds here
    if (image > 0 && image < 24000.0 && std::abs(image - f) > 500.0) {
      const double level = amplitude_at(out, 48000.0, image, 8000, 32768) / 0.5;
      weakest = std::min(weakest, -20 * std::log10(std::max(level, 1e-12)));
    }
  }
  q.ripple_db = hi - lo;
  q.rejection_db = weakest;
  return q;
}

}  // namespace

TEST_CASE("resampled output is aligned with the input and has the converted length",
          "[io][resample]") {
  std::vector<float> impulse(44100, 0.0f);
  impulse[441] = 1.0f;  // 10 ms
  const std::vector<float> out = convert(impulse, 44100, 48000, [] { return 4096u; });
  CHECK(out.size() == 48000);
  const auto peak = std::max_element(out.begin(), out.end(),
                                     [](float a, float b) { return std::abs(a) < std::abs(b); });
  CHECK(peak - out.begin() == 480);  // 10 ms at 48 kHz

  const std::vector<float> down = convert(impulse, 44100, 22050, [] { return 777u; });
  CHECK(down.size() == 22050);
}

TEST_CASE("resampling is bit-identical whatever the push and pull sizes", "[io][resample]") {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> in(100003);
  for (float& s : in) s = noise(rng);
  const std::vector<float> whole = convert(
      in, 44100, 48000, [] { return 1u << 20; }, 1u << 20);
  std::mt19937 sizes(11);
  const std::vector<float> chunked = convert(
      in, 44100, 48000,
      [&] { return std::uniform_int_distribution<std::uint32_t>(1, 9000)(sizes); }, 37);
  REQUIRE(chunked.size() == whole.size());
  CHECK(chunked == whole);
}

TEST_CASE("44.1 to 48 kHz matches SoX rate -v: ripple <= 0.01 dB to 20 kHz, images >= 120 dB down",
          "[io][resample]") {
  const Quality ours = measure(
      [](const std::vector<float>& in) { return convert(in, 44100, 48000, [] { return 4096u; }); });
  CAPTURE(ours.ripple_db, ours.rejection_db);
  CHECK(ours.ripple_db <= 0.01);
  CHECK(ours.rejection_db >= 120.0);

  if (std::system("sox --version > /dev/null 2>&1") != 0) {
    WARN("sox is not installed: the comparison with SoX is skipped");
    return;
  }
  const auto folder = test::unique_temp_dir("fxgraph-resample");
  const Quality sox = measure([&](const std::vector<float>& in) {
    const auto in_path = folder / "in.wav", out_path = folder / "out.wav";
    {
      AudioBuffer buffer(1, std::uint32_t(in.size()));
      std::copy(in.begin(), in.end(), buffer.channel(0));
      SndfileWriter writer(in_path.string(), 44100, 1, make_file_format(in_path.string(), "float"));
      writer.write(buffer.view());
      writer.commit();
    }
    const std::string command = "sox -V1 -D '" + in_path.string() + "' -e floating-point -b 32 '" +
                                out_path.string() + "' rate -v 48000";
    REQUIRE(std::system(command.c_str()) == 0);
    SndfileReader reader(out_path.string());
    AudioBuffer buffer(1, std::uint32_t(reader.frames()));
    const std::uint32_t got = reader.read(buffer.view());
    return std::vector<float>(buffer.channel(0), buffer.channel(0) + got);
  });
  CAPTURE(sox.ripple_db, sox.rejection_db);
  // As good as SoX's own (within the measurement's resolution).
  CHECK(ours.ripple_db <= std::max(sox.ripple_db, 0.001) + 0.001);
  CHECK(ours.rejection_db >= std::min(sox.rejection_db, 140.0) - 3.0);
  std::filesystem::remove_all(folder);
}

TEST_CASE("a resampler refuses rates it cannot convert between", "[io][resample]") {
  CHECK_THROWS_AS(StreamResampler(0.0, 48000.0, 1), ConfigError);
  CHECK_THROWS_AS(StreamResampler(44100.0, 44100.0 * 1000, 1), ConfigError);
}
