// render_graph: graphs whose edges are files.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/file_nodes.h"
#include "fxgraph/io/offline_render.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/graph_helpers.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  fs::path dir = fs::temp_directory_path() / ("fxgraph-render-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

/// A mono file of `frames` frames holding `value`.
void write_constant(const fs::path& path, std::uint32_t rate, std::uint32_t frames, float value) {
  AudioBuffer b = fxgraph::test::filled(1, frames, value);
  SndfileWriter writer(path.string(), rate, 1, make_file_format(path.string(), "float"));
  writer.write(b.view());
  writer.commit();
}
}  // namespace

TEST_CASE("two inputs at different sample rates are refused, naming both files", "[io][render]") {
  const fs::path dir = temp_dir();
  write_constant(dir / "a.wav", 48000, 100, 0.5f);
  write_constant(dir / "b.wav", 44100, 100, 0.5f);
  Graph g;
  g.add("a", std::make_shared<FileInNode>((dir / "a.wav").string()));
  g.add("b", std::make_shared<FileInNode>((dir / "b.wav").string()));
  g.add("sum", std::make_shared<MixNode>(2));
  g.add("out", std::make_shared<FileOutNode>(FileOutOptions{(dir / "out.wav").string()}));
  g.connect("a", "sum:0");
  g.connect("b", "sum:1");
  g.connect("sum", "out");
  REQUIRE_THROWS_WITH(render_graph(g, {}), Contains("a.wav") && Contains("b.wav") &&
                                               Contains("48000") && Contains("44100") &&
                                               Contains("--rate"));
  CHECK_FALSE(fs::exists(dir / "out.wav"));
  fs::remove_all(dir);
}

TEST_CASE("a file graph with normalize is rendered in two passes to the exact peak",
          "[io][render]") {
  const fs::path dir = temp_dir();
  write_constant(dir / "in.wav", 48000, 10000, 0.25f);
  auto normalize = std::make_shared<NormalizeNode>();
  normalize->configure_parameter("peak", 0.9);
  Graph g;
  g.add("in", std::make_shared<FileInNode>((dir / "in.wav").string()));
  g.add("level", normalize);
  g.add("out", std::make_shared<FileOutNode>(FileOutOptions{(dir / "out.wav").string(), "float"}));
  g.connect("in", "level");
  g.connect("level", "out");
  const RenderResult result = render_graph(g, {.block_size = 333});
  CHECK(result.frames == 10000);
  SndfileReader reader((dir / "out.wav").string());
  AudioBuffer got(1, 10000);
  REQUIRE(reader.read(got.view()) == 10000);
  CHECK(got.channel(0)[0] == Approx(0.9f));
  CHECK(got.channel(0)[9999] == Approx(0.9f));
  fs::remove_all(dir);
}
