// `fxgraph jack`'s hot reload against a real (dummy) JACK server: the `reload` command
// and --watch (cli/session_reload.h), driven through the session's pipes.
#include <jack/jack.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"
#include "support/child_process.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::Child;
using fxgraph::test::eventually;
using fxgraph::test::Probe;
using fxgraph::test::TempYaml;
using namespace std::chrono_literals;

namespace {

const std::string kRunningBanner = "running as JACK client";

/// A 440 Hz tone through a low-pass and a gain, out of one JACK port `fxr:monitor_1`.
std::string rig(const std::string& gain, const std::string& cutoff = "2000") {
  return "name: reload_rig\n"
         "nodes:\n"
         "  tone: { type: sine, frequency: 440, amplitude: 0.5 }\n"
         "  lp: { type: lowpass, cutoff: " +
         cutoff +
         " }\n"
         "  drive: { type: gain, gain: " +
         gain +
         " }\n"
         "  monitor: { type: jack_out, channels: 1 }\n"
         "edges:\n"
         "  - tone -> lp -> drive -> monitor\n";
}

/// Saves `text` over `path` the way editors do: a new file, renamed over the old one.
void save_by_rename(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".swp";
  std::ofstream(temporary) << text;
  REQUIRE(std::rename(temporary.c_str(), path.c_str()) == 0);
}

std::vector<std::string> jack_reload_command(const std::string& graph, const std::string& server,
                                             bool watch = false) {
  std::vector<std::string> args{FXGRAPH_CLI, "jack", graph, "--server", server, "--name", "fxr"};
  if (watch) args.push_back("--watch");
  return args;
}

/// Records what arrives on its port into a preallocated buffer, from the first
/// non-silent sample on (before that the port is not connected yet).
struct Recorder {
  explicit Recorder(std::size_t frames) : samples(frames) {}
  jack_port_t* port = nullptr;
  std::vector<float> samples;
  std::atomic<std::size_t> recorded{0};
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<Recorder*>(arg);
    const auto* in = static_cast<const float*>(jack_port_get_buffer(self.port, frames));
    std::size_t at = self.recorded.load(std::memory_order_relaxed);
    for (jack_nframes_t i = 0; i < frames && at < self.samples.size(); ++i) {
      if (at == 0 && in[i] == 0.0f) continue;
      self.samples[at++] = in[i];
    }
    self.recorded.store(at, std::memory_order_release);
    return 0;
  }
};

/// The largest deviation of `y` from a sinusoid of angular frequency `w` (radians per
/// sample): a pure tone satisfies y[n+1] + y[n-1] = 2 cos(w) y[n] exactly; a slowly
/// moving gain leaves a small residue, a restarted oscillator or filter a large one.
double sinusoid_residue(const std::vector<float>& y, std::size_t from, double w) {
  double worst = 0.0;
  for (std::size_t n = from + 1; n + 1 < y.size(); ++n)
    worst = std::max(worst, std::abs(double(y[n + 1]) + y[n - 1] - 2.0 * std::cos(w) * y[n]));
  return worst;
}

double peak(const std::vector<float>& y, std::size_t from, std::size_t to) {
  double p = 0.0;
  for (std::size_t n = from; n < to; ++n) p = std::max(p, double(std::abs(y[n])));
  return p;
}

}  // namespace

