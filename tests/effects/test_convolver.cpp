// convolver: equal to scipy.signal.fftconvolve (tests/dsp/make_convolver_fixtures.py) to
// 1e-6 relative RMS for every IR layout, at any block size, with zero added latency; IR
// files at another rate are resampled; bad IRs and layouts are refused by name.
#include <catch2/catch.hpp>

#include <sndfile.h>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "dsp/fixtures.h"
#include "effects/effects_helpers.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/convolver.h"
#include "support/audio_files.h"
#include "support/thrown.h"

using namespace fxgraph;
using test::dsp::fixture_dir;
using test::dsp::read_f32;
using test::dsp::relative_rms_error;

namespace {

constexpr double kTolerance = 1e-6;  // relative RMS against float64 fftconvolve

std::shared_ptr<Node> convolver(const std::string& ir,
                                std::map<std::string, OptionValue> options = {}) {
  options["path"] = fixture_dir() + "/" + ir;
  return test::make_effect("convolver", std::move(options));
}

/// Writes a 32-bit float WAV from planar channels.
void write_wav(const std::filesystem::path& path, int rate,
               const std::vector<std::vector<float>>& channels) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = int(channels.size());
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  REQUIRE(file != nullptr);
  std::vector<float> interleaved;
  for (std::size_t i = 0; i < channels[0].size(); ++i)
    for (const auto& channel : channels) interleaved.push_back(channel[i]);
  sf_writef_float(file, interleaved.data(), sf_count_t(channels[0].size()));
  sf_close(file);
}

}  // namespace

TEST_CASE("convolver equals scipy fftconvolve for mono, per-channel and true-stereo IRs",
          "[convolver]") {
  const AudioBuffer input = read_f32("convolver_input.f32");
  const auto [ir, reference, options] = GENERATE(
      std::tuple<std::string, std::string, std::map<std::string, OptionValue>>{
          "convolver_ir_mono.wav", "convolver_mono.f32", {}},
      std::tuple<std::string, std::string, std::map<std::string, OptionValue>>{
          "convolver_ir_stereo.wav", "convolver_stereo.f32", {}},
      std::tuple<std::string, std::string, std::map<std::string, OptionValue>>{
          "convolver_ir_true.wav", "convolver_true.f32", {}},
      std::tuple<std::string, std::string, std::map<std::string, OptionValue>>{
          "convolver_ir_mono.wav",
          "convolver_shaped.f32",
          {{"delay", 10.0}, {"max_length", 0.05}}});
  CAPTURE(ir, reference);
  const AudioBuffer want = read_f32(reference);
  const AudioBuffer whole = test::render_whole(convolver(ir, options), input);
  CHECK(relative_rms_error(whole, want) < kTolerance);
  // Zero latency: the first output frame already holds x[0] h[0] (0 after a pre-delay).
  CHECK(whole.channel(0)[0] == Approx(want.channel(0)[0]).margin(1e-6));
  for (const std::uint32_t block : {1u, 64u, 127u, 4096u}) {
    CAPTURE(block);
    const AudioBuffer blocked =
        test::render(convolver(ir, options), input, [block] { return block; });
    CHECK(relative_rms_error(blocked, want) < kTolerance);
  }
  CHECK(
      test::identical(test::render(convolver(ir, options), input, test::random_blocks(7)), whole));
}

TEST_CASE("convolver feeds a mono input through each channel of a stereo IR", "[convolver]") {
  const AudioBuffer stereo = read_f32("convolver_input.f32");
  AudioBuffer mono(1, stereo.capacity_frames());
  std::copy_n(stereo.channel(0), stereo.capacity_frames(), mono.channel(0));
  const AudioBuffer out = test::render_whole(convolver("convolver_ir_stereo.wav"), mono);
  REQUIRE(out.num_channels() == 2);
  // Channel 0 of the per-channel reference is input 0 through IR channel 0.
  const AudioBuffer want = read_f32("convolver_stereo.f32");
  AudioBuffer got0(1, out.capacity_frames()), want0(1, want.capacity_frames());
  std::copy_n(out.channel(0), out.capacity_frames(), got0.channel(0));
  std::copy_n(want.channel(0), want.capacity_frames(), want0.channel(0));
  CHECK(relative_rms_error(got0, want0) < kTolerance);
}

