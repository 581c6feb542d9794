// The README's embedding example is built as a program and must run as documented.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>

namespace {
/// Runs a shell command; returns its exit status and captured stdout.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), int(chunk.size()), pipe)) output += chunk.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}
}  // namespace

TEST_CASE("the README embedding example builds a chain and changes 1.gain", "[examples]") {
  auto [status, output] = run(std::string(FXGRAPH_BINARY_DIR) + "/embed_chain");
  CHECK(status == 0);
  CHECK(output.find("before: 0.1250") != std::string::npos);
  CHECK(output.find("after:  0.2500 (1.gain = 2.0)") != std::string::npos);
}
