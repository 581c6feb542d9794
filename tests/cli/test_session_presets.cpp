// Presets in a live session (cli/session_presets.h): `save FILE` / `load FILE` through a
// real `fxgraph jack` session on a private dummy jackd, and `--params FILE` reading the
// same files the same way.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/jack_server.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::Child;
using fxgraph::test::TempYaml;
namespace fs = std::filesystem;

namespace {

constexpr const char* kRig = R"(name: preset_rig
nodes:
  guitar:  { type: jack_in, channels: 1 }
  drive:   { type: gain, gain: 0.5 }
  comp:    { type: compressor }
  monitor: { type: jack_out, channels: 1 }
edges:
  - guitar -> drive -> comp -> monitor
)";

const std::string kRunningBanner = "running as JACK client";

std::vector<std::string> jack_command(const std::string& graph, const std::string& server,
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args{FXGRAPH_CLI, "jack", graph, "--server", server};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// A fresh folder under /tmp, removed (made writable first) at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("fxgraph-presets-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, ignored);
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Root writes into a read-only folder anyway (CAP_DAC_OVERRIDE): as root the session
/// runs without that capability. Empty when not root; nullopt when it cannot be dropped.
std::optional<std::vector<std::string>> unprivileged_prefix() {
  if (::geteuid() != 0) return std::vector<std::string>{};
  if (std::system("setpriv --bounding-set=-dac_override,-dac_read_search true >/dev/null 2>&1") !=
      0)
    return std::nullopt;
  return std::vector<std::string>{"/usr/bin/setpriv",
                                  "--bounding-set=-dac_override,-dac_read_search"};
}

}  // namespace

TEST_CASE("a preset saved in a session and loaded after changes brings every value back",
          "[cli][jack][presets]") {
  test::JackServer server;
  TempYaml graph(kRig);
  TempDir dir;
  const std::string preset = dir / "verse.yaml";
  Child cli(jack_command(graph.path(), server.name()));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));

  CHECK(cli.ask("set drive.gain 2") == "ok drive.gain = 2");
  CHECK(cli.ask("set comp.detector rms") == "ok comp.detector = rms");
  CHECK(cli.ask("set comp.threshold_db -31.25") == "ok comp.threshold_db = -31.25");
  CHECK(cli.ask("set drive.bypass 1") == "ok drive.bypass = 1");
  CHECK_THAT(cli.ask("save " + preset), StartsWith("ok saved ") && Contains(preset));

  const std::string text = read_text(preset);
  CHECK_THAT(text, Contains("drive.gain: 2\n"));
  CHECK_THAT(text, Contains("comp.detector: rms\n"));  // a choice by name
  CHECK_THAT(text, Contains("drive.bypass: 1\n"));
  CHECK_THAT(text, !Contains("gain_reduction"));                          // meters are not saved
  CHECK(names_in(dir.path()) == std::vector<std::string>{"verse.yaml"});  // no temporary left

  CHECK(cli.ask("set drive.gain 0.1") == "ok drive.gain = 0.1");
  CHECK(cli.ask("set comp.detector peak") == "ok comp.detector = peak");
  CHECK(cli.ask("set comp.threshold_db -3") == "ok comp.threshold_db = -3");
  CHECK(cli.ask("set drive.bypass 0") == "ok drive.bypass = 0");
  CHECK_THAT(cli.ask("load " + preset), StartsWith("ok loaded ") && Contains(preset));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 2");
  CHECK(cli.ask("get comp.detector") == "comp.detector = rms");
  CHECK(cli.ask("get comp.threshold_db") == "comp.threshold_db = -31.25");
  CHECK(cli.ask("get drive.bypass") == "drive.bypass = 1");
  cli.send("quit");
  CHECK(cli.wait() == 0);

  // The same file is a --params file: a new session starts with its values.
  Child again(jack_command(graph.path(), server.name(), {"--params", preset}));
  REQUIRE(again.wait_for_stderr(kRunningBanner));
  CHECK(again.ask("get drive.gain") == "drive.gain = 2");
  CHECK(again.ask("get comp.detector") == "comp.detector = rms");
  CHECK(again.ask("get drive.bypass") == "drive.bypass = 1");
}

