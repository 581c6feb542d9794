// `fxgraph batch` end to end: a folder tree with bad files in it, a run killed with
// SIGKILL and resumed with --skip-existing, shards, the manifest, Ctrl-C, and the
// mistakes refused before any work.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kChain = "\"highpass(80) | lowpass(8000) | gain(1.5)\"";

/// Root reads a chmod 000 file anyway (CAP_DAC_OVERRIDE). To test an unreadable file
/// as root, the command runs without the two capabilities that bypass permissions; ""
/// when not root, nullopt when they cannot be dropped here.
std::optional<std::string> unprivileged_prefix() {
  if (geteuid() != 0) return "";
  const std::string prefix = "setpriv --bounding-set=-dac_override,-dac_read_search ";
  if (std::system((prefix + "true >/dev/null 2>&1").c_str()) != 0) return std::nullopt;
  return prefix;
}

/// `fxgraph batch <args>` in `dir`, after `prefix` (a command that runs it).
CliRun run_batch(const CliDir& dir, const std::string& args, const std::string& prefix = "") {
  static CliDir capture;
  const std::string out = capture / "stdout", err = capture / "stderr";
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && " + prefix +
                              shell_quote(FXGRAPH_CLI) + " batch " + args + " >" +
                              shell_quote(out) + " 2>" + shell_quote(err) + " </dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(out), read_text(err)};
}

std::string bytes_of(const fs::path& path) {
  return read_text(path);
}

