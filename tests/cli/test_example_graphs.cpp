// Every example graph in graphs/ runs as shipped (inputs given with --input).
#include <catch2/catch.hpp>

#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "fxgraph/io/audio_file_info.h"

namespace fs = std::filesystem;

namespace {
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), int(chunk.size()), pipe)) output += chunk.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

const std::string cli = FXGRAPH_CLI;
const std::string graphs = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/";

fs::path work_dir() {
  fs::path dir = fs::temp_directory_path() / ("fxgraph-examples-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("every example graph runs as shipped", "[cli][examples]") {
  const fs::path dir = work_dir();
  // A 2-second stereo input made by the demo graph itself.
  const std::string input = (dir / "input.wav").string();
  auto [made, made_log] = run(cli + " run " + graphs + "demo.yaml --quiet --duration 2 --output " +
                              input + " --set master.gain_db=-6");
  INFO(made_log);
  REQUIRE(made == 0);
  CHECK(fxgraph::analyze_file(input).duration_seconds == Approx(2.0));

  for (const char* name : {"podcast", "crossover", "stereo_delay", "fdn_reverb"}) {
    const std::string output = (dir / (std::string(name) + ".wav")).string();
    auto [status, log] = run(cli + " run " + graphs + name + ".yaml --quiet --input " + input +
                             " --output " + output);
    INFO(name << ": " << log);
    CHECK(status == 0);
    const auto info = fxgraph::analyze_file(output);
    CHECK(info.frames >= 96000);  // the input's 2 s, then the effects' tail
    CHECK(info.overall.peak > 0.01);
    // Its limiter's ceiling: -1 dBFS.
    if (std::string(name) == "podcast") {
      CHECK(info.overall.peak <= 0.8913);
      // Its loudness_normalize: -16 LUFS integrated (the limiter after it may take a little).
      auto [measured, loudness] = run(cli + " info --loudness " + output);
      INFO(loudness);
      REQUIRE(measured == 0);
      const auto at = loudness.find("integrated");
      REQUIRE(at != std::string::npos);
      CHECK(std::stod(loudness.substr(at + 10)) == Approx(-16.0).margin(0.5));
    }
    if (std::string(name) == "stereo_delay") CHECK(info.channels == 2);
  }
  // karplus_strong.yaml needs no input: a second of its pluck, its loop listed by check.
  const std::string pluck = (dir / "karplus_strong.wav").string();
  auto [plucked, pluck_log] =
      run(cli + " run " + graphs + "karplus_strong.yaml --quiet --duration 1 --output " + pluck);
  INFO(pluck_log);
  CHECK(plucked == 0);
  CHECK(fxgraph::analyze_file(pluck).overall.peak > 0.01);
  auto [looped, loop_log] = run(cli + " check " + graphs + "karplus_strong.yaml");
  INFO(loop_log);
  CHECK(looped == 0);
  CHECK(loop_log.find("loop in sub-blocks of 109 frames: string smooth damp") != std::string::npos);
  // guitar.yaml is a live graph: it must at least check; its two filters run as one step.
  auto [checked, check_log] = run(cli + " check " + graphs + "guitar.yaml");
  INFO(check_log);
  CHECK(checked == 0);
  CHECK(check_log.find("fused into one step: hp lp") != std::string::npos);
  fs::remove_all(dir);
}