TEST_CASE("a preset with a bad entry changes nothing and names file:line:col, as --params does",
          "[cli][jack][presets]") {
  test::JackServer server;
  TempYaml graph(kRig);
  TempDir dir;
  Child cli(jack_command(graph.path(), server.name()));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));

  struct Bad {
    std::string text;
    std::string where;  // file:line:col
    std::string says;
  };
  const std::string file = dir / "bad.yaml";
  const std::vector<Bad> cases = {
      {"drive.gain: 3\ncomp.threshold_db: -20\ndrive.gian: 1\n", file + ":3:1", "gian"},
      {"drive.gain: 3\ncomp.threshold_db: 5000\n", file + ":2:20", "out of range"},
      {"drive.gain: 3\ncomp.detector: loudest\n", file + ":2:16", "peak, rms"},
      {"drive.gain: 3\nnowhere.gain: 1\n", file + ":2:1", "drive"},
      {"drive.gain: 3\ndrive.gain_db: [1, 2]\n", file + ":2:16", "single value"},
  };
  for (const Bad& bad : cases) {
    CAPTURE(bad.text);
    write_text(file, bad.text);
    const std::string answer = cli.ask("load " + file);
    CHECK_THAT(answer, StartsWith("error: " + bad.where + ": ") && Contains(bad.says));
    // Nothing was set, not even the good entries before the bad one.
    CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");
    CHECK(cli.ask("get comp.threshold_db") == "comp.threshold_db = -20");

    // --params reads it the same way: the same place, and the session does not start.
    Child start(jack_command(graph.path(), server.name(), {"--params", file}));
    CHECK(start.wait() == 2);
    CHECK_THAT(start.stderr_text(), Contains(bad.where + ": ") && Contains(bad.says));
  }
  CHECK_THAT(cli.ask("load " + (dir / "missing.yaml")), StartsWith("error: load: cannot read"));
}

TEST_CASE("save into an unwritable folder or onto a full disk leaves no partial file",
          "[cli][jack][presets]") {
  test::JackServer server;
  TempYaml graph(kRig);
  TempDir dir;
  const std::string preset = dir / "chorus.yaml";
  const std::string old_text = "drive.gain: 0.25\n";
  write_text(preset, old_text);

  SECTION("an unwritable folder") {
    const auto prefix = unprivileged_prefix();
    if (!prefix) {
      WARN("cannot drop CAP_DAC_OVERRIDE here: skipped");
      return;
    }
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    std::vector<std::string> args = *prefix;
    for (const std::string& a : jack_command(graph.path(), server.name())) args.push_back(a);
    Child cli(args);
    REQUIRE(cli.wait_for_stderr(kRunningBanner));
    CHECK_THAT(cli.ask("save " + preset), StartsWith("error: save: cannot") && Contains(preset) &&
                                              Contains("Permission denied"));
  }
  SECTION("a full disk (a file-size limit: writes fail as on a full disk)") {
    // The limit is 2 KiB (dash counts 512-byte blocks): the session's stderr fits, a
    // preset of 40 gains does not. SIGXFSZ ignored, so the write fails with EFBIG.
    std::string many = "name: many\nnodes:\n  in: { type: jack_in, channels: 1 }\n";
    std::string edges = "  - in";
    for (int i = 0; i < 40; ++i) {
      many += "  g" + std::to_string(i) + ": { type: gain }\n";
      edges += " -> g" + std::to_string(i);
    }
    many += "  out: { type: jack_out, channels: 1 }\nedges:\n" + edges + " -> out\n";
    TempYaml big(many);
    std::string command = "trap '' XFSZ; ulimit -f 4; exec";
    for (const std::string& a : jack_command(big.path(), server.name())) command += " " + a;
    Child cli({"/bin/sh", "-c", command});
    REQUIRE(cli.wait_for_stderr(kRunningBanner));
    CHECK_THAT(cli.ask("save " + preset), StartsWith("error: save: cannot write") &&
                                              Contains(preset) && Contains("too large"));
  }
  // Either way the old preset is whole and nothing else was left behind.
  CHECK(read_text(preset) == old_text);
  fs::permissions(dir.path(), fs::perms::owner_all);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"chorus.yaml"});
}

#endif  // FXGRAPH_CLI
