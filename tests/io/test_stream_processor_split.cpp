// StreamProcessor::process_file with normalize after other DSP: the upstream part runs
// once (its output kept in a scratch file in the output's folder), the output is the
// same as running the whole graph per pass, and the scratch file never outlives a run.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/node_registry.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/io/stream_processor.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/generators/noise.h"
#include "support/audio_files.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using fxgraph::test::make_gain;
using fxgraph::test::read_all_samples;
using fxgraph::test::unique_temp_dir;
using fxgraph::test::write_noise_wav;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Passes its input through and counts the frames it processed: how often upstream ran.
class CountingNode : public Node {
 public:
  CountingNode() : Node("counting") {
    add_input("in");
    add_output("out");
  }
  std::uint64_t frames() const { return frames_.load(); }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override {
    for (std::uint32_t c = 0; c < ctx.outputs[0].num_channels; ++c)
      std::copy_n(ctx.inputs[0].channels[c], ctx.frames, ctx.outputs[0].channels[c]);
    frames_ += ctx.frames;
  }

 private:
  std::atomic<std::uint64_t> frames_{0};
};

std::shared_ptr<Node> make(const std::string& type, std::map<std::string, OptionValue> options) {
  return builtin_registry().create(type, NodeOptions(std::move(options)));
}

/// Stateful DSP (filters, a reverb tail), normalize by RMS (its statistic is a sum, so
/// the order of blocks matters), more DSP, and a second normalize downstream.
std::vector<std::shared_ptr<Node>> dsp_nodes() {
  return {make("highpass", {{"cutoff", 80.0}}),
          make("peaking", {{"cutoff", 1000.0}, {"q", 1.0}, {"gain_db", 3.0}}),
          make("reverb", {{"room_size", 0.3}}),
          make("normalize", {{"peak", 0.1}, {"strategy", std::string("rms")}}),
          make("lowpass", {{"cutoff", 8000.0}}),
          make("normalize", {{"peak", 0.95}})};
}

/// The same nodes as a chain, plus a dead-end side branch off node `from`: its output
/// is unchanged, but the upstream part now feeds something besides normalize, so
/// StreamProcessor must fall back to running the whole graph in every pass.
Graph with_side_branch(std::vector<std::shared_ptr<Node>> nodes, const std::string& from = "0") {
  Graph g = Graph::chain(std::move(nodes));
  g.add("dead_end", make_gain(0.5));
  g.connect(from, "dead_end");
  return g;
}
}  // namespace

TEST_CASE("normalize after DSP: the split run equals the whole-graph passes bit for bit",
          "[io][stream][multipass]") {
  const fs::path dir = unique_temp_dir("fxgraph-split");
  write_noise_wav(dir / "in.wav", 70000);
  const std::string in = (dir / "in.wav").string();

  StreamProcessor(Graph::chain(dsp_nodes()), 4000).process_file(in, (dir / "split.wav").string());
  // The branch leaves from the reverb, not from a filter: the highpass -> peaking pair
  // then runs fused in both graphs, which keeps more precision between them than two
  // separate steps and would make the outputs differ in the last bits.
  StreamProcessor(with_side_branch(dsp_nodes(), "2"), 4000)
      .process_file(in, (dir / "whole.wav").string());
  // The chunk range always runs the whole graph per pass: an in-memory reference.
  std::vector<std::vector<float>> chunks(2);
  StreamProcessor ranged(Graph::chain(dsp_nodes()), 4000);
  for (const AudioView& chunk : ranged.process_chunks(in))
    for (std::uint32_t c = 0; c < 2; ++c)
      chunks[c].insert(chunks[c].end(), chunk.channels[c], chunk.channels[c] + chunk.num_frames);
  std::vector<float> ranged_samples = chunks[0];
  ranged_samples.insert(ranged_samples.end(), chunks[1].begin(), chunks[1].end());

  const auto split = read_all_samples(dir / "split.wav");
  REQUIRE(split.size() == 2 * 70000);
  float peak = 0.0f;
  for (float v : split) peak = std::max(peak, std::abs(v));
  CHECK(peak == Approx(0.95f).epsilon(1e-6));
  CHECK(split == read_all_samples(dir / "whole.wav"));
  CHECK(split == ranged_samples);
  fs::remove_all(dir);
}

