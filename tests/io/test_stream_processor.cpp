// StreamProcessor: chunk-size invariance, the chunk range, and nothing lost on failure.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_processor.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/audio_files.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::make_gain;
using fxgraph::test::read_all_samples;
using fxgraph::test::unique_temp_dir;
using fxgraph::test::write_noise_wav;
namespace fs = std::filesystem;

namespace {
/// A chain with state and ramps: a mixer whose gain ramps, and two gains.
Graph test_chain() {
  auto ramped = make_gain(1.0);
  return Graph::chain({make_gain(0.8), ramped, make_gain(-0.5)});
}
}  // namespace

TEST_CASE("chunked output equals whole-file output bit for bit", "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  const std::uint32_t frames = 20000;
  write_noise_wav(dir / "in.wav", frames);

  std::vector<std::vector<float>> results;
  for (std::uint32_t chunk : {1u, 4096u, 65536u, frames}) {
    const fs::path out = dir / ("out_" + std::to_string(chunk) + ".wav");
    StreamProcessor sp(test_chain(), chunk);
    sp.process_file((dir / "in.wav").string(), out.string());
    results.push_back(read_all_samples(out));
  }
  REQUIRE(results[0].size() == 2 * frames);
  for (std::size_t i = 1; i < results.size(); ++i) CHECK(results[i] == results[0]);
  // And it really processed: 0.8 * 1 * -0.5 of the input.
  const auto input = read_all_samples(dir / "in.wav");
  CHECK(results[0][100] == input[100] * 0.8f * 1.0f * -0.5f);
  fs::remove_all(dir);
}

TEST_CASE("the chunk range yields every frame in chunks of chunk_size", "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  write_noise_wav(dir / "in.wav", 10000, 1);
  StreamProcessor sp(Graph::chain({make_gain(2.0)}), 4096);
  const auto input = read_all_samples(dir / "in.wav");
  std::vector<std::uint32_t> sizes;
  std::size_t at = 0;
  bool doubled = true;
  for (const AudioView& chunk : sp.process_chunks((dir / "in.wav").string())) {
    sizes.push_back(chunk.num_frames);
    for (std::uint32_t i = 0; i < chunk.num_frames; ++i)
      doubled = doubled && chunk.channels[0][i] == 2.0f * input[at + i];
    at += chunk.num_frames;
  }
  CHECK(sizes == std::vector<std::uint32_t>{4096, 4096, 1808});
  CHECK(doubled);
  fs::remove_all(dir);
}

TEST_CASE("process_file refuses to overwrite its input", "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  write_noise_wav(dir / "in.wav", 1000);
  const auto before = read_all_samples(dir / "in.wav");
  StreamProcessor sp(Graph::chain({make_gain(0.5)}));
  REQUIRE_THROWS_WITH(sp.process_file((dir / "in.wav").string(), (dir / "./in.wav").string()),
                      Contains("is the input file"));
  CHECK(read_all_samples(dir / "in.wav") == before);
  fs::remove_all(dir);
}

TEST_CASE("a failed process_file leaves the previous output untouched and no temporary",
          "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  { std::ofstream(dir / "old.wav") << "previous contents"; }
  { std::ofstream(dir / "not_audio.wav") << "this is text, not a WAV file\n"; }
  StreamProcessor sp(Graph::chain({make_gain(0.5)}));
  REQUIRE_THROWS_AS(sp.process_file((dir / "not_audio.wav").string(), (dir / "old.wav").string()),
                    IoError);
  std::ifstream old(dir / "old.wav");
  std::string contents;
  std::getline(old, contents);
  CHECK(contents == "previous contents");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 2);  // old.wav and not_audio.wav, no temporary
  fs::remove_all(dir);
}

TEST_CASE("a graph without input or output is refused by StreamProcessor", "[io][stream]") {
  Graph g;
  g.add("g", make_gain(1.0));
  REQUIRE_THROWS_WITH(StreamProcessor(g), Contains("needs a graph with an input and an output"));
}

TEST_CASE("normalize in a file chain is exact: the output peak is the target", "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  write_noise_wav(dir / "in.wav", 30000);
  std::vector<std::vector<float>> results;
  for (std::uint32_t chunk : {1000u, 65536u}) {
    auto normalize = std::make_shared<NormalizeNode>();
    normalize->configure_parameter("peak", 0.95);
    StreamProcessor sp(Graph::chain({make_gain(0.8), normalize}), chunk);
    const fs::path out = dir / ("norm_" + std::to_string(chunk) + ".wav");
    sp.process_file((dir / "in.wav").string(), out.string());
    results.push_back(read_all_samples(out));
  }
  float peak = 0.0f;
  for (float v : results[0]) peak = std::max(peak, std::abs(v));
  CHECK(peak == Approx(0.95f).epsilon(1e-6));
  CHECK(results[0] == results[1]);  // chunk size does not matter, even with two passes
  fs::remove_all(dir);
}

TEST_CASE("normalize strategies: rms and per_channel reach their targets", "[io][stream]") {
  const fs::path dir = unique_temp_dir("fxgraph-sp");
  write_noise_wav(dir / "in.wav", 20000);
  auto rms = std::make_shared<NormalizeNode>();
  rms->configure_parameter("peak", 0.1);
  rms->configure_parameter("strategy", NormalizeNode::rms);
  StreamProcessor(Graph::chain({rms}), 4096)
      .process_file((dir / "in.wav").string(), (dir / "rms.wav").string());
  const auto samples = read_all_samples(dir / "rms.wav");
  double squares = 0.0;
  for (float v : samples) squares += double(v) * v;
  CHECK(std::sqrt(squares / double(samples.size())) == Approx(0.1).epsilon(1e-4));

  // Per channel: each channel reaches the target on its own.
  auto per_channel = std::make_shared<NormalizeNode>();
  per_channel->configure_parameter("strategy", NormalizeNode::per_channel);
  per_channel->configure_parameter("peak", 0.5);
  StreamProcessor(Graph::chain({make_gain(0.1), per_channel}), 4096)
      .process_file((dir / "in.wav").string(), (dir / "pc.wav").string());
  const auto pc = read_all_samples(dir / "pc.wav");
  float left = 0.0f, right = 0.0f;
  for (std::size_t i = 0; i < pc.size() / 2; ++i) left = std::max(left, std::abs(pc[i]));
  for (std::size_t i = pc.size() / 2; i < pc.size(); ++i) right = std::max(right, std::abs(pc[i]));
  CHECK(left == Approx(0.5f).epsilon(1e-6));
  CHECK(right == Approx(0.5f).epsilon(1e-6));
  fs::remove_all(dir);
}
