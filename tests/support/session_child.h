#pragma once
// Child processes for tests that drive a live session (`fxgraph jack`) through pipes:
// Child sends command lines to its stdin and reads answer lines from its stdout (its
// stderr goes to a file the test can read), TempYaml writes a graph file to /tmp.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/eventually.h"

extern char** environ;

namespace fxgraph::test {

using namespace std::chrono_literals;

// A program run with its stdin and stdout on pipes and its stderr in a file.
// posix_spawn, not fork: the test process has JACK threads, and after fork() a child
// of a multithreaded process may only make async-signal-safe calls.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    static std::atomic<int> counter{0};
    stderr_path_ = "/tmp/fxgraph-jack-test-" + std::to_string(::getpid()) + "-" +
                   std::to_string(counter++) + ".stderr";
    int in[2], out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int error = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    ::fcntl(stdin_, F_SETFD, FD_CLOEXEC);
    ::fcntl(stdout_, F_SETFD, FD_CLOEXEC);
    INFO("posix_spawn " << args[0]);
    REQUIRE(error == 0);
  }
  ~Child() {
    close_input();
    if (pid_ > 0 && !exit_status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_);
    ::unlink(stderr_path_.c_str());
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  void send(const std::string& line) {
    const std::string text = line + "\n";
    REQUIRE(::write(stdin_, text.data(), text.size()) == ssize_t(text.size()));
  }
  void close_input() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  /// The next line of stdout (without its newline), or nullopt after `timeout` or at EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      pollfd fd{stdout_, POLLIN, 0};
      if (::poll(&fd, 1, int(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(stdout_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, std::size_t(n));
    }
  }

  /// Sends `command` and returns the answer line ("" when none came).
  std::string ask(const std::string& command) {
    send(command);
    return read_line().value_or("");
  }

  /// The exit status, waiting up to `timeout`; -1 when it did not exit (or was killed
  /// by a signal).
  int wait(std::chrono::milliseconds timeout = 5000ms) {
    return eventually([&] { return exited(); }, timeout) ? *exit_status_ : -1;
  }
  /// Whether the child has exited (reaps it once; wait() then returns its status).
  bool exited() {
    if (exit_status_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
  }
  /// Waits until stderr holds `text`: false after `timeout`, or as soon as the child
  /// exited without writing it.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout = 10000ms) {
    const auto written = [&] { return stderr_text().find(text) != std::string::npos; };
    eventually([&] { return written() || exited(); }, timeout);
    return written();
  }

  std::string stderr_text() const {
    std::ifstream file(stderr_path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  std::optional<int> exit_status_;
};

// A YAML file in /tmp, removed at the end of the test.
class TempYaml {
 public:
  explicit TempYaml(const std::string& text) {
    static std::atomic<int> counter{0};
    path_ = "/tmp/fxgraph-jack-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++) + ".yaml";
    std::ofstream(path_) << text;
  }
  ~TempYaml() { ::unlink(path_.c_str()); }
  TempYaml(const TempYaml&) = delete;
  TempYaml& operator=(const TempYaml&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace fxgraph::test