TEST_CASE("upstream of normalize runs once in a chain and once per pass with a side branch",
          "[io][stream][multipass]") {
  const fs::path dir = unique_temp_dir("fxgraph-split");
  write_noise_wav(dir / "in.wav", 10000);
  const std::string in = (dir / "in.wav").string();

  auto counted = std::make_shared<CountingNode>();
  StreamProcessor(Graph::chain({counted, std::make_shared<NormalizeNode>()}), 3000)
      .process_file(in, (dir / "a.wav").string());
  CHECK(counted->frames() == 10000);

  auto twice = std::make_shared<CountingNode>();
  StreamProcessor(with_side_branch({twice, std::make_shared<NormalizeNode>()}), 3000)
      .process_file(in, (dir / "b.wav").string());
  CHECK(twice->frames() == 20000);  // measure, then write
  CHECK(read_all_samples(dir / "a.wav") == read_all_samples(dir / "b.wav"));
  fs::remove_all(dir);
}

TEST_CASE("the scratch file lives in the output's folder and is gone after success",
          "[io][stream][multipass]") {
  const fs::path dir = unique_temp_dir("fxgraph-split");
  const fs::path out_dir = dir / "out";
  fs::create_directories(out_dir);
  write_noise_wav(dir / "in.wav", 10000);

  // While the writing pass runs, one open descriptor is the scratch file: already
  // unlinked, in the output's folder.
  std::vector<std::string> scratch;
  StreamProcessor sp(Graph::chain({make_gain(0.5), std::make_shared<NormalizeNode>()}), 1000);
  sp.set_progress([&](double) {
    if (!scratch.empty()) return;
    for (const auto& fd : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      const std::string target = fs::read_symlink(fd.path(), ec).string();
      if (target.find(".fxgraph-cache-") != std::string::npos) scratch.push_back(target);
    }
  });
  sp.process_file((dir / "in.wav").string(), (out_dir / "out.wav").string());
  REQUIRE(scratch.size() == 1);
  const std::string prefix = (out_dir / ".out.wav.fxgraph-cache-").string();
  CHECK(scratch[0].rfind(prefix, 0) == 0);
  CHECK(scratch[0].size() > 10);
  CHECK(scratch[0].substr(scratch[0].size() - 10) == " (deleted)");
  CHECK(entries(out_dir) == std::vector<std::string>{"out.wav"});
  fs::remove_all(dir);
}

TEST_CASE("a split run that fails leaves no scratch file, no temporary and no output",
          "[io][stream][multipass]") {
  const fs::path dir = unique_temp_dir("fxgraph-split");
  write_noise_wav(dir / "in.wav", 10000);
  const std::string in = (dir / "in.wav").string();

  SECTION("an exception in the writing pass") {
    StreamProcessor sp(Graph::chain({make_gain(0.5), std::make_shared<NormalizeNode>()}), 1000);
    sp.set_progress([](double) { throw std::runtime_error("cancelled"); });
    REQUIRE_THROWS_WITH(sp.process_file(in, (dir / "out.wav").string()), "cancelled");
    CHECK(entries(dir) == std::vector<std::string>{"in.wav"});
  }
  SECTION("an output folder that does not exist") {
    StreamProcessor sp(Graph::chain({make_gain(0.5), std::make_shared<NormalizeNode>()}), 1000);
    REQUIRE_THROWS_AS(sp.process_file(in, (dir / "missing" / "out.wav").string()), IoError);
    CHECK(entries(dir) == std::vector<std::string>{"in.wav"});
  }
  SECTION("an output format that cannot be written, found after the scratch file exists") {
    StreamProcessor sp(Graph::chain({make_gain(0.5), std::make_shared<NormalizeNode>()}), 1000);
    REQUIRE_THROWS(sp.process_file(in, (dir / "out.wav").string(), {.sample_format = "vorbis"}));
    CHECK(entries(dir) == std::vector<std::string>{"in.wav"});
  }
  fs::remove_all(dir);
}
