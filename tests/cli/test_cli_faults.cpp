// Faults while `fxgraph process` writes: each ends with a clear message, the input as it
// was, and nothing new in the output folder (no partial output, no temporary).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

/// A small tmpfs mounted on a folder for the test's lifetime (root only).
class SmallTmpfs {
 public:
  SmallTmpfs(const std::string& where, const char* options) : where_(where) {
    fs::create_directories(where);
    mounted_ = geteuid() == 0 && ::mount("fxgraph-test", where.c_str(), "tmpfs", 0, options) == 0;
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string where_;
  bool mounted_ = false;
};

/// Starts `command` (a shell line) in the background, returns its pid.
pid_t spawn_shell(const std::string& command) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

bool has_entry_containing(const fs::path& dir, const std::string& marker) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(marker) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a full disk fails with exit 1, a clear message and no partial output", "[cli][faults]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(2, 48000 * 10));  // 3.8 MB of float
  const std::string before = read_text(dir / "in.wav");
  SmallTmpfs disk(dir / "small", "size=1m");
  if (!disk.mounted()) {
    WARN("skipped: mounting a 1 MB tmpfs needs root (and mount rights in this container)");
    return;
  }
  const CliRun result = run_fxgraph(dir, "process in.wav small/out.wav --chain 'gain(0.5)' -q");
  INFO(result.err);
  CHECK(result.status == 1);
  CHECK_THAT(result.err, StartsWith("fxgraph: error: "));
  CHECK_THAT(result.err, Contains("No space left on device"));
  CHECK(fs::is_empty(dir / "small"));
  CHECK(read_text(dir / "in.wav") == before);
}

TEST_CASE("a read-only output folder is refused before anything is read", "[cli][faults]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 4800));
  SmallTmpfs readonly(dir / "ro", "ro,size=1m");
  if (!readonly.mounted()) {
    if (geteuid() == 0) {
      WARN("skipped: root ignores folder permissions and cannot mount a read-only tmpfs here");
      return;
    }
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  }
  const CliRun result = run_fxgraph(dir, "process in.wav ro/out.wav --chain 'gain(0.5)' -q");
  INFO(result.err);
  CHECK(result.status != 0);
  CHECK_THAT(result.err, Contains("ro"));
  CHECK_THAT(result.err, Contains("Read-only file system") || Contains("Permission denied"));
  CHECK(fs::is_empty(dir / "ro"));
}

TEST_CASE("an output path that is a folder, or the input through a hard link, is refused",
          "[cli][faults]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 4800));
  const std::string before = read_text(dir / "in.wav");
  fs::create_directory(dir / "folder.wav");
  fs::create_hard_link(dir / "in.wav", dir / "link.wav");
  const auto entries = dir.entries();

  const CliRun folder = run_fxgraph(dir, "process in.wav folder.wav --chain 'gain(0.5)'");
  CHECK(folder.status == 2);
  CHECK_THAT(folder.err, Contains("is a folder"));
  const CliRun linked = run_fxgraph(dir, "process in.wav link.wav --chain 'gain(0.5)'");
  CHECK(linked.status == 2);
  CHECK_THAT(linked.err, Contains("is the input file"));
  CHECK(dir.entries() == entries);
  CHECK(read_text(dir / "in.wav") == before);
}

TEST_CASE("an input deleted or truncated while it is read", "[cli][faults]") {
  CliDir dir;
  CliDir logs;
  const std::uint32_t frames = 48000 * 30;
  write_audio(dir / "in.wav", sine_audio(2, frames));
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && exec " +
                              shell_quote(FXGRAPH_CLI) +
                              " process in.wav out.wav --chain 'reverb | gain(0.5)' --no-tail "
                              "--chunk-size 256 -q >" +
                              shell_quote(logs / "log") + " 2>&1";
  const pid_t pid = spawn_shell(command);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!has_entry_containing(dir.path(), ".fxgraph-tmp-") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));

  SECTION("deleted: the open file is read to its end, the output is whole") {
    fs::remove(dir / "in.wav");
    int status = 0;
    waitpid(pid, &status, 0);
    INFO(read_text(logs / "log"));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(read_audio(dir / "out.wav").front().size() == frames);
  }
  SECTION("truncated: exit 1 saying so, and no output") {
    REQUIRE(::truncate((dir / "in.wav").c_str(), 4096) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string log = read_text(logs / "log");
    INFO(log);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK_THAT(log, Contains("truncated while being read"));
    CHECK(dir.entries() == std::vector<std::string>{"in.wav"});
  }
}

TEST_CASE("run: an input truncated while it is read fails as process does", "[cli][faults]") {
  CliDir dir;
  CliDir logs;
  write_audio(dir / "in.wav", sine_audio(2, 48000 * 30));
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  src: { type: file_in, path: in.wav }\n"
             "  room: { type: reverb }\n"
             "  dst: { type: file_out, path: out.wav }\n"
             "edges:\n"
             "  - src -> room -> dst\n");
  const pid_t pid = spawn_shell(
      "cd " + shell_quote(dir.path().string()) + " && exec " + shell_quote(FXGRAPH_CLI) +
      " run g.yaml --no-tail --block 256 -q >" + shell_quote(logs / "log") + " 2>&1");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!has_entry_containing(dir.path(), ".fxgraph-tmp-") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  REQUIRE(::truncate((dir / "in.wav").c_str(), 4096) == 0);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string log = read_text(logs / "log");
  INFO(log);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(log, StartsWith("fxgraph: error: '") && Contains("in.wav' ended after ") &&
                      Contains("of its 1440000 frames (was it truncated while being read?); "
                               "nothing was written"));
  CHECK(dir.entries() == std::vector<std::string>{"g.yaml", "in.wav"});
}