/// Every file below `root` (relative, sorted), hidden ones included.
std::vector<std::string> tree(const fs::path& root) {
  std::vector<std::string> names;
  if (!fs::exists(root)) return names;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) names.push_back(entry.path().lexically_relative(root).string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Checks that `output` is what `fxgraph process` makes of `input` with the chain.
void check_same_as_process(const CliDir& dir, const std::string& input, const std::string& output) {
  const std::string reference = "reference" + fs::path(output).extension().string();
  const CliRun process = run_fxgraph(
      dir, "process " + shell_quote(input) + " " + reference + " --quiet --chain " + kChain);
  REQUIRE(process.status == 0);
  INFO(input << " -> " << output);
  CHECK(bytes_of(dir / output) == bytes_of(dir / reference));
  fs::remove(dir / reference);
}

/// The manifest's rows by input, each a map of field → raw JSON value.
std::map<std::string, std::map<std::string, std::string>> manifest_rows(const fs::path& path) {
  std::map<std::string, std::map<std::string, std::string>> rows;
  const std::regex field(R"xx("([a-z_]+)":("(?:[^"\\]|\\.)*"|[^,}]*))xx");
  std::istringstream lines(read_text(path));
  for (std::string line; std::getline(lines, line);) {
    std::map<std::string, std::string> row;
    for (std::sregex_iterator it(line.begin(), line.end(), field), end; it != end; ++it)
      row[(*it)[1]] = (*it)[2];
    rows[row["input"]] = row;
  }
  return rows;
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

/// A folder tree of audio files and things that are not: data/a.wav (stereo float),
/// data/sub/b.wav (mono pcm16), data/sub/deep/c.flac, data/notes.txt, data/corrupt.wav
/// (text), data/.hidden.wav.
void make_tree(const CliDir& dir) {
  fs::create_directories(dir.path() / "data/sub/deep");
  write_audio(dir / "data/a.wav", sine_audio(2, 24000, 0.5));
  write_audio(dir / "data/sub/b.wav", sine_audio(1, 12000, 0.3), 44100, "pcm16");
  write_audio(dir / "data/sub/deep/c.flac", sine_audio(2, 9000, 0.2), 48000, "pcm24");
  write_audio(dir / "data/.hidden.wav", sine_audio(1, 100));
  write_text(dir / "data/notes.txt", "not audio");
  write_text(dir / "data/corrupt.wav", "RIFF\x24\x00\x00\x00WAVEjunk that is no fmt chunk");
}

}  // namespace

TEST_CASE("batch over a folder tree: good files processed, bad ones reported, exit 1",
          "[cli][batch]") {
  CliDir dir;
  make_tree(dir);
  const std::optional<std::string> prefix = unprivileged_prefix();
  if (prefix) {
    write_audio(dir / "data/sub/locked.wav", sine_audio(1, 100));
    REQUIRE(chmod((dir / "data/sub/locked.wav").c_str(), 0) == 0);
  } else {
    WARN("running as root without the right to drop CAP_DAC_OVERRIDE: no unreadable file");
  }
  const CliRun run =
      run_batch(dir, "--chain " + kChain + " data --out-dir out --jobs 2 --manifest m.jsonl",
                prefix.value_or(""));
  INFO(run.err);
  CHECK(run.status == 1);
  CHECK_THAT(run.err, Contains("fxgraph: failed: data/corrupt.wav: "));
  CHECK_THAT(run.err, Contains(prefix ? "2 of 5 files failed" : "1 of 4 files failed"));
  if (prefix) CHECK_THAT(run.err, Contains("data/sub/locked.wav") && Contains("ermission denied"));
  CHECK_THAT(run.err, Contains("ignored 1 file in the input folders that are not audio files"));

  // Only the complete outputs, mirrored; no temporaries, nothing for the bad files.
  CHECK(tree(dir.path() / "out") ==
        std::vector<std::string>{"a.wav", "sub/b.wav", "sub/deep/c.flac"});
  for (const auto& [input, output] : std::vector<std::pair<std::string, std::string>>{
           {"data/a.wav", "out/a.wav"},
           {"data/sub/b.wav", "out/sub/b.wav"},
           {"data/sub/deep/c.flac", "out/sub/deep/c.flac"}})
    check_same_as_process(dir, input, output);

  const auto rows = manifest_rows(dir / "m.jsonl");
  CHECK(rows.size() == (prefix ? 5u : 4u));
  const auto& a = rows.at(quoted("data/a.wav"));
  CHECK(a.at("output") == quoted("out/a.wav"));
  CHECK(a.at("status") == quoted("done"));
  CHECK(a.at("error") == "null");
  const auto samples = read_audio(dir / "out/a.wav");  // float: the samples as processed
  double peak = 0.0, sum = 0.0;
  for (const auto& channel : samples)
    for (float x : channel) {
      peak = std::max(peak, double(std::fabs(x)));
      sum += double(x) * double(x);
    }
  CHECK(std::stoull(a.at("frames")) == samples[0].size());
  CHECK(a.at("sample_rate") == "48000");
  CHECK(a.at("channels") == "2");
  CHECK(std::stod(a.at("peak")) == Approx(peak).epsilon(1e-9));
  CHECK(std::stod(a.at("rms")) ==
        Approx(std::sqrt(sum / double(2 * samples[0].size()))).epsilon(1e-9));
  CHECK(std::stod(a.at("seconds")) > 0.0);
  CHECK(rows.at(quoted("data/sub/b.wav")).at("sample_rate") == "44100");
  CHECK(rows.at(quoted("data/sub/b.wav")).at("channels") == "1");
  const auto& corrupt = rows.at(quoted("data/corrupt.wav"));
  CHECK(corrupt.at("status") == quoted("failed"));
  CHECK_THAT(corrupt.at("error"), Contains("corrupt.wav"));
  CHECK(corrupt.at("frames") == "null");
  CHECK(corrupt.at("peak") == "null");
  if (prefix) CHECK(rows.at(quoted("data/sub/locked.wav")).at("status") == quoted("failed"));
}

TEST_CASE("a batch killed with SIGKILL resumes with --skip-existing, leaving nothing partial",
          "[cli][batch]") {
  CliDir dir;
  fs::create_directories(dir.path() / "data");
  constexpr int kFiles = 8;
  for (int i = 0; i < kFiles; ++i)
    write_audio(dir / ("data/f" + std::to_string(i) + ".wav"),
                sine_audio(2, 96000, 0.1 + 0.05 * i));
  // Small chunks make each file take a while, so the kill lands in the middle of one.
  const std::string args =
      "--chain " + kChain + " data -o out --jobs 1 --chunk-size 64 --manifest m.jsonl";
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && exec " +
                              shell_quote(FXGRAPH_CLI) + " batch " + args + " 2>/dev/null";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once one output is complete and the next is being written.
  bool mid_way = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!mid_way && std::chrono::steady_clock::now() < deadline) {
    const auto names = tree(dir.path() / "out");
    const bool complete = std::any_of(names.begin(), names.end(),
                                      [](const std::string& n) { return n.front() != '.'; });
    const bool partial = std::any_of(names.begin(), names.end(), [](const std::string& n) {
      return n.find(".fxgraph-tmp-") != std::string::npos;
    });
    mid_way = complete && partial;
    if (!mid_way) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(mid_way);
  const auto before = tree(dir.path() / "out");
  const std::size_t done_before = std::count_if(
      before.begin(), before.end(), [](const std::string& n) { return n.front() != '.'; });
  REQUIRE(done_before < std::size_t(kFiles));

  const CliRun resumed = run_batch(dir, args + " --skip-existing");
  INFO(resumed.err);
  CHECK(resumed.status == 0);
  CHECK_THAT(resumed.err, Contains("removed 1 temporary file left by an interrupted run"));
  CHECK_THAT(resumed.err, Contains(std::to_string(done_before) + " skipped"));
  std::vector<std::string> expected;
  for (int i = 0; i < kFiles; ++i) expected.push_back("f" + std::to_string(i) + ".wav");
  CHECK(tree(dir.path() / "out") == expected);  // no temporary left
  for (const std::string& name : expected)
    check_same_as_process(dir, "data/" + name, "out/" + name);
  // The manifest holds the first run's rows and the second's, whole lines only.
  std::size_t skipped = 0, done = 0;
  for (const auto& line : [&] {
         std::vector<std::string> lines;
         std::istringstream in(read_text(dir / "m.jsonl"));
         for (std::string l; std::getline(in, l);) lines.push_back(l);
         return lines;
       }()) {
    CHECK(line.back() == '}');
    if (line.find("\"status\":\"skipped\"") != std::string::npos) ++skipped;
    if (line.find("\"status\":\"done\"") != std::string::npos) ++done;
  }
  CHECK(skipped == done_before);
  CHECK(done == std::size_t(kFiles));
}

TEST_CASE("shards 1/3, 2/3 and 3/3 partition the inputs exactly", "[cli][batch]") {
  CliDir dir;
  fs::create_directories(dir.path() / "data/x");
  for (int i = 0; i < 10; ++i)
    write_audio(dir / ((i % 2 ? "data/x/s" : "data/s") + std::to_string(i) + ".wav"),
                sine_audio(1, 100));
  std::multiset<std::string> all;
  for (int k = 1; k <= 3; ++k) {
    const std::string out = "out" + std::to_string(k);
    const CliRun run = run_batch(
        dir, "--chain \"gain(0.5)\" data -o " + out + " -q --shard " + std::to_string(k) + "/3");
    REQUIRE(run.status == 0);
    const auto names = tree(dir.path() / out);
    CHECK(names.size() == (k == 1 ? 4u : 3u));
    all.insert(names.begin(), names.end());
  }
  CHECK(all.size() == 10);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 10);
}

