// The conversion options of run and process: --rate (libsoxr), `resample: true` on a
// file_in, --channels (downmix), TPDF dither for pcm16 (--dither default, --no-dither),
// and `info --loudness`.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numbers>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;

namespace {

std::vector<std::vector<float>> tone(std::uint32_t channels, std::uint32_t frames, double rate,
                                     double frequency, double amplitude) {
  std::vector<std::vector<float>> audio(channels, std::vector<float>(frames));
  for (auto& channel : audio)
    for (std::uint32_t i = 0; i < frames; ++i)
      channel[i] = float(amplitude * std::sin(2 * std::numbers::pi * frequency * i / rate));
  return audio;
}

/// Upward zero crossings: frequency x seconds.
int upward_crossings(const std::vector<float>& x) {
  int n = 0;
  for (std::size_t i = 1; i < x.size(); ++i) n += x[i - 1] < 0.0f && x[i] >= 0.0f;
  return n;
}

}  // namespace

TEST_CASE("process --rate converts the input with libsoxr", "[cli][resample]") {
  CliDir dir;
  write_audio(dir / "in.wav", tone(2, 44100, 44100, 1000.0, 0.5), 44100);
  const CliRun result = run_fxgraph(dir, "process in.wav out.wav --chain gain --rate 48000 -q");
  REQUIRE(result.status == 0);
  CHECK(SndfileReader(dir / "out.wav").sample_rate() == 48000);
  const auto out = read_audio(dir / "out.wav");
  REQUIRE(out[0].size() == 48000);
  CHECK(std::abs(upward_crossings(out[0]) - 1000) <= 1);  // still 1 kHz
  // Aligned: the sine's phase at 0.5 s is the input's (sin(2 pi 1000 0.5) = 0).
  CHECK(std::abs(out[1][24000]) < 1e-3);
  CHECK(std::abs(out[1][24012] - 0.5f) < 1e-3);  // a quarter period (12 frames) later
}

TEST_CASE("a file_in with resample: true joins a graph at another rate; without, the hint",
          "[cli][resample]") {
  CliDir dir;
  write_audio(dir / "a.wav", tone(1, 48000, 48000, 440.0, 0.25), 48000);
  write_audio(dir / "b.wav", tone(1, 44100, 44100, 440.0, 0.25), 44100);
  const std::string graph = R"(nodes:
  a: {type: file_in, path: a.wav}
  b: {type: file_in, path: b.wav, resample: RESAMPLE}
  sum: {type: mix, inputs: 2}
  out: {type: file_out, path: out.wav, format: float}
edges:
  - a -> sum:0
  - b -> sum:1
  - sum -> out
)";
  auto with = [&](const std::string& value) {
    std::string text = graph;
    text.replace(text.find("RESAMPLE"), 8, value);
    return text;
  };
  write_text(dir / "refused.yaml", with("false"));
  const CliRun refused = run_fxgraph(dir, "run refused.yaml -q");
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Contains("different sample rates") && Contains("--rate"));

  write_text(dir / "converted.yaml", with("true"));
  const CliRun converted = run_fxgraph(dir, "run converted.yaml -q --no-tail");
  REQUIRE(converted.status == 0);
  const auto out = read_audio(dir / "out.wav");
  REQUIRE(out[0].size() == 48000);
  // Two aligned 440 Hz sines at 0.25: their sum peaks at 0.5.
  float peak = 0.0f;
  for (std::size_t i = 1000; i < 47000; ++i) peak = std::max(peak, std::abs(out[0][i]));
  CHECK(peak == Approx(0.5f).margin(2e-3));

  const CliRun forced = run_fxgraph(dir, "run refused.yaml -q --no-tail --rate 32000");
  REQUIRE(forced.status == 0);
  CHECK(read_audio(dir / "out.wav")[0].size() == 32000);
}

