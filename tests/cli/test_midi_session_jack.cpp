// `fxgraph jack --midi`: MIDI control of a live session against a real JACK server (a
// private dummy jackd per test), with a test client sending controllers, notes and
// program changes from its process callback to fxgraph's <client>:midi_in.

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/eventually.h"
#include "support/jack_midi_sender.h"
#include "support/jack_probe.h"
#include "support/jack_server.h"

#ifdef FXGRAPH_CLI

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using fxgraph::test::Child;
using fxgraph::test::eventually;
using fxgraph::test::MidiSender;
using fxgraph::test::Probe;
using fxgraph::test::TempYaml;
using namespace std::chrono_literals;

namespace {

const std::string kRunningBanner = "running as JACK client";

/// The graph with its `midi:` section; `preset` is the program change's file.
std::string midi_graph(const std::string& preset) {
  return R"(name: midi_rig
nodes:
  guitar:  { type: jack_in, channels: 1 }
  master:  { type: gain }
  trim:    { type: gain }
  silence: { type: mute, muted: 0 }
  monitor: { type: jack_out, channels: 1 }
edges:
  - guitar -> master -> trim -> silence -> monitor
midi:
  - {cc: 7, channel: 1, path: master.gain_db, range: [-60, 6], curve: lin}
  - {cc: 74, channel: 1, path: trim.gain, range: [0.01, 1], curve: log}
  - {note: 60, channel: 1, path: silence.muted}
  - {program: 3, preset: )" +
         preset + "}\n";
}

std::vector<std::string> midi_command(const std::string& graph, const std::string& server,
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> args{FXGRAPH_CLI, "jack", graph, "--server", server, "--name", "fxmidi"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

/// A session with --midi and a sender connected to its MIDI input.
struct MidiRig {
  explicit MidiRig(const std::string& graph, std::vector<std::string> extra = {"--midi"})
      : cli(midi_command(graph, server.name(), std::move(extra))),
        probe(server, "controller"),
        sender(probe.client()) {
    REQUIRE(cli.wait_for_stderr(kRunningBanner));
    REQUIRE(cli.wait_for_stderr("midi: fxmidi:midi_in"));
    probe.activate(&MidiSender::process, &sender);
    probe.connect(probe.full_name("midi_out"), "fxmidi:midi_in");
  }

  /// Waits until `get path` answers `path = expected`.
  bool reaches(const std::string& path, const std::string& expected) {
    const std::string want = path + " = " + expected;
    return eventually([&] { return cli.ask("get " + path) == want; }, 3000ms);
  }
  /// Sends `bytes` and then a marker (cc 75 on channel 16, mapped to nothing) and waits
  /// until the session has received both: what `bytes` did is done by then.
  void send_and_settle(std::initializer_list<std::uint8_t> bytes) {
    const std::uint64_t before = received();
    sender.send(bytes);
    sender.send({0xBF, 75, 0});
    const bool counted = bytes.size() >= 2 && bytes.begin()[0] >= 0x80;
    REQUIRE(eventually([&] { return received() >= before + (counted ? 2 : 1); }, 3000ms));
  }
  /// The events the session has received (`midi`'s first line).
  std::uint64_t received() { return counts().received; }
  struct Counts {
    std::uint64_t received = 0, dropped = 0;
  };
  /// `midi`'s counts: events received and dropped.
  Counts counts() {
    cli.send("midi");
    const std::string head = cli.read_line().value_or("");
    std::smatch m;
    Counts counts;
    if (std::regex_search(head, m,
                          std::regex(R"(: (\d+) events, (\d+) dropped, (\d+) mappings)"))) {
      counts = {std::stoull(m[1]), std::stoull(m[2])};
      for (int i = 0, n = std::stoi(m[3]); i < n; ++i) cli.read_line();
    }
    return counts;
  }

  test::JackServer server;
  Child cli;
  Probe probe;
  MidiSender sender;
};

}  // namespace

TEST_CASE(
    "MIDI CC 0 and 127 set a parameter to its range's ends, lin and log; other channels "
    "and running status change nothing",
    "[cli][jack][midi]") {
  TempYaml preset("master.gain_db: -12\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());

  rig.sender.send({0xB0, 7, 0});
  CHECK(rig.reaches("master.gain_db", "-60"));
  rig.sender.send({0xB0, 7, 127});
  CHECK(rig.reaches("master.gain_db", "6"));
  rig.sender.send({0xB0, 74, 0});
  CHECK(rig.reaches("trim.gain", "0.01"));
  rig.sender.send({0xB0, 74, 127});
  CHECK(rig.reaches("trim.gain", "1"));
  rig.sender.send({0xB0, 74, 64});  // two decades, 64 of 127 steps up from 0.01
  CHECK(rig.reaches("trim.gain", "0.10183"));

  rig.send_and_settle({0xB1, 7, 0});  // cc 7 on channel 2: mapped on channel 1 only
  rig.send_and_settle({7, 0});        // running status (no status byte): not a message
  rig.send_and_settle({0xB0, 8, 0});  // another controller
  CHECK(rig.cli.ask("get master.gain_db") == "master.gain_db = 6");

  rig.cli.send("stats");
  CHECK_THAT(rig.cli.read_line().value_or(""),
             StartsWith("xruns ") && EndsWith(", midi dropped 0"));
  rig.cli.send("quit");
  CHECK(rig.cli.wait() == 0);
}

TEST_CASE("a MIDI note toggles a parameter; a program change loads its preset file",
          "[cli][jack][midi]") {
  TempYaml preset("master.gain_db: -12\nsilence.muted: 0\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());

  CHECK(rig.cli.ask("get silence.muted") == "silence.muted = 0");
  rig.sender.send({0x90, 60, 100});  // note on: 0 -> 1
  CHECK(rig.reaches("silence.muted", "1"));
  rig.send_and_settle({0x80, 60, 0});  // note off: a toggle stays
  CHECK(rig.cli.ask("get silence.muted") == "silence.muted = 1");
  rig.send_and_settle({0x90, 61, 100});  // another note
  rig.send_and_settle({0x91, 60, 100});  // channel 2
  CHECK(rig.cli.ask("get silence.muted") == "silence.muted = 1");
  rig.send_and_settle({0x90, 60, 0});  // note on with velocity 0 is a note off
  CHECK(rig.cli.ask("get silence.muted") == "silence.muted = 1");
  rig.sender.send({0x90, 60, 1});  // 1 -> 0
  CHECK(rig.reaches("silence.muted", "0"));

  rig.sender.send({0x90, 60, 100});
  CHECK(rig.reaches("silence.muted", "1"));
  rig.send_and_settle({0xC0, 4});  // an unmapped program
  CHECK(rig.cli.ask("get master.gain_db") == "master.gain_db = 0");
  rig.sender.send({0xC5, 3});  // program 3 on any channel
  CHECK(rig.reaches("master.gain_db", "-12"));
  CHECK(rig.reaches("silence.muted", "0"));

  rig.cli.send("midi");
  CHECK(rig.cli.read_line() ==
        "midi in fxmidi:midi_in: " + std::to_string(14) + " events, 0 dropped, 4 mappings");
  CHECK(rig.cli.read_line() == "  cc 7 channel 1 -> master.gain_db [-60, 6] lin");
  CHECK(rig.cli.read_line() == "  cc 74 channel 1 -> trim.gain [0.01, 1] log");
  CHECK(rig.cli.read_line() == "  note 60 channel 1 -> silence.muted [0, 1] toggle");
  CHECK(rig.cli.read_line() == "  program 3 any channel -> " + preset.path());
}

TEST_CASE(
    "a program change reads its preset as `load` does: all or nothing, and the same error "
    "text",
    "[cli][jack][midi]") {
  // The first entry is fine, the second out of range: nothing may be set.
  TempYaml preset("master.gain_db: -12\ntrim.gain: 1e9\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());

  const std::string answer = rig.cli.ask("load " + preset.path());
  REQUIRE_THAT(answer, StartsWith("error: "));
  CHECK(rig.cli.ask("get master.gain_db") == "master.gain_db = 0");

  rig.send_and_settle({0xC0, 3});
  CHECK(rig.cli.ask("get master.gain_db") == "master.gain_db = 0");
  const std::string reported =
      "fxgraph: midi: program 3 any channel -> " + preset.path() + ": " + answer.substr(7);
  CHECK(rig.cli.wait_for_stderr(reported));
  rig.cli.send("quit");
  CHECK(rig.cli.wait() == 0);
}

TEST_CASE(
    "help answers every command of the session, and the live commands' --help lists each "
    "one",
    "[cli][jack][midi]") {
  TempYaml preset("master.gain_db: -12\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());  // --midi: the session has every command there is
  const std::string help = rig.cli.ask("help");
  REQUIRE_THAT(help, StartsWith("commands: "));
  std::vector<std::string> usages;
  std::stringstream list(help.substr(10));
  for (std::string usage; std::getline(list, usage, '|');) {
    usage.erase(0, usage.find_first_not_of(' '));
    usage.erase(usage.find_last_not_of(' ') + 1);
    usages.push_back(usage);
  }
  CHECK(std::find(usages.begin(), usages.end(), "learn PATH") != usages.end());
  CHECK(std::find(usages.begin(), usages.end(), "quit") != usages.end());
  rig.cli.send("quit");
  CHECK(rig.cli.wait() == 0);

  for (const std::string command : {"jack", "live"}) {
    Child cli({FXGRAPH_CLI, command, "--help"});
    std::string text;
    while (const auto line = cli.read_line()) text += *line + "\n";
    CHECK(cli.wait() == 0);
    for (const std::string& usage : usages) {
      INFO("fxgraph " << command << " --help:\n" << text);
      CHECK_THAT(text, Contains("\n  " + usage + "  "));
    }
  }
}

TEST_CASE("learn PATH maps the next controller moved to PATH over its whole range",
          "[cli][jack][midi]") {
  TempYaml preset("master.gain_db: -12\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());

  CHECK_THAT(rig.cli.ask("learn trim.gian"), StartsWith("error: ") && Contains("gain_db"));
  CHECK(rig.cli.ask("learn trim.gain_db") == "ok learning trim.gain_db: move a controller");
  rig.sender.send({0x90, 60, 100});  // a note is not a controller: still learning
  CHECK(rig.reaches("silence.muted", "1"));
  rig.sender.send({0xB2, 21, 5});  // cc 21 on channel 3
  CHECK(rig.cli.read_line() == "ok learned cc 21 channel 3 -> trim.gain_db");
  CHECK(rig.cli.ask("get trim.gain_db") == "trim.gain_db = 0");  // learning moves nothing
  rig.sender.send({0xB2, 21, 127});
  CHECK(rig.reaches("trim.gain_db", "60"));
  rig.sender.send({0xB2, 21, 0});
  CHECK(rig.reaches("trim.gain_db", "-120"));
  rig.send_and_settle({0xB0, 21, 127});  // the learned channel only
  CHECK(rig.cli.ask("get trim.gain_db") == "trim.gain_db = -120");

  // Learning again moves the controller to another parameter.
  CHECK(rig.cli.ask("learn master.gain_db") == "ok learning master.gain_db: move a controller");
  rig.sender.send({0xB2, 21, 64});
  CHECK(rig.cli.read_line() == "ok learned cc 21 channel 3 -> master.gain_db");
  rig.sender.send({0xB2, 21, 127});
  CHECK(rig.reaches("master.gain_db", "60"));
  CHECK(rig.cli.ask("get trim.gain_db") == "trim.gain_db = -120");
}

TEST_CASE("a MIDI flood never blocks the session: the queue drops and stats counts the drops",
          "[cli][jack][midi]") {
  TempYaml preset("master.gain_db: -12\n");
  TempYaml graph(midi_graph(preset.path()));
  MidiRig rig(graph.path());
  rig.sender.per_period = 2000;
  constexpr int kFlood = 40000;
  for (int i = 0; i < kFlood; ++i) rig.sender.send({0xB0, 7, std::uint8_t(i % 128)});
  rig.sender.send({0xB0, 7, 127});
  CHECK_THAT(rig.cli.ask("get master.gain_db"), StartsWith("master.gain_db = "));  // answers
  REQUIRE(eventually([&] { return rig.sender.all_sent(); }, 10000ms));

  // Every message is received or counted as dropped, once the queue is drained.
  MidiRig::Counts counts;
  CHECK(eventually(
      [&] {
        counts = rig.counts();
        return counts.received + counts.dropped == kFlood + 1;
      },
      3000ms));
  const std::uint64_t dropped = counts.dropped;
  CHECK(dropped > 0);
  rig.cli.send("stats");
  CHECK_THAT(rig.cli.read_line().value_or(""),
             EndsWith(", midi dropped " + std::to_string(dropped)));
  rig.sender.send({0xB0, 7, 0});  // still under control afterwards
  CHECK(rig.reaches("master.gain_db", "-60"));
}

TEST_CASE(
    "a --midi-map file adds mappings; mistakes in midi: stop the session at "
    "file:line:col before it plays",
    "[cli][jack][midi]") {
  test::JackServer server;
  TempYaml preset("master.gain_db: -12\n");
  TempYaml graph(midi_graph(preset.path()));
  {
    TempYaml map("midi:\n  - {cc: 1, channel: 2, path: silence.muted}\n");
    Child cli(midi_command(graph.path(), server.name(), {"--midi-map", map.path()}));
    REQUIRE(cli.wait_for_stderr("midi: fxmidi:midi_in"));
    cli.send("midi");
    CHECK_THAT(cli.read_line().value_or(""), EndsWith("5 mappings"));
    for (int i = 0; i < 4; ++i) cli.read_line();
    CHECK(cli.read_line() == "  cc 1 channel 2 -> silence.muted [0, 1] lin");
    cli.send("quit");
    CHECK(cli.wait() == 0);
  }
  {
    TempYaml bad(
        std::string("name: bad\nnodes:\n  in: { type: jack_in, channels: 1 }\n"
                    "  amp: { type: gain }\n  out: { type: jack_out, channels: 1 }\n"
                    "edges:\n  - in -> amp -> out\nmidi:\n"
                    "  - {cc: 7, path: amp.gain}\n"
                    "  - {cc: 7, channel: 17, path: amp.gain}\n"));
    Child cli(midi_command(bad.path(), server.name(), {"--midi"}));
    CHECK(cli.wait() == 2);
    CHECK_THAT(cli.stderr_text(), Contains(bad.path() + ":10:22: midi: `channel` must be a whole "
                                                        "number from 1 to 16, got 17"));
  }
  {
    TempYaml map("midi:\n  - {cc: 1, path: amp.gain, range: [0, 1], curve: log}\n");
    Child cli(midi_command(graph.path(), server.name(), {"--midi-map", map.path()}));
    CHECK(cli.wait() == 2);
    CHECK_THAT(cli.stderr_text(), Contains(map.path() + ":2:19: midi: unknown node 'amp'"));
  }
}

#endif  // FXGRAPH_CLI
