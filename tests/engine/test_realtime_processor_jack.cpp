// RealtimeProcessor, the realtime examples and `fxgraph jack` against a real JACK
// server: a private `jackd -d dummy -r 48000 -p 64` per test (tests/support/jack_server.h,
// synchronous, so a client reads exactly what its upstream wrote in the same period),
// with plain JACK clients ("probes") feeding our input ports and reading our outputs.

#include <fcntl.h>
#include <jack/jack.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/io/jack_backend.h"
#include "support/child_process.h"
#include "support/eventually.h"
#include "support/graph_helpers.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::Child;
using fxgraph::test::eventually;
using fxgraph::test::LoopClient;
using fxgraph::test::make_gain;
using fxgraph::test::Probe;
using fxgraph::test::ramp;
using fxgraph::test::RampSource;
using fxgraph::test::TempYaml;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------- helpers

// Checks that its input is `scale` times the ramp, sample for sample (exact float
// equality), continuing from one period to the next.
struct ScaledRampSink {
  explicit ScaledRampSink(float s) : scale(s) {}
  const float scale;
  jack_port_t* port = nullptr;
  std::atomic<std::uint64_t> good_blocks{0};  // scale * ramp at some offset, exactly
  std::atomic<std::uint64_t> bad_blocks{0};   // anything else after the first good block
  std::atomic<std::uint64_t> gaps{0};         // a good block not continuing the last one
  std::atomic<float> first_bad_value{0.0f};
  float next = 0.0f;
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<ScaledRampSink*>(arg);
    const auto* in = static_cast<const float*>(jack_port_get_buffer(self.port, frames));
    if (in[0] == 0.0f) return 0;  // not connected yet
    const auto start = static_cast<std::uint64_t>(in[0] / self.scale) - 1;
    for (jack_nframes_t i = 0; i < frames; ++i) {
      if (in[i] != self.scale * ramp(start + i)) {
        if (self.good_blocks > 0 && self.bad_blocks++ == 0) self.first_bad_value = in[i];
        return 0;
      }
    }
    if (self.good_blocks > 0 && in[0] != self.next) ++self.gaps;
    self.next = self.scale * ramp(start + frames);
    ++self.good_blocks;
    return 0;
  }
};

// Writes a constant on its output port.
struct ConstantSource {
  jack_port_t* port = nullptr;
  float value = 1.0f;
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<ConstantSource*>(arg);
    auto* out = static_cast<float*>(jack_port_get_buffer(self.port, frames));
    std::fill(out, out + frames, self.value);
    return 0;
  }
};

// Counts periods and notes the first period (from `armed_at` on) whose every sample
// equals `target`.
struct LevelSink {
  jack_port_t* port = nullptr;
  std::atomic<std::uint64_t> periods{0};
  std::atomic<float> last{0.0f};
  std::atomic<float> target{-1.0f};
  std::atomic<std::uint64_t> reached_at{0};  // 0: not yet
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<LevelSink*>(arg);
    const auto* in = static_cast<const float*>(jack_port_get_buffer(self.port, frames));
    const std::uint64_t period = ++self.periods;
    self.last.store(in[frames - 1]);
    const float target = self.target.load();
    if (self.reached_at.load() != 0) return 0;
    for (jack_nframes_t i = 0; i < frames; ++i)
      if (in[i] != target) return 0;
    self.reached_at.store(period);
    return 0;
  }
};

bool registered(std::initializer_list<const char*> types) {
  for (const char* type : types)
    if (!builtin_registry().find(type)) return false;
  return true;
}

std::string missing_server_name() {
  return "fxgraph-test-missing-" + std::to_string(::getpid());
}

/// Gain 0.5 as JACK client "fxg" on `server`, `channels` in and out; not started.
std::unique_ptr<RealtimeProcessor> half_gain_client(const test::JackServer& server,
                                                    std::uint32_t channels) {
  return std::make_unique<RealtimeProcessor>(
      Graph::chain({make_gain(0.5)}),
      std::make_unique<JackBackend>(
          fxgraph::JackOptions{.client_name = "fxg", .server_name = server.name()}),
      StreamConfig{.channels_in = channels, .channels_out = channels});
}

}  // namespace

// ---------------------------------------------------------------- RealtimeProcessor

