// SIGINT, SIGTERM and SIGHUP in the middle of `fxgraph process` and `fxgraph run`: the
// command stops, removes its temporary output (and scratch file), leaves the folder
// as it found it and exits with 128 + the signal number.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;

namespace {

/// Starts `fxgraph args…` in `dir` (stdout and stderr to `log`), returns its pid.
pid_t spawn_fxgraph(const CliDir& dir, const std::vector<std::string>& args,
                    const std::string& log) {
  std::vector<char*> argv;
  std::string program = FXGRAPH_CLI;
  argv.push_back(program.data());
  std::vector<std::string> copies = args;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.path().c_str()) != 0) _exit(126);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

/// True once a file whose name contains `marker` appears in `dir` (waits up to 30 s).
bool wait_for_entry(const CliDir& dir, const std::string& marker, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const std::string& name : dir.entries())
      if (name.find(marker) != std::string::npos) return true;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // ended too soon
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

/// Sends `signal_number` once the temporary output exists; returns the exit status.
int interrupt_when_writing(const CliDir& dir, const std::vector<std::string>& args,
                           int signal_number, const std::string& log) {
  const pid_t pid = spawn_fxgraph(dir, args, log);
  REQUIRE(pid > 0);
  const bool writing = wait_for_entry(dir, ".fxgraph-tmp-", pid);
  if (writing) kill(pid, signal_number);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO("output: " << read_text(log));
  REQUIRE(writing);  // the input must outlast the wait, or the test proves nothing
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("a signal during process or run removes the temporaries and exits 128+N",
          "[cli][signals]") {
  CliDir dir;
  CliDir logs;
  // 60 s of stereo through a reverb in small chunks: seconds of work, time to interrupt.
  write_audio(dir / "in.wav", sine_audio(2, 60 * 48000));

  SECTION("SIGINT during process exits 130") {
    const int status = interrupt_when_writing(
        dir,
        {"process", "in.wav", "out.wav", "--chain", "reverb | gain(0.5)", "--chunk-size", "512"},
        SIGINT, logs / "log");
    CHECK(status == 130);
    CHECK_THAT(read_text(logs / "log"), Catch::Matchers::Contains("interrupted by SIGINT"));
  }
  SECTION("SIGHUP during process with normalize (a scratch file) exits 129") {
    const int status = interrupt_when_writing(
        dir,
        {"process", "in.wav", "out.wav", "--chain", "reverb | normalize", "--chunk-size", "512"},
        SIGHUP, logs / "log");
    CHECK(status == 129);
  }
  SECTION("SIGTERM during run exits 143") {
    std::ofstream(dir / "graph.yaml") << "nodes:\n"
                                         "  in:  { type: file_in, path: in.wav }\n"
                                         "  verb: { type: reverb }\n"
                                         "  out: { type: file_out, path: out.wav }\n"
                                         "edges:\n"
                                         "  - in -> verb -> out\n";
    const int status =
        interrupt_when_writing(dir, {"run", "graph.yaml", "--block", "64"}, SIGTERM, logs / "log");
    CHECK(status == 143);
    std::filesystem::remove(dir / "graph.yaml");
  }
  CHECK(dir.entries() == std::vector<std::string>{"in.wav"});
}
