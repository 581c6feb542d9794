// `fxgraph live`: the session of `fxgraph jack` on a PortAudio device, played through
// PortAudio's JACK host API on a private dummy jackd (the only "sound card" a test
// machine has), and `--backend jack`. A PortAudio without the JACK host API makes the
// audio tests warn and pass without checking.

#include <jack/jack.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "cli/cli_harness.h"
#include "support/child_process.h"
#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using fxgraph::test::Child;
using fxgraph::test::DefaultJackServer;
using fxgraph::test::eventually;
using fxgraph::test::LoopClient;
using fxgraph::test::Probe;
using fxgraph::test::TempYaml;
using namespace std::chrono_literals;

namespace {

constexpr const char* kGraph = R"(name: rig
nodes:
  guitar:  { type: jack_in, channels: 1 }
  drive:   { type: gain, gain: 0.5 }
  monitor: { type: jack_out, channels: 2 }
edges:
  - guitar -> drive -> monitor
)";

/// Whether `fxgraph live --list-devices` shows the JACK server (PortAudio's JACK host API).
bool lists_jack_device(const CliRun& run) {
  if (run.out.find("system (JACK Audio Connection Kit)") != std::string::npos) return true;
  WARN("this PortAudio lists no JACK device; the `fxgraph live` audio tests are skipped\n"
       << run.out);
  return false;
}

}  // namespace

TEST_CASE("fxgraph live --list-devices lists PortAudio's devices, the JACK server among them",
          "[cli][portaudio][jack]") {
  test::JackServer server({.capture_ports = 2, .playback_ports = 2});
  DefaultJackServer point(server);
  CliDir dir;
  const CliRun run = run_fxgraph(dir, "live --list-devices");
  INFO(run.err);
  CHECK(run.status == 0);
  if (!lists_jack_device(run)) return;
  CHECK_THAT(run.out, Contains(": system (JACK Audio Connection Kit), 2 in, 2 out, 48000 Hz"));
  CHECK(run.err.empty());  // ALSA's and libjack's probing chatter stays hidden
}

TEST_CASE("fxgraph live plays a graph on a PortAudio device and takes session commands",
          "[cli][portaudio][jack]") {
  test::JackServer server;
  DefaultJackServer point(server);
  CliDir dir;
  if (!lists_jack_device(run_fxgraph(dir, "live --list-devices"))) return;
  TempYaml graph(kGraph);
  Child cli({FXGRAPH_CLI, "live", graph.path(), "--device", "system", "--name", "fxlive"});
  REQUIRE(cli.wait_for_stderr("running on PortAudio device"));
  CHECK_THAT(cli.stderr_text(), Contains("'system' (JACK Audio Connection Kit): 48000 Hz") &&
                                    Contains("capture: 1 channels (guitar)") &&
                                    Contains("playback: 2 channels (monitor)"));

  // PortAudio's JACK client (its ports count from 0): in_0 is the graph's jack_in,
  // out_0 and out_1 its jack_out.
  LoopClient client(server);
  REQUIRE(eventually([&] { return client.probe.ports("^fxlive:").size() == 3; }, 5000ms));
  client.connect_around("fxlive:in_0", "fxlive:out_1");
  CHECK(eventually([&] { return client.last() == 0.5f; }, 5000ms));

  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");
  CHECK(cli.ask("set drive.gain 2") == "ok drive.gain = 2");
  CHECK(eventually([&] { return client.last() == 2.0f; }, 5000ms));
  CHECK_THAT(cli.ask("stats"), Contains("xruns ") && Contains("blocks "));
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph live refuses an unknown device and JACK-only flags with exit 2",
          "[cli][portaudio][jack]") {
  test::JackServer server;
  DefaultJackServer point(server);
  CliDir dir;
  write_text(dir / "rig.yaml", kGraph);
  const CliRun unknown = run_fxgraph(dir, "live rig.yaml --device 'no such card'");
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err,
             Contains("fxgraph: error: --device: no PortAudio device is named like 'no such "
                      "card'; the devices are:"));
  const CliRun number = run_fxgraph(dir, "live rig.yaml --device 999");
  CHECK(number.status == 2);
  CHECK_THAT(number.err, Contains("no PortAudio device number 999"));
  const CliRun reconnect = run_fxgraph(dir, "live rig.yaml --reconnect");
  CHECK(reconnect.status == 2);
  CHECK_THAT(reconnect.err, Contains("--reconnect needs --backend jack"));
  const CliRun device_on_jack = run_fxgraph(dir, "live rig.yaml --backend jack --device 1");
  CHECK(device_on_jack.status == 2);
  CHECK_THAT(device_on_jack.err, Contains("--device is for --backend portaudio"));
  const CliRun no_graph = run_fxgraph(dir, "live");
  CHECK(no_graph.status == 2);
  CHECK_THAT(no_graph.err, Contains("a graph file is needed (or --list-devices)"));
}

TEST_CASE("fxgraph live --backend jack runs the graph as `fxgraph jack` does", "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kGraph);
  Child cli({FXGRAPH_CLI, "live", graph.path(), "--backend", "jack", "--server", server.name(),
             "--name", "fxj"});
  REQUIRE(cli.wait_for_stderr("running as JACK client 'fxj'"));
  Probe probe(server, "probe");
  CHECK(probe.ports("^fxj:") ==
        std::vector<std::string>{"fxj:guitar_1", "fxj:monitor_1", "fxj:monitor_2"});
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

#endif  // FXGRAPH_CLI
