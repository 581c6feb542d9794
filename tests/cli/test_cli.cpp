// The `fxgraph` command, run as a user runs it: the real executable in a fresh folder,
// its exit status, stdout and stderr captured, its output files read back.
//
// Exit status: 0 success (and --help), 2 bad usage or bad input, 1 runtime failure.
// Every error message starts with "fxgraph: error: ", and a failed command leaves no
// output file (not even a temporary one) behind.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_harness.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

// The shared runner (cli_harness.h) under the names these tests were written with.
using TempDir = CliDir;
using CliResult = CliRun;
CliResult run_cli(const TempDir& dir, const std::string& args) {
  return run_fxgraph(dir, args);
}

/// Planar test audio: channel c, frame i holds a distinct value below full scale.
std::vector<std::vector<float>> test_signal(std::uint32_t channels, std::uint32_t frames) {
  std::vector<std::vector<float>> audio(channels, std::vector<float>(frames));
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      audio[c][i] = float(0.8 * std::sin(0.01 * double(i) * double(c + 1)) + 0.01 * double(c));
  return audio;
}

void write_wav(const std::string& path, const std::vector<std::vector<float>>& audio,
               std::uint32_t rate = 48000, const std::string& sample_format = "float") {
  write_audio(path, audio, rate, sample_format);
}

std::vector<std::vector<float>> read_wav(const std::string& path) {
  return read_audio(path);
}

/// `audio` with every sample multiplied by `gain`, in float as the gain node computes it.
std::vector<std::vector<float>> scaled(std::vector<std::vector<float>> audio, float gain) {
  for (auto& channel : audio)
    for (float& sample : channel) sample *= gain;
  return audio;
}

/// file_in (in.wav) → gain (amp, gain 0.25) → file_out (out.wav, float), paths
/// relative to the YAML's folder.
const char* kGainGraph = R"(name: gain_graph
nodes:
  in:  { type: file_in, path: in.wav }
  amp: { type: gain, gain: 0.25 }
  out: { type: file_out, path: out.wav, format: float }
edges:
  - in -> amp -> out
)";

/// The checks every failing command passes: the status, the message prefix, and no
/// output file or temporary left in the folder.
void require_clean_failure(const CliResult& result, const TempDir& dir,
                           const std::vector<std::string>& entries_before, int status = 2) {
  INFO("stderr: " << result.err);
  CHECK(result.status == status);
  CHECK_THAT(result.err, StartsWith("fxgraph: error: "));
  CHECK(dir.entries() == entries_before);
}

}  // namespace

TEST_CASE("--help of every subcommand exits 0 and shows an example", "[cli]") {
  TempDir dir;
  for (const std::string command : {"run", "process", "nodes", "check", "dot", "info"}) {
    INFO("fxgraph " << command << " --help");
    const CliResult result = run_cli(dir, command + " --help");
    CHECK(result.status == 0);
    CHECK_THAT(result.out, Contains("Usage: fxgraph " + command));
    CHECK_THAT(result.out, Contains("Example"));
    CHECK_THAT(result.out, Contains("fxgraph " + command + " "));
    CHECK(result.err.empty());
  }
  const CliResult top = run_cli(dir, "--help");
  CHECK(top.status == 0);
  CHECK_THAT(top.out, Contains("Example"));
  const CliResult version = run_cli(dir, "--version");
  CHECK(version.status == 0);
  CHECK_THAT(version.out, StartsWith("fxgraph "));
}

TEST_CASE("command-line mistakes exit 2 with the error prefix", "[cli]") {
  TempDir dir;
  for (const std::string args : {"", "frobnicate", "info", "run --no-such-option x.yaml",
                                 "run g.yaml --block 0", "process a.wav b.wav"}) {
    INFO("fxgraph " << args);
    const CliResult result = run_cli(dir, args);
    CHECK(result.status == 2);
    CHECK_THAT(result.err, StartsWith("fxgraph: error: "));
  }
}