TEST_CASE(
    "fxgraph jack's reload applies the file's new gain while the tone and the low-pass "
    "play on without a discontinuity",
    "[cli][jack][reload]") {
  test::JackServer server;
  TempYaml graph(rig("0.5"));
  Child cli(jack_reload_command(graph.path(), server.name()));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  Probe probe(server, "probe");
  Recorder recorder(48000);  // one second
  recorder.port = probe.add_port("in", JackPortIsInput);
  probe.activate(&Recorder::process, &recorder);
  probe.connect("fxr:monitor_1", probe.full_name("in"));
  REQUIRE(eventually([&] { return recorder.recorded.load() >= 12000; }));

  std::ofstream(graph.path()) << rig("0.25");
  const std::string answer = cli.ask("reload");
  CHECK_THAT(answer, StartsWith("ok reload: kept 4, rebuilt 0, added 0, removed 0; 1 value "
                                "from the file (drive.gain = 0.25)"));
  const std::size_t reloaded_at = recorder.recorded.load();
  REQUIRE(eventually([&] { return recorder.recorded.load() == recorder.samples.size(); }));
  INFO("reload answered at frame " << reloaded_at);
  REQUIRE(reloaded_at < 40000);  // the swap lies inside the recording

  const std::vector<float>& y = recorder.samples;
  const double w = 2.0 * std::numbers::pi * 440.0 / 48000.0;
  // The reference is the tone itself, as it would play without a reload: skipping the
  // connection (silence to tone) and the low-pass settling after it, the output stays a
  // 440 Hz sinusoid through the swap. The gain's ramp (0.25 over 10 ms) leaves a residue
  // below 3e-4; a tone restarting its phase or a low-pass restarting from silence
  // leaves one of the order of the signal (0.25). (The engine-level test,
  // tests/graphs/test_graph_reload.cpp, compares sample for sample.)
  CHECK(sinusoid_residue(y, 4800, w) < 2e-3);
  // The gain did change: half the level after the swap.
  CHECK(peak(y, 4800, 9600) == Approx(0.25).epsilon(0.05));
  CHECK(peak(y, 40000, 48000) == Approx(0.125).epsilon(0.05));

  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack's reload keeps values set live unless the file changes them",
          "[cli][jack][reload]") {
  test::JackServer server;
  TempYaml graph(rig("0.5", "2000"));
  Child cli(jack_reload_command(graph.path(), server.name()));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK(cli.ask("set lp.cutoff 3000") == "ok lp.cutoff = 3000");
  CHECK(cli.ask("set drive.gain 0.8") == "ok drive.gain = 0.8");

  // The file changes the gain: the live cutoff stays, the file's gain wins.
  std::ofstream(graph.path()) << rig("0.25", "2000");
  CHECK_THAT(cli.ask("reload"), StartsWith("ok reload: kept 4"));
  CHECK(cli.ask("get lp.cutoff") == "lp.cutoff = 3000");
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.25");

  // Now the cutoff changes in the file and the gain set live stays.
  CHECK(cli.ask("set drive.gain 0.7") == "ok drive.gain = 0.7");
  std::ofstream(graph.path()) << rig("0.25", "1500");
  CHECK_THAT(cli.ask("reload"), Contains("(lp.cutoff = 1500)"));
  CHECK(cli.ask("get lp.cutoff") == "lp.cutoff = 1500");
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.7");
  CHECK_THAT(cli.ask("help"), Contains("reload"));

  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("a bad edit answers error with file:line:col and the running graph plays on",
          "[cli][jack][reload]") {
  test::JackServer server;
  TempYaml graph(rig("0.5"));
  Child cli(jack_reload_command(graph.path(), server.name()));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK(cli.ask("set drive.gain 0.8") == "ok drive.gain = 0.8");
  const std::string at = graph.path() + ":";

  // One session, one bad edit after another: each answers `error: file:line:col: …`.
  std::ofstream(graph.path()) << rig("0.25") << "  - [unclosed\n";
  // yaml-cpp reports the unclosed list where the text ends: line 10, column 1.
  CHECK_THAT(cli.ask("reload"), StartsWith("error: " + at + "10:1: ") && Contains("YAML syntax"));

  std::string unknown_type = rig("0.25");
  unknown_type.replace(unknown_type.find("type: lowpass"), 13, "type: lowpas");
  std::ofstream(graph.path()) << unknown_type;
  CHECK_THAT(cli.ask("reload"), StartsWith("error: " + at + "4:") && Contains("lowpass"));

  std::ofstream(graph.path()) << rig("0.25") << "  - drive -> lp\n";
  CHECK_THAT(cli.ask("reload"), StartsWith("error: " + at) && Contains("cycle"));

  std::ofstream(graph.path()) << rig("0.25", "30000");  // the running filter refuses it
  CHECK_THAT(cli.ask("reload"),
             StartsWith("error: " + at + "4:") && Contains("cutoff") && Contains("Nyquist"));

  std::string other_ports = rig("0.25");
  other_ports.replace(other_ports.find("channels: 1"), 11, "channels: 2");
  std::ofstream(graph.path()) << other_ports;
  CHECK_THAT(cli.ask("reload"), StartsWith("error: " + at + "6:") &&
                                    Contains("the edit changes the graph's ends") &&
                                    Contains("restart"));

  // Nothing of the edit arrived: not even the gain it also changed.
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.8");
  CHECK(cli.ask("get lp.cutoff") == "lp.cutoff = 2000");
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack --watch reloads within a second of an editor-style save (write, rename)",
          "[cli][jack][reload]") {
  test::JackServer server;
  TempYaml graph(rig("0.5"));
  Child cli(jack_reload_command(graph.path(), server.name(), /*watch=*/true));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));

  save_by_rename(graph.path(), rig("0.25"));
  const auto saved = std::chrono::steady_clock::now();
  const auto line = cli.read_line(1000ms);
  REQUIRE(line);
  CHECK_THAT(*line, StartsWith("ok reload: kept 4") && Contains("drive.gain = 0.25"));
  CHECK(std::chrono::steady_clock::now() - saved < 1s);
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.25");

  // A bad save: the error goes to the session and to stderr; the graph plays on.
  save_by_rename(graph.path(), rig("0.25") + "  - drive -> nowhere\n");
  const auto error = cli.read_line(1000ms);
  REQUIRE(error);
  CHECK_THAT(*error, StartsWith("error: " + graph.path() + ":9:"));
  CHECK(cli.wait_for_stderr("fxgraph: reload: " + graph.path() + ":9:", 1000ms));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.25");

  cli.send("quit");
  CHECK(cli.wait() == 0);
}

#endif  // FXGRAPH_CLI
