// Error messages as a user reads them (issue 10, defect 9): suggestions in valid syntax,
// quotes around names only, printable text, the commands listed, and a caret that
// stays under its column on an 80-column terminal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_harness.h"

using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool all_printable(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return c == '\n' || (byte >= 0x20 && byte < 0x7f) || byte >= 0x80;  // UTF-8 "…" is fine
  });
}

}  // namespace

TEST_CASE("a malformed edge gets an example built from the graph's node ids, not its text",
          "[cli][messages]") {
  CliDir dir;
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  in: { type: sine }\n"
             "  out: { type: file_out, path: o.wav }\n"
             "edges:\n"
             "  - in => out\n");
  const CliRun result = run_fxgraph(dir, "check g.yaml");
  CHECK(result.status == 2);
  CHECK_THAT(result.err, Contains("g.yaml:5:5: edge 'in => out' needs at least two endpoints "
                                  "joined by '->', e.g. `in -> out`"));
  CHECK_THAT(result.err, !Contains("=> out ->"));
}

TEST_CASE("a bad parameter value quotes the parameter's name only, the node outside the quotes",
          "[cli][messages]") {
  CliDir dir;
  write_text(dir.path() / "f.yaml",
             "nodes:\n"
             "  tone: { type: sine }\n"
             "  lp:\n"
             "    type: lowpass\n"
             "    cutoff: 1kHz\n"
             "  out: { type: file_out, path: o.wav }\n"
             "edges:\n"
             "  - tone -> lp -> out\n");
  const CliRun result = run_fxgraph(dir, "check f.yaml");
  CHECK(result.status == 2);
  CHECK(result.err ==
        "fxgraph: error: f.yaml:5:13: node 'lp' (lowpass): parameter 'cutoff' must be a number, "
        "got '1kHz'\n");
}

TEST_CASE("a binary file given to fir as its taps is a printable error at the argument",
          "[cli][messages]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 4800));
  write_audio(dir / "x.wav", sine_audio(1, 4800));  // an audio file, not a text of taps
  const CliRun result =
      run_fxgraph(dir, "process in.wav out.wav --chain " + shell_quote("fir(path=\"x.wav\")"));
  CHECK(result.status == 2);
  INFO(result.err);
  CHECK(all_printable(result.err));
  CHECK_THAT(result.err, StartsWith("fxgraph: error: --chain: "));
  CHECK_THAT(result.err, Contains("holds binary data") && Contains("at column 5"));
  // One label, no doubled "--chain: --chain", no "element 1" glued into the message.
  CHECK_THAT(result.err, !Contains("--chain: --chain") && !Contains("element 1"));
  // Both quotes of every quoted name are there.
  const std::string first_line = lines_of(result.err).front();
  CHECK(std::count(first_line.begin(), first_line.end(), '\'') % 2 == 0);
  CHECK(dir.entries() == std::vector<std::string>{"in.wav", "x.wav"});
}

TEST_CASE("an unknown command is named, with the list of commands", "[cli][messages]") {
  CliDir dir;
  const CliRun result = run_fxgraph(dir, "foo");
  CHECK(result.status == 2);
  CHECK_THAT(result.err, StartsWith("fxgraph: error: unknown command 'foo'; the commands are "));
  for (const char* command : {"run", "process", "nodes", "check", "dot", "info", "jack"})
    CHECK_THAT(result.err, Contains(command));
  CHECK_THAT(result.err, !Contains("A subcommand is required"));

  const CliRun none = run_fxgraph(dir, "");
  CHECK(none.status == 2);
  CHECK_THAT(none.err, StartsWith("fxgraph: error: no command given; the commands are run"));
}

TEST_CASE("a long --chain mistake keeps its caret under the column on 80 columns",
          "[cli][messages]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 480));
  // 150-odd characters, the mistake ('gian') near the end.
  std::string chain;
  for (int i = 0; i < 9; ++i) chain += "gain(gain_db=-" + std::to_string(i) + ") | ";
  const std::size_t column = chain.size() + 1;
  chain += "gian(2) | gain(1)";
  REQUIRE(chain.size() > 140);

  const CliRun result = run_fxgraph(dir, "process in.wav out.wav --chain " + shell_quote(chain));
  CHECK(result.status == 2);
  INFO(result.err);
  const std::vector<std::string> lines = lines_of(result.err);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], StartsWith("fxgraph: error: --chain: unknown node type 'gian'") &&
                           Contains("at column " + std::to_string(column) + ":"));
  // The spec (a window of it) and the caret each fit on a line of 80 columns…
  CHECK(lines[1].size() <= 80);
  CHECK(lines[2].size() <= 80);
  // …and the caret points at the mistake: the window line holds 'gian(2)' right above it.
  const std::size_t caret = lines[2].find('^');
  REQUIRE(caret != std::string::npos);
  CHECK(lines[2].find_first_not_of(' ') == caret);
  CHECK(lines[1].compare(caret, 7, "gian(2)") == 0);
  // The window is the spec's text around the column, cut with "..." at the start.
  CHECK_THAT(lines[1], StartsWith("  ..."));
  const std::string shown = lines[1].substr(5);
  CHECK(chain.find(shown) != std::string::npos);
}