TEST_CASE("nodes lists the catalog and describes one type", "[cli]") {
  TempDir dir;
  SECTION("the list names every type with its summary") {
    const CliResult result = run_cli(dir, "nodes");
    REQUIRE(result.status == 0);
    CHECK_THAT(result.out, Contains("gain"));
    CHECK_THAT(result.out, Contains("file_out"));
    CHECK_THAT(result.out, Contains("multiply by a ramped gain"));
  }
  SECTION("a type shows its parameters with ranges, found by name or alias") {
    const CliResult result = run_cli(dir, "nodes gain");
    REQUIRE(result.status == 0);
    CHECK_THAT(result.out, Contains("gain_db"));
    CHECK_THAT(result.out, Contains("[-120, 60] dB"));
    CHECK_THAT(result.out, Contains("ramped"));
    const CliResult alias = run_cli(dir, "nodes Freeverb");
    REQUIRE(alias.status == 0);
    CHECK_THAT(alias.out, Contains("room_size"));
  }
  SECTION("an unknown type exits 2 and suggests close names") {
    const CliResult result = run_cli(dir, "nodes gian");
    CHECK(result.status == 2);
    CHECK_THAT(result.err, StartsWith("fxgraph: error: "));
    CHECK_THAT(result.err, Contains("did you mean Gain, gain"));  // torchfx's and ours
  }
}

TEST_CASE("info prints a file's format, rate, channels and levels", "[cli]") {
  TempDir dir;
  // A constant 0.5 on both channels: peak and RMS are 0.5, -6.02 dBFS.
  write_wav(dir / "half.wav", {std::vector<float>(4410, 0.5f), std::vector<float>(4410, 0.5f)},
            44100);
  const CliResult result = run_cli(dir, "info half.wav");
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Contains("44100 Hz"));
  CHECK_THAT(result.out, Contains("channels:     2"));
  CHECK_THAT(result.out, Contains("frames:       4410"));
  CHECK_THAT(result.out, Contains("-6.02 dBFS"));
  CHECK_THAT(result.out, Contains("channel 2"));

  const CliResult missing = run_cli(dir, "info nothing.wav");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, StartsWith("fxgraph: error: "));
}

TEST_CASE("info takes several files and prints durations as h:mm:ss.mmm", "[cli]") {
  TempDir dir;
  // 0.1 s, and 61.5 s (past a minute) of mono silence at 8 kHz.
  write_wav(dir / "short.wav", {std::vector<float>(800, 0.0f)}, 8000);
  write_wav(dir / "long.wav", {std::vector<float>(492000, 0.0f)}, 8000);
  const CliResult both = run_cli(dir, "info short.wav long.wav");
  REQUIRE(both.status == 0);
  CHECK_THAT(both.out, Contains("file:         short.wav"));
  CHECK_THAT(both.out, Contains("duration:     0:00:00.100 (0.100 s)"));
  CHECK_THAT(both.out, Contains("file:         long.wav"));
  CHECK_THAT(both.out, Contains("duration:     0:01:01.500 (61.500 s)"));

  // A file that cannot be read is named; the others are still shown; the status says so.
  const CliResult one_bad = run_cli(dir, "info short.wav nothing.wav long.wav");
  CHECK(one_bad.status == 2);
  CHECK_THAT(one_bad.out, Contains("short.wav") && Contains("long.wav"));
  CHECK_THAT(one_bad.err, Contains("nothing.wav") && Contains("1 of 3 files could not be read"));
}

TEST_CASE("run renders the bundled demo graph, and info reads the result", "[cli]") {
  TempDir dir;
  const std::string demo = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/demo.yaml";
  const CliResult run =
      run_cli(dir, "run " + shell_quote(demo) + " --output demo.wav --duration 0.5");
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  CHECK_THAT(run.err, Contains("24000 frames"));
  CHECK(run.err.find('\r') == std::string::npos);  // no progress bar when stderr is a file

  const CliResult info = run_cli(dir, "info demo.wav");
  REQUIRE(info.status == 0);
  CHECK_THAT(info.out, Contains("48000 Hz"));
  CHECK_THAT(info.out, Contains("channels:     1"));
  CHECK_THAT(info.out, Contains("frames:       24000"));
}

