// loudness and loudness_normalize against ffmpeg's ebur128 filter (an implementation
// nobody here wrote) on speech-like and music-like programmes: integrated loudness
// within 0.1 LU, true peak within 0.2 dB; the meters are readable by path; the
// normaliser hits its target and keeps under its true-peak limit; live use is refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "effects/effects_helpers.h"
#include "effects/loudness_signals.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/io/stream_processor.h"
#include "fxgraph/nodes/effects/loudness.h"
#include "fxgraph/nodes/effects/loudness_normalize.h"
#include "fxgraph/nodes/register_nodes.h"
#include "support/audio_files.h"

using namespace fxgraph;

namespace {

constexpr double kLoudnessTolerance = 0.1;  // LU
constexpr double kPeakTolerance = 0.2;      // dB

AudioBuffer to_buffer(const test::Programme& p) {
  AudioBuffer b(std::uint32_t(p.size()), std::uint32_t(p[0].size()));
  for (std::uint32_t c = 0; c < p.size(); ++c) std::copy(p[c].begin(), p[c].end(), b.channel(c));
  return b;
}

struct Case {
  const char* name;
  test::Programme (*make)(double, double, unsigned);
};

}  // namespace

TEST_CASE("loudness meters match ffmpeg's ebur128 on speech and music", "[loudness]") {
  const auto [name, make] =
      GENERATE(Case{"speech", test::speech_like}, Case{"music", test::music_like});
  CAPTURE(name);
  const auto folder = test::unique_temp_dir("fxgraph-loudness");
  const auto path = folder / (std::string(name) + ".wav");
  const test::Programme programme = make(48000.0, 12.0, 5);
  test::write_float_wav(path, 48000, programme);
  const auto reference = test::ffmpeg_loudness(path);
  if (!reference) {
    WARN("ffmpeg is not installed: the reference comparison is skipped");
    return;
  }

  auto node = std::make_shared<LoudnessNode>();
  Engine engine(Graph::chain({node}),
                {.sample_rate = 48000, .max_block = 512, .input_channels = 2});
  const AudioBuffer input = to_buffer(programme);
  AudioBuffer out(2, 512);
  for (std::uint32_t done = 0; done < input.capacity_frames(); done += 512) {
    const std::uint32_t n = std::min(512u, input.capacity_frames() - done);
    const float* channels[2] = {input.channel(0) + done, input.channel(1) + done};
    engine.process(ConstAudioView{channels, 2, n}, out.view(n));
    // Pass-through: the meter does not touch the signal.
    REQUIRE(out.channel(1)[n - 1] == input.channel(1)[done + n - 1]);
  }
  const double integrated = engine.get_parameter("0.integrated");
  const double true_peak = engine.get_parameter("0.true_peak");
  CAPTURE(integrated, reference->integrated, true_peak, reference->true_peak_db);
  CHECK(std::abs(integrated - reference->integrated) <= kLoudnessTolerance);
  CHECK(std::abs(true_peak - reference->true_peak_db) <= kPeakTolerance);
  CHECK(std::isfinite(engine.get_parameter("0.momentary")));
  CHECK(std::isfinite(engine.get_parameter("0.short_term")));
  CHECK(engine.get_parameter("0.range") > 0.0);
  std::filesystem::remove_all(folder);
}

TEST_CASE("loudness reads -inf for silence and forgets what it measured when reset", "[loudness]") {
  auto node = std::make_shared<LoudnessNode>();
  Engine engine(Graph::chain({node}),
                {.sample_rate = 48000, .max_block = 4800, .input_channels = 1});
  // 1 kHz: a whole number of cycles per block, so the blocks join without a click.
  AudioBuffer tone(1, 4800), silence(1, 4800), out(1, 4800);
  for (std::uint32_t i = 0; i < 4800; ++i)
    tone.channel(0)[i] = float(0.5 * std::sin(2 * std::numbers::pi * 1000.0 * i / 48000.0));
  for (int block = 0; block < 10; ++block) engine.process(silence.view(), out.view());
  CHECK(std::isinf(engine.get_parameter("0.integrated")));
  engine.request_reset();
  for (int block = 0; block < 20; ++block) engine.process(tone.view(), out.view());
  // BS.1770 is calibrated so that a 1 kHz sine at 0 dBFS in one channel reads -3.01
  // LUFS; at -6.02 dBFS it reads -9.03.
  CHECK(engine.get_parameter("0.integrated") == Approx(-9.03).margin(0.05));
  CHECK(engine.get_parameter("0.true_peak") == Approx(-6.02).margin(0.05));
  engine.request_reset();
  engine.process(silence.view(), out.view());
  CHECK(std::isinf(engine.get_parameter("0.integrated")));
}