TEST_CASE("the channels option downmixes 5.1 to stereo (ITU) and stereo to mono", "[cli][channels]") {
  CliDir dir;
  // L R C LFE Ls Rs, each a constant so the matrix can be read off the output.
  std::vector<std::vector<float>> surround;
  for (float level : {0.1f, 0.2f, 0.3f, 0.4f, 0.05f, 0.06f}) surround.emplace_back(1000, level);
  write_audio(dir / "surround.wav", surround);
  REQUIRE(run_fxgraph(dir, "process surround.wav stereo.wav --chain gain --channels 2 -q").status ==
          0);
  const auto stereo = read_audio(dir / "stereo.wav");
  REQUIRE(stereo.size() == 2);
  const float k = 0.70710678f;
  CHECK(stereo[0][500] == Approx(0.1f + k * 0.3f + k * 0.05f).margin(1e-6));
  CHECK(stereo[1][500] == Approx(0.2f + k * 0.3f + k * 0.06f).margin(1e-6));

  REQUIRE(run_fxgraph(dir, "process stereo.wav mono.wav --chain gain --channels 1 -q").status == 0);
  const auto mono = read_audio(dir / "mono.wav");
  REQUIRE(mono.size() == 1);
  CHECK(mono[0][500] == Approx((stereo[0][500] + stereo[1][500]) / 2).margin(1e-6));

  const CliRun refused =
      run_fxgraph(dir, "process stereo.wav five.wav --chain gain --channels 6 -q");
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Contains("downmix"));
}

TEST_CASE("pcm16 output is TPDF-dithered unless --no-dither", "[cli][dither]") {
  CliDir dir;
  write_audio(dir / "silence.wav", {std::vector<float>(48000, 0.0f)});
  REQUIRE(run_fxgraph(dir,
                      "process silence.wav plain.wav --chain gain --format pcm16 "
                      "--no-dither -q")
              .status == 0);
  const auto plain = read_audio(dir / "plain.wav");
  for (float s : plain[0]) REQUIRE(s == 0.0f);

  REQUIRE(
      run_fxgraph(dir, "process silence.wav dithered.wav --chain gain --format pcm16 -q").status ==
      0);
  // Silence plus triangular noise of +-1 LSB rounds to -1, 0, +1 LSB with probabilities
  // 1/8, 3/4, 1/8: mean 0, variance 1/4 LSB^2.
  std::map<int, int> counts;
  double sum = 0.0, squares = 0.0;
  const auto samples = read_audio(dir / "dithered.wav")[0];  // a copy of channel 0
  for (float s : samples) {
    const int lsb = int(std::lround(s * 32768.0));
    ++counts[lsb];
    sum += lsb;
    squares += double(lsb) * lsb;
  }
  CHECK(counts.size() == 3);
  CHECK(counts[-1] + counts[0] + counts[1] == int(samples.size()));
  CHECK(std::abs(sum / samples.size()) < 0.01);
  CHECK(squares / samples.size() == Approx(0.25).margin(0.01));
  // Dither stays out of float output.
  REQUIRE(run_fxgraph(dir, "process silence.wav float.wav --chain gain --format float -q").status ==
          0);
  const auto floats = read_audio(dir / "float.wav");
  for (float s : floats[0]) REQUIRE(s == 0.0f);
}

TEST_CASE("info --loudness prints integrated loudness, range and true peak", "[cli][loudness]") {
  CliDir dir;
  // A 1 kHz sine at -20 dBFS in both channels: -20 LUFS (BS.1770's calibration).
  write_audio(dir / "tone.wav", tone(2, 48000 * 5, 48000, 1000.0, 0.1));
  const CliRun result = run_fxgraph(dir, "info --loudness tone.wav");
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Contains("loudness:") && Contains("range") && Contains("true peak"));
  const auto at = result.out.find("integrated");
  REQUIRE(at != std::string::npos);
  const double integrated = std::stod(result.out.substr(at + 10));
  CHECK(integrated == Approx(-20.0).margin(0.05));
  const auto peak_at = result.out.find("true peak");
  CHECK(std::stod(result.out.substr(peak_at + 9)) == Approx(-20.0).margin(0.1));
}