TEST_CASE("a ramp through a gain of 0.5 comes out of JACK scaled exactly, sample for sample",
          "[jack][realtime]") {
  test::JackServer server;
  auto rt = half_gain_client(server, 1);
  rt->start();
  CHECK(rt->is_running());
  // The server's period (64 frames at 48 kHz), not the config's 512.
  CHECK(rt->latency_ms() == Approx(1000.0 * 64 / 48000));

  // source:out -> fxg:in_1 -> gain 0.5 -> fxg:out_1 -> sink:in, all in one period.
  Probe source_client(server, "source");
  RampSource source;
  source.port = source_client.add_port("out", JackPortIsOutput);
  source_client.activate(&RampSource::process, &source);
  Probe sink_client(server, "sink");
  ScaledRampSink sink(0.5f);
  sink.port = sink_client.add_port("in", JackPortIsInput);
  sink_client.activate(&ScaledRampSink::process, &sink);
  sink_client.connect(source_client.full_name("out"), "fxg:in_1");
  sink_client.connect("fxg:out_1", sink_client.full_name("in"));

  // 300 periods of 64 frames: 0.4 s.
  REQUIRE(eventually([&] { return sink.good_blocks.load() >= 300; }));
  const RealtimeStats stats = rt->stats();
  INFO("xruns: " << stats.xruns << ", good blocks: " << sink.good_blocks
                 << ", first bad value: " << sink.first_bad_value);
  CHECK(sink.bad_blocks == 0);
  CHECK(sink.gaps <= stats.xruns);  // only a lost period may break the ramp's continuity
  CHECK(stats.blocks >= 300);
  CHECK(stats.dsp_load_mean > 0.0);
  CHECK(stats.dsp_load_max >= stats.dsp_load_mean);
  rt->stop();
  CHECK(rt->state() == StreamState::stopped);
}

TEST_CASE("set_parameter mid-stream reaches the output within one period plus the 10 ms ramp",
          "[jack][realtime]") {
  test::JackServer server;
  auto rt = half_gain_client(server, 1);
  rt->start();
  Probe source_client(server, "source");
  ConstantSource source;
  source.port = source_client.add_port("out", JackPortIsOutput);
  source_client.activate(&ConstantSource::process, &source);
  Probe sink_client(server, "sink");
  LevelSink sink;
  sink.port = sink_client.add_port("in", JackPortIsInput);
  sink.target = 0.5f;
  sink_client.activate(&LevelSink::process, &sink);
  sink_client.connect(source_client.full_name("out"), "fxg:in_1");
  sink_client.connect("fxg:out_1", sink_client.full_name("in"));
  REQUIRE(eventually([&] { return sink.reached_at.load() != 0; }));  // 1.0 * 0.5 flowing

  // Arm the sink for the new level, then change the gain.
  sink.target = 1.0f;
  sink.reached_at = 0;
  rt->set_parameter("0.gain", 1.0);
  const std::uint64_t returned_at = sink.periods.load();
  CHECK(rt->get_parameter("0.gain") == 1.0);
  REQUIRE(eventually([&] { return sink.reached_at.load() != 0; }));

  // The change is applied at the next period and ramps over 10 ms (480 frames): the
  // output is exactly the new level within ceil(480 / 64) + 2 periods.
  const auto periods = std::int64_t(sink.reached_at.load()) - std::int64_t(returned_at);
  const std::int64_t allowed = (480 + 63) / 64 + 2;
  INFO("reached 1.0 after " << periods << " periods (allowed " << allowed
                            << "); xruns: " << rt->stats().xruns);
  CHECK(periods >= 1);
  CHECK(periods <= allowed + std::int64_t(rt->stats().xruns));
}

TEST_CASE("a JACK server killed mid-run moves the processor to error; it is destroyed safely",
          "[jack][realtime]") {
  test::JackServer server;
  {
    auto rt = half_gain_client(server, 2);
    rt->start();
    REQUIRE(eventually([&] { return rt->stats().blocks > 10; }));

    test::QuietJack quiet;  // libjack reports the lost server loudly
    server.kill_hard();
    REQUIRE(eventually([&] { return rt->state() == StreamState::error; }, 2000ms));
    CHECK_FALSE(rt->is_running());
    CHECK_THROWS_AS(rt->set_parameter("0.gain", 1.0), StreamError);
    CHECK_THROWS_WITH(rt->set_parameter("0.gain", 1.0),
                      Contains("set_parameter()") && Contains("JACK server"));
    CHECK_THROWS_AS(rt->get_parameter("0.gain"), StreamError);
    CHECK_THROWS_AS(rt->start(), StreamError);
  }  // the destructor stops and closes a client whose server is gone
  SUCCEED("destroyed without crashing");
}

