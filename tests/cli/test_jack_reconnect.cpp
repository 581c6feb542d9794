// `fxgraph jack --reconnect` against a real server that dies and comes back: a private
// dummy jackd is killed by PID (SIGKILL, as a crash) and started again under the same
// name; the session must answer throughout, and come back with its ports, the
// connections it had (to the server's ports and to a client that returns after the
// server) and the parameter values it had.

#include <jack/jack.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/eventually.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using Catch::Matchers::Contains;
using fxgraph::test::Child;
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
const std::vector<std::string> kPorts = {"fxrec:guitar_1", "fxrec:monitor_1", "fxrec:monitor_2"};

/// The mappings of process `pid` that are not locked (their VmFlags in /proc/PID/smaps
/// lack `lo`), by name ("[vdso]", "/dev/shm/jack_db-0/__db.001", "[anon]"), sorted.
std::vector<std::string> unlocked_mappings(pid_t pid) {
  std::ifstream smaps("/proc/" + std::to_string(pid) + "/smaps");
  REQUIRE(smaps);
  std::vector<std::string> names;
  std::string name;
  for (std::string line; std::getline(smaps, line);) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first == "VmFlags:") {
      bool locked = false;
      for (std::string flag; fields >> flag;) locked = locked || flag == "lo";
      if (!locked) names.push_back(name);
    } else if (first.find('-') != std::string::npos && first.back() != ':') {
      // "start-end perms offset dev inode [name]": a mapping's first line.
      std::string perms, offset, device, inode;
      fields >> perms >> offset >> device >> inode;
      std::getline(fields >> std::ws, name);
      if (name.empty()) name = "[anon]";
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

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
  // The session locks its memory once playing (mlockall); a system that refuses says so.
  const bool locks_memory = cli.stderr_text().find("cannot lock memory") == std::string::npos;
  // What a fresh lock leaves unlocked: the kernel's own mappings ([vdso], [vvar] …).
  const std::vector<std::string> unlocked_at_start = unlocked_mappings(cli.pid());

  // Connections made by hand (not --connect): to the server's ports and to a client.
  std::optional<LoopClient> client(std::in_place, server);
  client->probe.connect("system:capture_1", "fxrec:guitar_1");
  client->probe.connect("fxrec:monitor_1", "system:playback_1");
  client->connect_around("fxrec:guitar_1", "fxrec:monitor_2");
  CHECK(cli.ask("set drive.gain 2") == "ok drive.gain = 2");
  REQUIRE(eventually([&] { return client->last() == 2.0f; }));
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
  // The new client's memory is locked as at start: its shared memory, ports and
  // threads, mapped after the first mlockall(MCL_CURRENT), are locked too.
  if (locks_memory) {
    CHECK(unlocked_mappings(cli.pid()) == unlocked_at_start);
  } else {
    WARN(
        "mlockall is refused here (not root, low `ulimit -l`): the lock after a reconnect "
        "is not checked");
  }

  // The client comes back after the server: its connections are remade when its ports
  // appear, and audio flows through the value set while the server was away.
  client.emplace(server);
  CHECK(eventually([&] { return client->last() == 4.0f; }, 5000ms));
  CHECK(observer.connected("probe:out", "fxrec:guitar_1"));
  CHECK(observer.connected("fxrec:monitor_2", "probe:in"));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 4");

  cli.send("quit");
  CHECK(cli.wait() == 0);
  CHECK_THAT(cli.stderr_text(), !Contains("error"));
}

#endif  // FXGRAPH_CLI
