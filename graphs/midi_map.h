#pragma once
// MIDI mappings: which controller, note or program change of a live session's MIDI
// input sets which parameter (or loads which preset), read from a YAML `midi:` list —
// in the graph file itself or in a file of its own (`fxgraph jack --midi-map FILE`).
//
//     midi:
//       - {cc: 7, channel: 1, path: master.gain_db, range: [-60, 6], curve: lin}
//       - {cc: 74, path: lp.cutoff, range: [200, 8000], curve: log}   # any channel
//       - {note: 60, channel: 1, path: drive.bypass}                  # toggles
//       - {note: 61, path: drive.mute, mode: gate}                    # on = 1, off = 0
//       - {program: 3, preset: presets/clean.yaml}                    # a --params file
//
// Meaning
//   - `cc` (0–127) sets `path` from the controller's value: 0 → the range's first end,
//     127 → its second, in between linearly (`curve: lin`, the default) or
//     geometrically (`curve: log`, equal ratios per step, for frequencies and times;
//     both ends must then be > 0). `range` defaults to the parameter's whole range.
//   - `note` (0–127): with `mode: toggle` (the default) each note on flips `path`
//     between the range's ends (the first one is "off"); with `mode: gate` note on sets
//     the second end and note off (or note on with velocity 0) the first.
//   - `program` (0–127) loads `preset`, a YAML map of path → value in the `--params`
//     format; a relative path is relative to the YAML file's folder.
//   - `channel` 1–16 restricts a mapping to one MIDI channel; without it, any channel.
//   Integer, toggle and choice parameters receive the nearest whole value.
//
// Errors are ConfigError or ParameterError at the file:line:col of the offending
// value: an unknown key or parameter path, a number out of 0–127, a channel out of
// 1–16, a range beyond the parameter's or a log curve over a range that reaches 0 or
// below, a missing preset file.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/io/midi_events.h"

namespace fxgraph {

/// What kind of MIDI message a mapping answers.
enum class MidiTrigger : std::uint8_t { control_change, note, program_change };
/// How a controller's 0–127 spreads over a range.
enum class MidiCurve : std::uint8_t { linear, logarithmic };
/// What a note does to its parameter.
enum class NoteMode : std::uint8_t { toggle, gate };

struct MidiMapping {
  MidiTrigger trigger = MidiTrigger::control_change;
  int number = 0;     ///< controller, note or program number, 0–127
  int channel = 0;    ///< 1–16; 0 = any channel
  std::string path;   ///< node.param (cc and note)
  double low = 0.0;   ///< the value at controller 0 / note off
  double high = 1.0;  ///< the value at controller 127 / note on
  MidiCurve curve = MidiCurve::linear;
  NoteMode note_mode = NoteMode::toggle;
  ParameterKind kind = ParameterKind::real;  ///< the parameter's, for rounding
  std::string preset;                        ///< program: the preset file (resolved)
  SourceLocation location;                   ///< where the mapping is written

  /// Whether `event` is this mapping's message (any kind of note message for a note).
  bool matches(const MidiEvent& event) const noexcept;
  /// "cc 7 channel 1 -> master.gain_db [-60, 6] lin", "program 3 any channel ->
  /// presets/clean.yaml" …
  std::string describe() const;
};

/// The value controller position `value` (0–127) stands for in [low, high] along
/// `curve`, rounded for integer, toggle and choice parameters.
double controller_value(const MidiMapping& mapping, std::uint8_t value) noexcept;

/// The spec of a parameter path; throws ParameterError (naming the valid ones) when
/// the path names nothing.
using ParameterSpecLookup = std::function<const ParameterSpec&(const std::string& path)>;

/// A lookup over the nodes of `graph` (which must outlive it).
ParameterSpecLookup graph_parameter_lookup(const Graph& graph);

/// The `midi:` list of the YAML file at `path`; empty when the file has none.
/// `only_midi`: the file is a mapping file (--midi-map), where any other top-level key
/// is an error; a graph file's other keys are the graph loader's.
/// Throws IoError (unreadable file), ConfigError / ParameterError located in the file.
std::vector<MidiMapping> load_midi_mappings(const std::string& path,
                                            const ParameterSpecLookup& lookup,
                                            bool only_midi = false);

/// The same from YAML text; messages and relative preset paths use `source`.
std::vector<MidiMapping> parse_midi_mappings(const std::string& yaml, const std::string& source,
                                             const ParameterSpecLookup& lookup,
                                             bool only_midi = false);

}  // namespace fxgraph
