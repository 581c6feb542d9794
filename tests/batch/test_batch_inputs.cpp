// INPUTS expanded: folders (audio files only, hidden entries and the output folder
// skipped), files, globs, @lists, duplicates, missing paths.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fxgraph/batch/batch_inputs.h"
#include "fxgraph/engine/errors.h"
#include "support/audio_files.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::thrown_by;
namespace fs = std::filesystem;

namespace {

/// A folder tree (contents do not matter: nothing is opened) and the current folder set
/// to its root for the test.
class Tree {
 public:
  Tree() : root_(fxgraph::test::unique_temp_dir("fxgraph-inputs")), previous_(fs::current_path()) {
    for (const char* name :
         {"data/a.wav", "data/B.FLAC", "data/sub/c.ogg", "data/notes.txt", "data/.hidden.wav",
          "data/.git/x.wav", "data/sub/.a.wav.fxgraph-tmp-abcdef", "data/out/old.wav",
          "loose.wav"}) {
      fs::create_directories((root_ / name).parent_path());
      std::ofstream(root_ / name) << "x";
    }
    fs::current_path(root_);
  }
  ~Tree() {
    fs::current_path(previous_);
    fs::remove_all(root_);
  }

 private:
  fs::path root_;
  fs::path previous_;
};

std::vector<std::string> relatives(const ExpandedInputs& expanded) {
  std::vector<std::string> names;
  for (const BatchInput& input : expanded.inputs) names.push_back(input.relative);
  return names;
}

}  // namespace

TEST_CASE("a folder gives its audio files, mirrored relative to it", "[batch][inputs]") {
  Tree tree;
  const ExpandedInputs expanded = expand_inputs({"data"}, {.skip_folder = "data/out"});
  CHECK(relatives(expanded) == std::vector<std::string>{"B.FLAC", "a.wav", "sub/c.ogg"});
  CHECK(expanded.inputs[1].path == "data/a.wav");
  CHECK(expanded.ignored == 1);  // notes.txt
}

TEST_CASE("files, globs and lists mirror their path below the current folder", "[batch][inputs]") {
  Tree tree;
  std::ofstream("list.txt") << "# a comment\n\ndata/sub/c.ogg\r\nloose.wav\n";
  CHECK(relatives(expand_inputs({"data/a.wav", "data/*.FLAC", "@list.txt"})) ==
        std::vector<std::string>{"data/a.wav", "data/B.FLAC", "data/sub/c.ogg", "loose.wav"});
}

TEST_CASE("a file reached twice is taken once", "[batch][inputs]") {
  Tree tree;
  const ExpandedInputs expanded = expand_inputs({"data/a.wav", "data", "./data/a.wav"});
  CHECK(expanded.inputs.size() == 4);  // a.wav, B.FLAC, sub/c.ogg, out/old.wav
  CHECK(expanded.inputs.front().relative == "data/a.wav");
}

TEST_CASE("missing paths, empty globs and unreadable lists are errors naming them",
          "[batch][inputs]") {
  Tree tree;
  CHECK_THAT(thrown_by<ConfigError>([] {
               expand_inputs({"nope.wav", "data", "gone/"});
             }).what(),
             Contains("'nope.wav'") && Contains("'gone/'"));
  CHECK_THAT(thrown_by<ConfigError>([] { expand_inputs({"data/*.mp3"}); }).what(),
             Contains("'data/*.mp3' matches no file"));
  CHECK_THAT(thrown_by<ConfigError>([] { expand_inputs({"@missing.txt"}); }).what(),
             Contains("missing.txt"));
}
