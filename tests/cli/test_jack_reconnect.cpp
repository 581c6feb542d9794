// `fxgraph jack --reconnect` against a real server that dies and comes back: a private
// dummy jackd is killed by PID (SIGKILL, as a crash) and started again under the same
// name; the session must answer throughout, and come back with its ports, the
// connections it had (to the server's ports and to a client that returns after the
// server) and the parameter values it had.

#include <jack/jack.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"
#include "support/child_process.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::Child;
using fxgraph::test::eventually;
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
const std::vector<std::string> kPorts = {"fxrec:guitar_1", "fxrec:monitor_1", "fxrec:monitor_2"};

/// A test client that writes 1.0 on `out` and records whether `in` hears `expected`.
struct LevelProbe {
  explicit LevelProbe(const test::JackServer& server) : probe(server, "probe") {
    out = probe.add_port("out", JackPortIsOutput);
    in = probe.add_port("in", JackPortIsInput);
    probe.activate(&LevelProbe::process, this);
  }
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<LevelProbe*>(arg);
    auto* o = static_cast<float*>(jack_port_get_buffer(self.out, frames));
    const auto* i = static_cast<const float*>(jack_port_get_buffer(self.in, frames));
    for (jack_nframes_t n = 0; n < frames; ++n) o[n] = 1.0f;
    self.last.store(i[frames - 1]);
    return 0;
  }
  Probe probe;
  jack_port_t* out = nullptr;
  jack_port_t* in = nullptr;
  std::atomic<float> last{0.0f};
};

}  // namespace

TEST_CASE(
    "fxgraph jack --reconnect survives a server restart with its ports, connections and "
    "parameter values",
    "[cli][jack]") {
  test::JackServer server;
  TempYaml graph(kGraph);
  Child cli({FXGRAPH_CLI, "jack", graph.path(), "--server", server.name(), "--name", "fxrec",
             "--reconnect"});
  REQUIRE(cli.wait_for_stderr("running as JACK client"));

  // Connections made by hand (not --connect): to the server's ports and to a client.
  std::optional<LevelProbe> client(std::in_place, server);
  client->probe.connect("system:capture_1", "fxrec:guitar_1");
  client->probe.connect("fxrec:monitor_1", "system:playback_1");
  client->probe.connect(client->probe.full_name("out"), "fxrec:guitar_1");
  client->probe.connect("fxrec:monitor_2", client->probe.full_name("in"));
  CHECK(cli.ask("set drive.gain 2") == "ok drive.gain = 2");
  REQUIRE(eventually([&] { return client->last.load() == 2.0f; }));
  // fxgraph learns of the connections from JACK's notification thread.
  std::this_thread::sleep_for(300ms);

  {
    test::QuietJack quiet;  // the probe's own client sees the server die too
    server.kill_hard();
    client.reset();
    REQUIRE(cli.wait_for_stderr("JACK server lost; waiting for it (--reconnect)"));
    // The session goes on while the server is away, and takes values for later.
    CHECK(cli.ask("get drive.gain") == "drive.gain = 2");
    CHECK(cli.ask("set drive.gain 4") == "ok drive.gain = 4");
    CHECK_FALSE(cli.exited());
  }

  server.restart();
  INFO(cli.stderr_text());
  REQUIRE(
      cli.wait_for_stderr("JACK server back; client 'fxrec' reconnected, 2 of 4 connections "
                          "restored"));
  Probe observer(server, "observer");
  CHECK(observer.ports("^fxrec:") == kPorts);
  CHECK(observer.connected("system:capture_1", "fxrec:guitar_1"));
  CHECK(observer.connected("fxrec:monitor_1", "system:playback_1"));

  // The client comes back after the server: its connections are remade when its ports
  // appear, and audio flows through the value set while the server was away.
  client.emplace(server);
  CHECK(eventually([&] { return client->last.load() == 4.0f; }, 5000ms));
  CHECK(observer.connected("probe:out", "fxrec:guitar_1"));
  CHECK(observer.connected("fxrec:monitor_2", "probe:in"));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 4");

  cli.send("quit");
  CHECK(cli.wait() == 0);
  CHECK_THAT(cli.stderr_text(), !Contains("error"));
}

#endif  // FXGRAPH_CLI