TEST_CASE("convolver gain scales the output and normalize_ir gives unit energy gain",
          "[convolver]") {
  const AudioBuffer input = read_f32("convolver_input.f32");
  const AudioBuffer plain = test::render_whole(convolver("convolver_ir_mono.wav"), input);
  const AudioBuffer halved =
      test::render_whole(convolver("convolver_ir_mono.wav", {{"gain", 0.5}}), input);
  for (std::uint32_t i = 0; i < input.capacity_frames(); i += 97)
    CHECK(halved.channel(1)[i] == Approx(0.5f * plain.channel(1)[i]).margin(1e-7));

  auto node = convolver("convolver_ir_true.wav", {{"normalize_ir", 1.0}});
  test::render_whole(node, input);
  const auto& ir = static_cast<const ConvolverNode&>(*node).prepared_ir();
  auto energy = [&](std::size_t c) {
    double sum = 0.0;
    for (float v : ir.channels[c]) sum += double(v) * v;
    return sum;
  };
  // True stereo: output L gets h0 and h2, R gets h1 and h3; the larger becomes 1.
  CHECK(std::max(energy(0) + energy(2), energy(1) + energy(3)) == Approx(1.0).epsilon(1e-5));
}

TEST_CASE("convolver resamples an IR file at another rate when prepared", "[convolver]") {
  // A 1 kHz tone burst under a Hann window, 20 ms long, written at 44.1 kHz: at 48 kHz
  // the prepared IR is the same burst sampled at 48 kHz (the resampler passes 1 kHz
  // untouched) and 48/44.1 times as many frames.
  auto burst = [](double rate) {
    const auto frames = std::size_t(std::lround(0.02 * rate));
    std::vector<float> v(frames);
    for (std::size_t i = 0; i < frames; ++i) {
      const double t = double(i) / rate;
      const double window = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * t / 0.02);
      v[i] = float(0.5 * window * std::sin(2 * std::numbers::pi * 1000.0 * t));
    }
    return v;
  };
  const auto folder = test::unique_temp_dir("fxgraph-convolver");
  const auto path = folder / "ir44k.wav";
  write_wav(path, 44100, {burst(44100.0)});
  auto node = test::make_effect("convolver", {{"path", path.string()}});
  const AudioBuffer out = test::render_whole(node, test::impulse(1, 2000));
  const std::vector<float> want = burst(48000.0);
  REQUIRE(static_cast<const ConvolverNode&>(*node).prepared_ir().frames() == want.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::abs(double(out.channel(0)[i]) - want[i]));
  CHECK(worst < 1e-3);  // -66 dB of the burst's 0.5 peak: the onset stays in place
  std::filesystem::remove_all(folder);
}

TEST_CASE("convolver refuses a missing IR file and an input its IR cannot take", "[convolver]") {
  const auto missing = test::thrown_by<ConfigError>([] {
    test::make_effect("convolver", {{"path", std::string("/nonexistent/ir.wav")}});
  });
  CHECK_THAT(std::string(missing.what()), Catch::Contains("/nonexistent/ir.wav"));
  CHECK(missing.context().key == "path");
  CHECK_THROWS_AS(test::make_effect("convolver", {}), ConfigError);

  const AudioBuffer three(3, 64);
  const auto layout = test::thrown_by<GraphError>(
      [&] { test::render_whole(convolver("convolver_ir_true.wav"), three); });
  CHECK_THAT(std::string(layout.what()),
             Catch::Contains("true stereo") && Catch::Contains("3 channels"));
}