TEST_CASE("loudness_normalize brings speech and music to the target, measured by ffmpeg",
          "[loudness]") {
  const auto [name, make] =
      GENERATE(Case{"speech", test::speech_like}, Case{"music", test::music_like});
  CAPTURE(name);
  const auto folder = test::unique_temp_dir("fxgraph-loudnorm");
  const auto in = folder / "in.wav", out = folder / "out.wav";
  test::write_float_wav(in, 48000, make(48000.0, 12.0, 9));

  auto node = std::make_shared<LoudnessNormalizeNode>();
  node->configure_parameter("target", -23.0);
  node->configure_parameter("true_peak", -1.0);
  StreamProcessor(Graph::chain({node}), 4000)
      .process_file(in.string(), out.string(), {.sample_format = "float"});
  const auto reference = test::ffmpeg_loudness(out);
  if (!reference) {
    WARN("ffmpeg is not installed: the reference comparison is skipped");
    return;
  }
  CAPTURE(reference->integrated, reference->true_peak_db, node->gain_db());
  CHECK(std::abs(reference->integrated - -23.0) <= kLoudnessTolerance);
  CHECK(reference->true_peak_db <= -1.0 + kPeakTolerance);
  std::filesystem::remove_all(folder);
}

TEST_CASE("loudness_normalize lowers its gain to keep the true peak under the limit",
          "[loudness]") {
  // Music at -9 LUFS would need more gain than its peaks allow: the output stops at the
  // true-peak limit (per ffmpeg) and is quieter than the target by the difference.
  const auto folder = test::unique_temp_dir("fxgraph-loudnorm-peak");
  const auto in = folder / "in.wav", out = folder / "out.wav";
  test::write_float_wav(in, 48000, test::music_like(48000.0, 10.0, 3));
  auto node = std::make_shared<LoudnessNormalizeNode>();
  node->configure_parameter("target", -9.0);
  node->configure_parameter("true_peak", -2.0);
  StreamProcessor(Graph::chain({node}), 65536)
      .process_file(in.string(), out.string(), {.sample_format = "float"});
  const double input_peak = node->meter_value(LoudnessNormalizeNode::kInputTruePeak);
  const double input_loudness = node->meter_value(LoudnessNormalizeNode::kInputIntegrated);
  REQUIRE(input_peak + (-9.0 - input_loudness) > -2.0);  // the guard has work to do
  CHECK(node->gain_db() == Approx(-2.0 - input_peak).margin(1e-9));
  const auto reference = test::ffmpeg_loudness(out);
  if (!reference) return;
  CAPTURE(reference->integrated, reference->true_peak_db);
  CHECK(std::abs(reference->true_peak_db - -2.0) <= kPeakTolerance);
  CHECK(reference->integrated < -9.0 - 0.5);
  std::filesystem::remove_all(folder);
}

TEST_CASE("loudness_normalize is refused by a live processor, with the reason", "[loudness]") {
  NodeRegistry registry;
  register_dsp_nodes(registry);
  Graph graph = Graph::chain({registry.create("loudness_normalize", {})});
  try {
    RealtimeProcessor processor(std::move(graph), std::make_unique<NullBackend>(), StreamConfig{});
    FAIL("a live processor accepted loudness_normalize");
  } catch (const GraphError& e) {
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("loudness_normalize") && Catch::Contains("two passes"));
  }
}