TEST_CASE("SIGINT stops a batch cleanly: exit 130, finished outputs kept, no temporaries",
          "[cli][batch][signals]") {
  CliDir dir;
  fs::create_directories(dir.path() / "data");
  for (int i = 0; i < 4; ++i)
    write_audio(dir / ("data/f" + std::to_string(i) + ".wav"), sine_audio(2, 96000));
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && exec " +
                              shell_quote(FXGRAPH_CLI) + " batch --chain " + kChain +
                              " data -o out --jobs 2 --chunk-size 64 2>/dev/null";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  bool writing = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!writing && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& name : tree(dir.path() / "out"))
      writing = writing || name.find(".fxgraph-tmp-") != std::string::npos;
    if (!writing) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(writing);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  for (const std::string& name : tree(dir.path() / "out")) {
    CHECK(name.find(".fxgraph-tmp-") == std::string::npos);
    check_same_as_process(dir, "data/" + name, "out/" + name);
  }
}

TEST_CASE("batch mistakes are refused before any work, with exit 2", "[cli][batch]") {
  CliDir dir;
  fs::create_directories(dir.path() / "data");
  write_audio(dir / "data/x.wav", sine_audio(1, 100));
  write_audio(dir / "data/x.flac", sine_audio(1, 100), 48000, "pcm16");
  write_audio(dir / "top.wav", sine_audio(1, 100));
  const std::string chain = "--chain \"gain(0.5)\" ";
  struct Case {
    std::string args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {chain + "data -o out --format wav", "would both be written to 'x.wav'"},
           {chain + "top.wav -o .", "would overwrite the input"},
           {chain + "data missing.wav -o out", "no such file or folder: 'missing.wav'"},
           {chain + "'data/*.mp3' -o out", "matches no file"},
           {chain + "data -o out --shard 4/3", "--shard takes K/N"},
           {chain + "data -o out --format pcm16", "the sample format is --subtype pcm16"},
           {chain + "data -o out --subtype float", "float"},  // FLAC cannot store float
           {chain + "data/notes -o out", "no such file"},
           {"\"gain(0.5\" data -o out", ""},  // no --chain: the first argument is the graph
           {"--chain \"gian(2)\" data -o out", "gian"},
       }) {
    const CliRun run = run_batch(dir, c.args);
    INFO(c.args << "\n" << run.err);
    CHECK(run.status == 2);
    CHECK_THAT(run.err, Contains(c.message));
    CHECK_FALSE(fs::exists(dir.path() / "out"));
  }
}