TEST_CASE("process runs a file through a --chain, sample for sample", "[cli]") {
  TempDir dir;
  const auto input = test_signal(2, 10000);
  write_wav(dir / "in.wav", input);

  SECTION("gain(0.5) halves every sample exactly") {
    const CliResult result = run_cli(dir, "process in.wav out.wav --chain \"gain(0.5)\" --quiet");
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK(result.err.empty());
    CHECK(read_wav(dir / "out.wav") == scaled(input, 0.5f));
  }
  SECTION("elements chain, keyword arguments and small chunks give the same result") {
    const CliResult result = run_cli(dir,
                                     "process in.wav out.wav --chunk-size 777 "
                                     "--chain \" gain( 0.5 ) | Gain(gain = 0.5, clamp=0) | gain\"");
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK(read_wav(dir / "out.wav") == scaled(scaled(input, 0.5f), 0.5f));
  }
  SECTION("the chain of the documentation runs: filters with positional and named values") {
    const CliResult result =
        run_cli(dir,
                "process in.wav out.wav --no-tail "
                "--chain \"highpass(80) | lowpass(8000, order=2) | gain(1.5)\"");
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK(read_wav(dir / "out.wav").front().size() == 10000);
  }
  SECTION("--format sets the output's sample format") {
    const CliResult result =
        run_cli(dir, "process in.wav out.wav --chain gain --format pcm16 --quiet");
    REQUIRE(result.status == 0);
    CHECK(SndfileReader(dir / "out.wav").subtype() == SampleFormat::pcm16);
  }
}

TEST_CASE("a --chain mistake exits 2 and points at its column", "[cli]") {
  TempDir dir;
  write_wav(dir / "in.wav", test_signal(1, 1000));
  const auto before = dir.entries();

  struct Case {
    std::string chain;
    std::string message;
    std::size_t column;
  };
  for (const Case& c :
       {Case{"gain(0.5 | gain(2)", "expected ',' or ')'", 10},
        Case{"gain(0.5) gain(2)", "expected '|' between nodes", 11},
        Case{"gain(0.5) | | gain", "expected a node type", 13},
        Case{"gain(0.5x)", "'0.5x' is not a number", 6},
        Case{"gian(2)", "did you mean Gain, gain", 1}, Case{"gain(gain_db=500)", "out of range", 6},
        Case{"gain(volume=2)", "unknown setting 'volume'", 6},
        Case{"gain(1, 0, 0, 7)", "at most 3 positional values", 15},
        Case{"gain(gain=1, gain=2)", "'gain' is given twice", 14},
        Case{"", "the chain is empty", 1}}) {
    INFO("--chain \"" << c.chain << "\"");
    const CliResult result = run_cli(dir, "process in.wav out.wav --chain " + shell_quote(c.chain));
    require_clean_failure(result, dir, before);
    CHECK_THAT(result.err, Contains(c.message));
    CHECK_THAT(result.err, Contains("at column " + std::to_string(c.column) + ":"));
    // The last line is a caret under the column of the spec echoed on the line above
    // (the message's own line when it fits in 80 columns, else a line of its own).
    REQUIRE(result.err.size() > 2);
    const auto caret_start = result.err.rfind('\n', result.err.size() - 2) + 1;
    const std::string caret = result.err.substr(caret_start);
    const auto above_start = result.err.rfind('\n', caret_start - 2) + 1;
    const std::string above = result.err.substr(above_start, caret_start - 1 - above_start);
    REQUIRE(caret.size() >= 2);
    CHECK(caret == std::string(caret.size() - 2, ' ') + "^\n");
    const std::size_t at = caret.size() - 2;
    CHECK(above.size() >= at);
    CHECK(above.size() - at == c.chain.size() - (c.column - 1));  // the spec ends the line
    CHECK(above.compare(at, std::string::npos, c.chain, c.column - 1) == 0);
  }
}

TEST_CASE("run renders a file_in -> gain -> file_out graph", "[cli]") {
  TempDir dir;
  const auto input = test_signal(2, 5000);
  write_wav(dir / "in.wav", input);
  write_text(dir / "graph.yaml", kGainGraph);

  SECTION("paths in the YAML are relative to its folder") {
    TempDir elsewhere;  // run from another folder
    const CliResult result = run_cli(elsewhere, "run " + shell_quote(dir / "graph.yaml"));
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK_THAT(result.err, Contains("5000 frames"));
    CHECK(read_wav(dir / "out.wav") == scaled(input, 0.25f));
  }
  SECTION("--set overrides a parameter before rendering") {
    const CliResult result = run_cli(dir, "run graph.yaml --set amp.gain=0.5 --quiet");
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK(result.err.empty());
    CHECK(read_wav(dir / "out.wav") == scaled(input, 0.5f));
  }
  SECTION("--input, --output and --format replace the file nodes' settings") {
    // A template: its own input does not exist and its output is a FLAC setting.
    std::string yaml = kGainGraph;
    yaml.replace(yaml.find("in.wav"), 6, "placeholder.wav");
    yaml.replace(yaml.find("out.wav, format: float"), 22, "out.flac, compression: 8");
    write_text(dir / "template.yaml", yaml);
    const auto other = test_signal(2, 3000);
    write_wav(dir / "other.wav", other);
    const CliResult result = run_cli(
        dir, "run template.yaml --input other.wav --output other-out.wav --format float --quiet");
    INFO("stderr: " << result.err);
    REQUIRE(result.status == 0);
    CHECK(read_wav(dir / "other-out.wav") == scaled(other, 0.25f));
    CHECK_FALSE(fs::exists(dir / "out.wav"));
  }
  SECTION("--duration renders a set length, padding past the input's end with silence") {
    const CliResult result = run_cli(dir, "run graph.yaml --duration 0.125 --quiet");
    REQUIRE(result.status == 0);
    CHECK(read_wav(dir / "out.wav").front().size() == 6000);
  }
}

