// MIDI mappings (graphs/midi_map.h): the `midi:` list read and checked against a
// graph's parameters, every mistake at file:line:col, and the controller curves.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "fxgraph/graphs/midi_map.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "support/thrown.h"

using namespace fxgraph;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::thrown_by;

namespace {

constexpr const char* kGraph = R"(nodes:
  in:     { type: memory_in, channels: 1 }
  master: { type: gain }
  silence: { type: mute }
  out:    { type: memory_out }
edges:
  - in -> master -> silence -> out
)";

std::vector<MidiMapping> parse(const GraphDocument& doc, const std::string& yaml) {
  return parse_midi_mappings(yaml, "map.yaml", graph_parameter_lookup(doc.graph));
}

template <class E>
std::string error_of(const GraphDocument& doc, const std::string& yaml) {
  return thrown_by<E>([&] { parse(doc, yaml); }).what();
}

MidiEvent event(std::uint8_t status, std::uint8_t data1, std::uint8_t data2 = 0) {
  return MidiEvent{status, data1, data2, 0};
}

}  // namespace

TEST_CASE("a graph file's midi: list is read with its defaults; the graph loader skips it",
          "[midi]") {
  const std::string yaml = std::string(kGraph) + R"(midi:
  - {cc: 7, channel: 1, path: master.gain_db, range: [-60, 6], curve: lin}
  - {cc: 74, path: master.gain, range: [0.01, 1], curve: log}
  - {note: 60, channel: 10, path: silence.muted}
  - {note: 61, path: silence.muted, mode: gate}
)";
  const GraphDocument doc = load_graph_string(yaml, "g.yaml");
  CHECK(doc.graph.contains("master"));
  const auto maps = parse(doc, yaml);
  REQUIRE(maps.size() == 4);
  CHECK(maps[0].describe() == "cc 7 channel 1 -> master.gain_db [-60, 6] lin");
  CHECK(maps[1].describe() == "cc 74 any channel -> master.gain [0.01, 1] log");
  CHECK(maps[2].describe() == "note 60 channel 10 -> silence.muted [0, 1] toggle");
  CHECK(maps[3].describe() == "note 61 any channel -> silence.muted [0, 1] gate");
  CHECK(maps[2].kind == ParameterKind::toggle);
  CHECK(maps[1].location == SourceLocation{"map.yaml", 10, 5});
}

TEST_CASE("a mapping matches its message kind, number and channel only", "[midi]") {
  const GraphDocument doc = load_graph_string(kGraph);
  const auto maps = parse(doc, R"(midi:
  - {cc: 7, channel: 2, path: master.gain_db}
  - {cc: 7, path: master.gain}
  - {note: 60, channel: 1, path: silence.muted}
)");
  CHECK(maps[0].matches(event(0xB1, 7, 100)));   // cc 7 on channel 2
  CHECK_FALSE(maps[0].matches(event(0xB0, 7)));  // channel 1
  CHECK_FALSE(maps[0].matches(event(0xB1, 8)));  // another controller
  CHECK_FALSE(maps[0].matches(event(0x91, 7)));  // a note with the same number
  for (std::uint8_t channel = 0; channel < 16; ++channel)
    CHECK(maps[1].matches(event(std::uint8_t(0xB0 | channel), 7)));
  CHECK(maps[2].matches(event(0x90, 60, 100)));      // note on
  CHECK(maps[2].matches(event(0x80, 60, 0)));        // note off
  CHECK_FALSE(maps[2].matches(event(0xA0, 60, 5)));  // poly pressure
}

TEST_CASE("controller 0 and 127 give the range's ends; lin is even, log equal ratios", "[midi]") {
  const GraphDocument doc = load_graph_string(kGraph);
  const auto maps = parse(doc, R"(midi:
  - {cc: 1, path: master.gain_db, range: [-60, 6]}
  - {cc: 2, path: master.gain, range: [0.01, 1], curve: log}
  - {cc: 3, path: master.gain_db, range: [6, -60]}
  - {cc: 4, path: silence.muted}
)");
  const MidiMapping& lin = maps[0];
  CHECK(controller_value(lin, 0) == -60.0);
  CHECK(controller_value(lin, 127) == 6.0);
  for (int v = 1; v < 127; ++v)  // equal steps of 66/127 dB
    CHECK(controller_value(lin, std::uint8_t(v)) == Approx(-60.0 + 66.0 * v / 127.0).margin(1e-12));

  const MidiMapping& log = maps[1];
  CHECK(controller_value(log, 0) == 0.01);
  CHECK(controller_value(log, 127) == 1.0);
  const double step = std::pow(100.0, 1.0 / 127.0);  // two decades over 127 steps
  for (int v = 1; v < 127; ++v)
    CHECK(controller_value(log, std::uint8_t(v)) / controller_value(log, std::uint8_t(v - 1)) ==
          Approx(step).epsilon(1e-12));

  CHECK(controller_value(maps[2], 0) == 6.0);  // a range may run downwards
  CHECK(controller_value(maps[2], 127) == -60.0);
  CHECK(controller_value(maps[3], 63) == 0.0);  // a toggle rounds
  CHECK(controller_value(maps[3], 64) == 1.0);
}