TEST_CASE("without a JACK server start() raises BackendNotAvailableError", "[jack][realtime]") {
  test::prepare_jack_test_environment();
  test::QuietJack quiet;
  RealtimeProcessor rt(
      Graph::chain({make_gain(0.5)}),
      std::make_unique<JackBackend>(fxgraph::JackOptions{.server_name = missing_server_name()}),
      StreamConfig{.channels_in = 2, .channels_out = 2});
  CHECK_THROWS_AS(rt.start(), BackendNotAvailableError);
  CHECK_THROWS_WITH(rt.start(), Contains("jackd") && Contains(missing_server_name()));
  CHECK(rt.state() == StreamState::closed);
  CHECK_FALSE(rt.is_running());
}

// ---------------------------------------------------------------- realtime examples

namespace {
/// Runs examples/<name>.cpp's program with `args`; returns its exit status, stdout and
/// stderr.
struct ExampleRun {
  int status;
  std::string out, err;
};
ExampleRun run_example(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> argv{std::string(FXGRAPH_BINARY_DIR) + "/" + name};
  argv.insert(argv.end(), args.begin(), args.end());
  Child child(argv);
  child.close_input();
  std::string out;
  while (auto line = child.read_line(10000ms)) out += *line + "\n";
  const int status = child.wait(10000ms);
  return {status, out, child.stderr_text()};
}
}  // namespace

TEST_CASE("the realtime quick start example plays a gain of 0.5 on a JACK server",
          "[jack][realtime][examples]") {
  test::JackServer server;
  const ExampleRun run = run_example("realtime_quick_start", {server.name(), "0.5"});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("running: gain 0.5, stereo, latency 1.33 ms"));
  CHECK_THAT(run.out, Contains("stopped after"));

  test::QuietJack quiet;
  const ExampleRun missing = run_example("realtime_quick_start", {missing_server_name(), "0.1"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Contains("jackd"));
}

TEST_CASE("the guitar rig example runs and turns 2.gain up to 2", "[jack][realtime][examples]") {
  test::JackServer server;
  const ExampleRun run = run_example("realtime_guitar_rig", {server.name(), "0.5"});
  INFO(run.out << run.err);
  if (!registered({"highpass", "lowpass", "reverb"})) {
    // TODO(filters): the rig needs highpass, lowpass and reverb, still being written.
    WARN(
        "realtime_guitar_rig: highpass/lowpass/reverb not registered yet; only checking "
        "that it says so");
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Contains("unknown node type"));
    return;
  }
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("running: guitar rig"));
  CHECK_THAT(run.out, Contains("2.gain = 2.0"));
}

