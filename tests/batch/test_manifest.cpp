// The manifest's JSON lines: every field, nulls, escaping, and appending after a crash.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "fxgraph/batch/manifest.h"
#include "support/audio_files.h"

using namespace fxgraph;

TEST_CASE("a done row is one line of JSON with every field", "[batch][manifest]") {
  const ManifestRow row{.input = "data/a.wav",
                        .output = "out/a.wav",
                        .status = FileStatus::done,
                        .frames = 2880000,
                        .sample_rate = 48000,
                        .channels = 2,
                        .peak = 0.5,
                        .rms = 0.25,
                        .seconds = 1.5};
  CHECK(to_json_line(row) ==
        "{\"input\":\"data/a.wav\",\"output\":\"out/a.wav\",\"status\":\"done\",\"error\":null,"
        "\"frames\":2880000,\"sample_rate\":48000,\"channels\":2,\"peak\":0.5,\"rms\":0.25,"
        "\"seconds\":1.5}\n");
}

TEST_CASE("a failed row carries its error and nulls for what was not measured",
          "[batch][manifest]") {
  const ManifestRow row{.input = "x.wav", .output = "o/x.wav", .error = "cannot open 'x.wav'"};
  CHECK(to_json_line(row) ==
        "{\"input\":\"x.wav\",\"output\":\"o/x.wav\",\"status\":\"failed\",\"error\":\"cannot "
        "open 'x.wav'\",\"frames\":null,\"sample_rate\":null,\"channels\":null,\"peak\":null,"
        "\"rms\":null,\"seconds\":0}\n");
}

TEST_CASE("numbers JSON cannot hold are written as null", "[batch][manifest]") {
  const ManifestRow row{.status = FileStatus::done,
                        .peak = std::numeric_limits<double>::infinity(),
                        .rms = std::nan("")};
  const std::string line = to_json_line(row);
  CHECK(line.find("\"peak\":null,\"rms\":null") != std::string::npos);
}

TEST_CASE("JSON strings escape quotes, control characters and bytes that are not UTF-8",
          "[batch][manifest]") {
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("line\nnext\ttab\x01") == "\"line\\nnext\\ttab\\u0001\"");
  CHECK(json_string("caf\xc3\xa9.wav") == "\"caf\xc3\xa9.wav\"");  // valid UTF-8 stays
  // Latin-1 é (0xe9) alone is not UTF-8: Python's surrogateescape form.
  CHECK(json_string("caf\xe9.wav") == "\"caf\\udce9.wav\"");
  CHECK(json_string("\xc0\xaf") == "\"\\udcc0\\udcaf\"");  // an overlong '/'
}

TEST_CASE("the manifest writer appends, and completes a line cut short by a crash",
          "[batch][manifest]") {
  const auto dir = fxgraph::test::unique_temp_dir("fxgraph-manifest");
  const std::string path = (dir / "m.jsonl").string();
  std::ofstream(path) << "{\"input\":\"old\"}\n{\"input\":\"cut";
  {
    ManifestWriter writer(path);
    writer.write({.input = "a.wav", .status = FileStatus::skipped});
  }
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "{\"input\":\"old\"}");
  CHECK(lines[1] == "{\"input\":\"cut");
  CHECK(lines[2].rfind("{\"input\":\"a.wav\"", 0) == 0);
  std::filesystem::remove_all(dir);
}