TEST_CASE("mistakes in a midi: list are errors at the offending value's file:line:col", "[midi]") {
  const GraphDocument doc = load_graph_string(kGraph);
  CHECK_THAT(error_of<ParameterError>(doc, "midi:\n  - {cc: 7, path: master.gian}\n"),
             StartsWith("map.yaml:2:19: midi: ") && Contains("valid parameters are gain"));
  CHECK_THAT(error_of<ParameterError>(doc, "midi:\n  - {cc: 7, path: nowhere.gain}\n"),
             StartsWith("map.yaml:2:19: ") && Contains("master"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 128, path: master.gain}\n"),
             StartsWith("map.yaml:2:10: ") && Contains("0 to 127, got 128"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, channel: 0, path: master.gain}\n"),
             StartsWith("map.yaml:2:22: ") && Contains("1 to 16, got 0"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, channel: 17, path: master.gain}\n"),
             Contains("1 to 16, got 17"));
  CHECK_THAT(error_of<ConfigError>(
                 doc, "midi:\n  - {cc: 1, path: master.gain_db, range: [-60, 6], curve: log}\n"),
             StartsWith("map.yaml:2:42: ") && Contains("log curve needs a range above 0"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, path: master.gain_db, curve: log}\n"),
             Contains("the parameter's whole range"));
  CHECK_THAT(
      error_of<ParameterError>(doc, "midi:\n  - {cc: 1, path: master.gain_db, range: [-200, 6]}\n"),
      StartsWith("map.yaml:2:42: ") && Contains("-200 is outside"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, path: master.gain, curve: cubic}\n"),
             Contains("lin or log, got 'cubic'"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, path: master.gain, gain: 2}\n"),
             StartsWith("map.yaml:2:32: ") && Contains("unknown key 'gain'"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, note: 2, path: master.gain}\n"),
             Contains("not two"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {path: master.gain}\n"),
             StartsWith("map.yaml:2:5: ") && Contains("needs `cc:`, `note:` or `program:`"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1}\n"), Contains("needs `path:"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {cc: 1, path: master.gain, mode: gate}\n"),
             Contains("for note mappings"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {program: 1}\n"),
             Contains("needs `preset: FILE.yaml`"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi:\n  - {program: 1, preset: /nonexistent.yaml}\n"),
             StartsWith("map.yaml:2:26: ") && Contains("does not exist"));
  CHECK_THAT(error_of<ConfigError>(doc, "midi: {cc: 1}\n"), Contains("must be a list"));
}

TEST_CASE("a MIDI map file holds only midi:; its presets are relative to its folder", "[midi]") {
  const GraphDocument doc = load_graph_string(kGraph);
  const auto folder =
      std::filesystem::temp_directory_path() / ("fxgraph-midi-map-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder / "presets");
  std::ofstream(folder / "presets" / "clean.yaml") << "master.gain: 1\n";
  std::ofstream(folder / "map.yaml") << "midi:\n  - {program: 3, channel: 2, preset: "
                                        "presets/clean.yaml}\n";
  std::ofstream(folder / "bad.yaml") << "midi: []\nnodes: {}\n";
  const auto lookup = graph_parameter_lookup(doc.graph);

  const auto maps = load_midi_mappings((folder / "map.yaml").string(), lookup, true);
  REQUIRE(maps.size() == 1);
  CHECK(maps[0].preset == (folder / "presets" / "clean.yaml").string());
  CHECK(maps[0].matches(event(0xC1, 3)));
  CHECK_FALSE(maps[0].matches(event(0xC1, 4)));
  CHECK_FALSE(maps[0].matches(event(0xC0, 3)));
  CHECK_THAT(thrown_by<ConfigError>([&] {
               load_midi_mappings((folder / "bad.yaml").string(), lookup, true);
             }).what(),
             Contains("bad.yaml:2:1: ") && Contains("a MIDI map file has only `midi:`"));
  CHECK_THAT(
      thrown_by<IoError>([&] { load_midi_mappings("/nonexistent/map.yaml", lookup); }).what(),
      Contains("/nonexistent/map.yaml"));
  std::filesystem::remove_all(folder);
}

TEST_CASE("MidiEvent keeps complete channel messages and skips the rest", "[midi]") {
  const std::uint8_t cc[] = {0xB3, 7, 100};
  const auto e = MidiEvent::from_bytes(cc, 3, 12);
  REQUIRE(e);
  CHECK(e->kind() == 0xB0);
  CHECK(e->channel() == 4);
  CHECK(e->data1 == 7);
  CHECK(e->data2 == 100);
  CHECK(e->frame == 12);
  const std::uint8_t program[] = {0xC0, 5};
  CHECK(MidiEvent::from_bytes(program, 2, 0)->data1 == 5);
  const std::uint8_t running_status[] = {7, 100};  // data bytes without a status byte
  CHECK_FALSE(MidiEvent::from_bytes(running_status, 2, 0));
  const std::uint8_t clock[] = {0xF8};
  CHECK_FALSE(MidiEvent::from_bytes(clock, 1, 0));
  const std::uint8_t sysex[] = {0xF0, 1, 2, 0xF7};
  CHECK_FALSE(MidiEvent::from_bytes(sysex, 4, 0));
  CHECK_FALSE(MidiEvent::from_bytes(cc, 2, 0));       // cut short
  CHECK_FALSE(MidiEvent::from_bytes(program, 1, 0));  // cut short
  const std::uint8_t bad_data[] = {0xB0, 0x87, 1};
  CHECK_FALSE(MidiEvent::from_bytes(bad_data, 3, 0));
}

TEST_CASE("MidiEventQueue drops and counts what does not fit, in order otherwise", "[midi]") {
  MidiEventQueue queue(4);
  for (std::uint8_t i = 0; i < 10; ++i) queue.push(event(0xB0, i, i));
  CHECK(queue.dropped() == 6);
  std::vector<int> seen;
  CHECK(queue.drain([&](const MidiEvent& e) { seen.push_back(e.data1); }) == 4);
  CHECK(seen == std::vector<int>{0, 1, 2, 3});
  CHECK(queue.push(event(0xB0, 99)));
  CHECK(queue.drain([](const MidiEvent&) {}) == 1);
}