TEST_CASE("a bad --set exits 2 with the reason and writes nothing", "[cli]") {
  TempDir dir;
  write_wav(dir / "in.wav", test_signal(1, 1000));
  write_text(dir / "graph.yaml", kGainGraph);
  const auto before = dir.entries();

  struct Case {
    std::string set;
    std::string message;
  };
  for (const Case& c :
       {Case{"amp.gain=nan", "not a finite number"}, Case{"amp.gain=5000", "out of range"},
        Case{"amp.gain_db=-200", "[-120, 60] dB"}, Case{"nobody.gain=1", "unknown node 'nobody'"},
        Case{"amp.volume=1", "unknown parameter 'volume'"},
        Case{"amp.gain=loud", "'loud' is not a number"},
        Case{"amp.gain=1x", "'1x' is not a number"}, Case{"amp.gain=", "'' is not a number"},
        Case{"amp.gain", "expected node.param=value"},
        Case{"gain=1", "must be 'node.parameter'"}}) {
    INFO("--set " << c.set);
    const CliResult result = run_cli(dir, "run graph.yaml --set " + shell_quote(c.set));
    require_clean_failure(result, dir, before);
    CHECK_THAT(result.err, Contains(c.message));
  }
}

TEST_CASE("bad input files exit 2 and leave no output file", "[cli]") {
  TempDir dir;
  write_wav(dir / "in.wav", test_signal(2, 1000));
  write_text(dir / "graph.yaml", kGainGraph);
  // Cut in the middle of its data: libsndfile would quietly read the shorter file.
  write_wav(dir / "truncated.wav", test_signal(2, 48000), 48000, "pcm16");
  fs::resize_file(dir / "truncated.wav", 100000);
  write_text(dir / "text.wav", "this is not audio, whatever its name says\n");
  const auto before = dir.entries();

  struct Case {
    std::string name;
    std::string process_args;  ///< IN OUT for `process`
    std::string run_args;      ///< overrides for `run graph.yaml`
    std::string message;
  };
  for (const Case& c :
       {Case{"missing input", "missing.wav out.wav", "--input missing.wav", "does not exist"},
        Case{"truncated WAV", "truncated.wav out.wav", "--input truncated.wav", "truncated"},
        Case{"text file named .wav", "text.wav out.wav", "--input text.wav", "text.wav"},
        Case{"output folder missing", "in.wav no/such/folder/out.wav",
             "--output no/such/folder/out.wav", "does not exist"},
        Case{"output equal to input", "in.wav ./in.wav", "--output ./in.wav", "is the input file"},
        Case{"unknown output extension", "in.wav out.xyz", "--output out.xyz", "out.xyz"},
        Case{"unknown sample format", "in.wav out.wav --format pcm12",
             "--output out.wav --format pcm12", "pcm12"}}) {
    SECTION(c.name) {
      const CliResult process = run_cli(dir, "process " + c.process_args + " --chain \"gain(2)\"");
      {
        INFO("process " << c.process_args);
        require_clean_failure(process, dir, before);
        CHECK_THAT(process.err, Contains(c.message));
      }
      const CliResult run = run_cli(dir, "run graph.yaml " + c.run_args);
      {
        INFO("run graph.yaml " << c.run_args);
        require_clean_failure(run, dir, before);
        CHECK_THAT(run.err, Contains(c.message));
      }
      CHECK(read_wav(dir / "in.wav") == test_signal(2, 1000));  // the input is untouched
    }
  }
}