TEST_CASE("the cutoff sweep example moves 0.cutoff from 1000 to 5000 Hz",
          "[jack][realtime][examples]") {
  if (!registered({"lowpass"})) {
    WARN("realtime_cutoff_sweep skipped: lowpass not registered yet");  // TODO(filters)
    return;
  }
  test::JackServer server;
  const ExampleRun run = run_example("realtime_cutoff_sweep", {server.name()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("swept 0.cutoff to 5000 Hz in 41 steps"));
}

// ---------------------------------------------------------------- fxgraph jack

#ifdef FXGRAPH_CLI

namespace {
// One mono input, a gain, a stereo output (the gain's mono output is upmixed).
constexpr const char* kCliGraph = R"(name: cli_rig
nodes:
  guitar:  { type: jack_in, channels: 1 }
  drive:   { type: gain, gain: 0.5 }
  monitor: { type: jack_out, channels: 2 }
edges:
  - guitar -> drive -> monitor
)";

const std::vector<std::string> kCliPorts = {"fxcli:guitar_1", "fxcli:monitor_1", "fxcli:monitor_2"};
/// What `fxgraph jack` prints once its client is active and the session takes commands.
/// Tests wait for it, not for the ports, which exist before activation.
const std::string kRunningBanner = "running as JACK client";

std::vector<std::string> jack_command(const std::string& graph, const std::string& server,
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args{FXGRAPH_CLI, "jack", graph, "--server", server};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
}  // namespace

TEST_CASE(
    "fxgraph jack names its ports after the graph's jack_in and jack_out nodes and "
    "takes set/get/params/stats/quit on stdin",
    "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), server.name(), {"--name", "fxcli"}));
  LoopClient client(server);
  Probe& probe = client.probe;
  REQUIRE(eventually([&] { return probe.ports("^fxcli:") == kCliPorts; }, 5000ms));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK_FALSE(probe.connected("fxcli:guitar_1", "system:capture_1"));  // no --connect

  // Audio flows: a constant 1.0 in comes out at 0.5 on both outputs.
  client.connect_around("fxcli:guitar_1", "fxcli:monitor_2");
  CHECK(eventually([&] { return client.last() == 0.5f; }));

  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");
  CHECK(cli.ask("set drive.gain 2") == "ok drive.gain = 2");
  CHECK(cli.ask("get drive.gain") == "drive.gain = 2");
  CHECK(eventually([&] { return client.last() == 2.0f; }));  // 1.0 * 2 out
  CHECK(cli.ask("get drive.gain_db") == "drive.gain_db = 6.0206");

  // Mistakes answer `error: …` and the session goes on.
  CHECK_THAT(cli.ask("set drive.gain 5000"), StartsWith("error: ") && Contains("out of range"));
  CHECK_THAT(cli.ask("set drive.gain loud"), StartsWith("error: ") && Contains("not a number"));
  CHECK_THAT(cli.ask("set drive.gian 1"), StartsWith("error: ") && Contains("gain"));
  CHECK_THAT(cli.ask("get nowhere.gain"), StartsWith("error: ") && Contains("drive"));
  CHECK_THAT(cli.ask("set drive.gain"), StartsWith("error: ") && Contains("usage: set PATH"));
  CHECK_THAT(cli.ask("frobnicate"), StartsWith("error: unknown command 'frobnicate'"));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 2");

  // params: one line per parameter, with value, unit and range; stats answers last.
  cli.send("params");
  cli.send("stats");
  std::vector<std::string> params;
  std::string stats;
  while (auto line = cli.read_line()) {
    if (line->rfind("xruns ", 0) == 0) {
      stats = *line;
      break;
    }
    params.push_back(*line);
  }
  // Every node has the engine's bypass (engine/bypass.h), the ports' nodes too.
  CHECK(params ==
        std::vector<std::string>{"guitar.bypass = 0  0 or 1", "drive.gain = 2 x  [-1000, 1000]",
                                 "drive.gain_db = 6.0206 dB  [-120, 60]", "drive.clamp = 0  0 or 1",
                                 "drive.bypass = 0  0 or 1", "monitor.bypass = 0  0 or 1"});
  INFO(stats);
  std::smatch m;
  REQUIRE(std::regex_match(
      stats, m,
      std::regex(R"(xruns (\d+), blocks (\d+), dsp load mean ([0-9.]+) %, max ([0-9.]+) %)"
                 R"( \(since the last stats ([0-9.]+) %\))")));
  CHECK(std::stoull(m[2]) > 10);
  CHECK(std::stod(m[4]) >= std::stod(m[3]));
  CHECK(std::stod(m[5]) <= std::stod(m[4]));

  cli.send("quit");
  CHECK(cli.wait() == 0);
  CHECK(probe.ports("^fxcli:").empty());
  CHECK_THAT(cli.stderr_text(), Contains("fxcli:guitar_1"));  // the banner names the ports
}

TEST_CASE("fxgraph jack --connect connects to system:capture/playback; SIGINT stops it cleanly",
          "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), server.name(), {"--name", "fxcli", "--connect"}));
  Probe probe(server, "probe");
  REQUIRE(eventually([&] { return probe.ports("^fxcli:") == kCliPorts; }, 5000ms));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK(eventually([&] { return probe.connected("system:capture_1", "fxcli:guitar_1"); }));
  CHECK(eventually([&] { return probe.connected("fxcli:monitor_1", "system:playback_1"); }));
  CHECK(eventually([&] { return probe.connected("fxcli:monitor_2", "system:playback_2"); }));

  ::kill(cli.pid(), SIGINT);
  CHECK(cli.wait() == 0);
  CHECK(probe.ports("^fxcli:").empty());
}

TEST_CASE("fxgraph jack --params starts the session with the file's values", "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  TempYaml params("drive.gain_db: -12\n");
  Child cli(
      jack_command(graph.path(), server.name(), {"--name", "fxcli", "--params", params.path()}));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK(cli.ask("get drive.gain_db") == "drive.gain_db = -12");
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack quits at the end of its input; the client is named after the graph",
          "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), server.name()));
  Probe probe(server, "probe");
  REQUIRE(eventually([&] { return probe.ports("^cli_rig:").size() == 3; }, 5000ms));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  cli.send("set drive.gain 1");
  CHECK(cli.read_line() == "ok drive.gain = 1");
  cli.close_input();
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack exits with an error when the JACK server shuts down", "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), server.name(), {"--name", "fxcli"}));
  // Not the ports: they exist before the client is activated, and a server killed in
  // between fails the activation instead (a different message).
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  test::QuietJack quiet;
  server.kill_hard();
  const int status = cli.wait(5000ms);
  INFO(cli.stderr_text());
  CHECK(status == 1);
  CHECK_THAT(cli.stderr_text(), Contains("fxgraph: error: JACK server shut down"));
}

