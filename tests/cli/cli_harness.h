#pragma once
// Running the real `fxgraph` executable from a test, as a user runs it: in a folder of
// its own, with its exit status, stdout and stderr captured.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#ifndef FXGRAPH_CLI
#error "FXGRAPH_CLI (the path of the built fxgraph executable) must be defined"
#endif

namespace fxgraph::test::cli {

/// A folder of its own under /tmp for one test, removed afterwards.
class CliDir {
 public:
  CliDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fxgraph-cli-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~CliDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  CliDir(const CliDir&) = delete;
  CliDir& operator=(const CliDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CliRun {
  int status = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Runs `fxgraph <args>` (args are shell words) in `dir`, stdin from /dev/null (or
/// `stdin_text`). stdout and stderr go to files outside `dir`.
inline CliRun run_fxgraph(const CliDir& dir, const std::string& args,
                          const std::string& stdin_text = "") {
  static CliDir capture;
  const std::string out = capture / "stdout", err = capture / "stderr", in = capture / "stdin";
  write_text(in, stdin_text);
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && " +
                              shell_quote(FXGRAPH_CLI) + " " + args + " >" + shell_quote(out) +
                              " 2>" + shell_quote(err) + " <" + shell_quote(in);
  const int raw = std::system(command.c_str());
  CliRun result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

}  // namespace fxgraph::test::cli