TEST_CASE("bad graphs exit 2 with a message that points into the file", "[cli]") {
  TempDir dir;
  write_wav(dir / "in.wav", test_signal(2, 1000));

  struct Case {
    std::string name;
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases{
      {"YAML syntax error", "nodes:\n  in: { type: file_in, path: in.wav\n  out: [\n", "bad.yaml:"},
      {"unknown node type",
       "nodes:\n  in: { type: file_in, path: in.wav }\n  amp: { type: gian }\n"
       "  out: { type: file_out, path: out.wav }\nedges:\n  - in -> amp -> out\n",
       "bad.yaml:3:"},
      {"unknown parameter",
       "nodes:\n  in: { type: file_in, path: in.wav }\n  amp: { type: gain, volume: 2 }\n"
       "  out: { type: file_out, path: out.wav }\nedges:\n  - in -> amp -> out\n",
       "volume"},
      {"cycle",
       "nodes:\n  in: { type: file_in, path: in.wav }\n  mix: { type: mix, inputs: 2 }\n"
       "  a: { type: gain }\n  b: { type: gain }\n  out: { type: file_out, path: out.wav }\n"
       "edges:\n  - in -> mix:0\n  - mix -> a -> b -> mix:1\n  - b -> out\n",
       "cycle"},
      {"channel mismatch",
       "nodes:\n  two: { type: sine, channels: 2 }\n  three: { type: sine, channels: 3 }\n"
       "  amp: { type: gain }\n  out: { type: file_out, path: out.wav }\n"
       "edges:\n  - two -> amp\n  - three -> amp\n  - amp -> out\n",
       "channel"},
      {"duplicate id",
       "nodes:\n  amp: { type: gain }\n  amp: { type: gain }\n"
       "  out: { type: file_out, path: out.wav }\nedges:\n  - amp -> out\n",
       "duplicate"},
      {"no file_out", "nodes:\n  tone: { type: sine }\n", "no file_out"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      write_text(dir / "bad.yaml", c.yaml);
      const auto before = dir.entries();
      const CliResult run = run_cli(dir, "run bad.yaml --duration 0.1");
      require_clean_failure(run, dir, before);
      CHECK_THAT(run.err, Contains(c.message));
      CHECK_THAT(run.err, Contains("bad.yaml"));
      if (c.name != "no file_out") {  // a graph without outputs compiles
        const CliResult check = run_cli(dir, "check bad.yaml");
        require_clean_failure(check, dir, before);
        CHECK_THAT(check.err, Contains(c.message));
      }
    }
  }
}

TEST_CASE("check prints the compiled order and ok", "[cli]") {
  TempDir dir;
  write_wav(dir / "in.wav", test_signal(2, 1000));
  write_text(dir / "graph.yaml", kGainGraph);
  const CliResult result = run_cli(dir, "check graph.yaml");
  INFO("stderr: " << result.err);
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, Contains("order: in, amp, out"));
  CHECK_THAT(result.out, Contains("buffers"));
  CHECK_THAT(result.out, Contains("\nok\n"));
  CHECK_FALSE(fs::exists(dir / "out.wav"));  // checking writes nothing
}

TEST_CASE("dot writes Graphviz with node and port labels", "[cli]") {
  TempDir dir;
  const std::string demo = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/demo.yaml";
  const CliResult result = run_cli(dir, "dot " + shell_quote(demo));
  INFO("stderr: " << result.err);
  REQUIRE(result.status == 0);
  CHECK_THAT(result.out, StartsWith("digraph"));
  CHECK_THAT(result.out, Contains("label=\"master\\ngain\""));
  CHECK_THAT(result.out, Contains("label=\"out->0\""));

  const CliResult to_file = run_cli(dir, "dot " + shell_quote(demo) + " -o demo.dot");
  REQUIRE(to_file.status == 0);
  CHECK(read_text(dir / "demo.dot") == result.out);
}

#ifndef FXGRAPH_WITH_JACK
// Built with FXGRAPH_WITH_JACK=OFF: the subcommand stays and explains itself. (With
// JACK, tests/engine/test_realtime_processor_jack.cpp runs the real one.)
TEST_CASE("fxgraph jack in a build without JACK exits 2 saying how to get it", "[cli]") {
  TempDir dir;
  const std::string guitar = std::string(FXGRAPH_SOURCE_DIR) + "/graphs/guitar.yaml";
  const CliResult result = run_cli(dir, "jack " + shell_quote(guitar) + " --connect");
  CHECK(result.status == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, StartsWith("fxgraph: error: this fxgraph was built without JACK"));
  CHECK_THAT(result.err, Contains("libjack-jackd2-dev"));
  CHECK(dir.entries().empty());
}
#endif
