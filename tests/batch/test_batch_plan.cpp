// Output paths, the checks before any work, and shards.
#include <catch2/catch.hpp>

#include <set>

#include "fxgraph/batch/batch_plan.h"
#include "fxgraph/engine/errors.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::thrown_by;

namespace {
std::vector<std::string> outputs(const std::vector<BatchFile>& files) {
  std::vector<std::string> paths;
  for (const BatchFile& file : files) paths.push_back(file.output);
  return paths;
}
}  // namespace

TEST_CASE("outputs mirror the inputs' relative paths, sorted by them", "[batch][plan]") {
  const std::vector<BatchInput> inputs{
      {"d/b/x.wav", "b/x.wav"}, {"d/a.flac", "a.flac"}, {"d/c.mp3", "c.mp3"}};
  CHECK(outputs(plan_outputs(inputs, {.out_dir = "out"})) ==
        std::vector<std::string>{"out/a.flac", "out/b/x.wav", "out/c.wav"});
  CHECK(outputs(plan_outputs(
            inputs, {.out_dir = "out", .container = ContainerFormat::flac, .suffix = "_hp"})) ==
        std::vector<std::string>{"out/a_hp.flac", "out/b/x_hp.flac", "out/c_hp.flac"});
}

TEST_CASE("two inputs with one output path are refused, naming both", "[batch][plan]") {
  const std::vector<BatchInput> inputs{{"d/x.wav", "x.wav"}, {"d/x.flac", "x.flac"}};
  const auto error = thrown_by<ConfigError>(
      [&] { plan_outputs(inputs, {.out_dir = "out", .container = ContainerFormat::wav}); });
  CHECK_THAT(error.what(), Contains("'d/x.wav'") && Contains("'d/x.flac'") && Contains("x.wav"));
}

TEST_CASE("an output that would overwrite an input is refused", "[batch][plan]") {
  const std::vector<BatchInput> inputs{{"d/x.wav", "x.wav"}};
  const auto error = thrown_by<ConfigError>([&] { plan_outputs(inputs, {.out_dir = "d"}); });
  CHECK_THAT(error.what(), Contains("overwrite"));
  CHECK_NOTHROW(plan_outputs(inputs, {.out_dir = "d", .suffix = "_out"}));
}

TEST_CASE("shards K/N partition the list exactly, sizes within one", "[batch][shard]") {
  std::vector<BatchInput> inputs;
  for (int i = 0; i < 10; ++i)
    inputs.push_back({std::to_string(i) + ".wav", std::to_string(i) + ".wav"});
  const std::vector<BatchFile> files = plan_outputs(inputs, {.out_dir = "o"});
  std::multiset<std::string> seen;
  std::vector<std::size_t> sizes;
  for (std::uint32_t k = 1; k <= 3; ++k) {
    const auto shard = select_shard(files, parse_shard(std::to_string(k) + "/3"));
    sizes.push_back(shard.size());
    for (const BatchFile& file : shard) seen.insert(file.input);
  }
  CHECK(sizes == std::vector<std::size_t>{4, 3, 3});
  CHECK(seen.size() == 10);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 10);  // no file twice
}

TEST_CASE("a shard is given as K/N with 1 <= K <= N", "[batch][shard]") {
  CHECK(parse_shard("2/8").index == 2);
  CHECK(parse_shard("2/8").count == 8);
  for (const char* bad : {"0/3", "4/3", "1/0", "1", "a/b", "1/3x", "-1/3", ""})
    CHECK_THAT(thrown_by<ConfigError>([&] { parse_shard(bad); }).what(), Contains("--shard"));
}