TEST_CASE("fxgraph jack runs a chain file with ports in_N and out_N", "[cli][jack]") {
  test::JackServer server;
  TempYaml graph("name: halver\nchain:\n  - { type: gain, gain: 0.5 }\n");
  Child cli(jack_command(graph.path(), server.name(), {"--name", "fxchain", "--channels", "1"}));
  LoopClient client(server);
  REQUIRE(eventually(
      [&] {
        return client.probe.ports("^fxchain:") ==
               std::vector<std::string>{"fxchain:in_1", "fxchain:out_1"};
      },
      5000ms));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));  // connections to an inactive client are lost
  // Audio flows through the chain: a constant 1.0 in comes out at 0.5.
  client.connect_around("fxchain:in_1", "fxchain:out_1");
  CHECK(eventually([&] { return client.last() == 0.5f; }));
  CHECK(cli.ask("get 0.gain") == "0.gain = 0.5");
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack without a server exits 2 saying how to start jackd", "[cli][jack]") {
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), missing_server_name()));
  CHECK(cli.wait() == 2);
  INFO(cli.stderr_text());
  CHECK_THAT(cli.stderr_text(),
             Contains("fxgraph: error: ") && Contains("jackd") && Contains(missing_server_name()));

  // A graph without jack_in / jack_out is bad input too.
  TempYaml no_ports("nodes:\n  tone: { type: sine }\n");
  Child wrong(jack_command(no_ports.path(), missing_server_name()));
  CHECK(wrong.wait() == 2);
  CHECK_THAT(wrong.stderr_text(), Contains("no jack_in or jack_out node"));
}

#endif  // FXGRAPH_CLI

TEST_CASE("fxgraph jack's ramp moves a parameter from its value to the target over the time",
          "[cli][jack][automation]") {
  test::JackServer server;
  TempYaml graph(kCliGraph);
  Child cli(jack_command(graph.path(), server.name(), {"--name", "fxcli"}));
  REQUIRE(cli.wait_for_stderr(kRunningBanner));
  CHECK(cli.ask("ramp drive.gain 2 0.4") == "ok ramp drive.gain 0.5 -> 2 over 0.4 s");
  // Part-way the value lies between the two; at the end it is the target.
  std::this_thread::sleep_for(100ms);
  const std::string during = cli.ask("get drive.gain");
  INFO(during);
  REQUIRE(during.rfind("drive.gain = ", 0) == 0);
  const double value = std::stod(during.substr(13));
  CHECK(value > 0.5);
  CHECK(value < 2.0);
  CHECK(eventually([&] { return cli.ask("get drive.gain") == "drive.gain = 2"; }, 3000ms));
  // A set ends a ramp; mistakes answer `error: …`.
  CHECK(cli.ask("ramp drive.gain 0.1 100") == "ok ramp drive.gain 2 -> 0.1 over 100 s");
  CHECK(cli.ask("set drive.gain 1") == "ok drive.gain = 1");
  std::this_thread::sleep_for(50ms);
  CHECK(cli.ask("get drive.gain") == "drive.gain = 1");
  CHECK_THAT(cli.ask("ramp drive.gain 2"), StartsWith("error: ") && Contains("usage: ramp"));
  CHECK_THAT(cli.ask("ramp drive.gain 2 0"), StartsWith("error: ") && Contains("positive"));
  CHECK_THAT(cli.ask("ramp drive.gain 5000 1"), StartsWith("error: ") && Contains("out of range"));
  CHECK_THAT(cli.ask("ramp drive.gian 1 1"), StartsWith("error: ") && Contains("gain"));
  cli.send("quit");
  CHECK(cli.wait() == 0);
}
