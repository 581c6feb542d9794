#pragma once
// MIDI control of a live session: `fxgraph jack --midi` registers a JACK MIDI input
// `<client>:midi_in`; controllers, notes and program changes arriving there set
// parameters and load presets as the mappings say (graphs/midi_map.h: the graph's
// `midi:` list, and `--midi-map FILE.yaml` for mappings kept apart from the graph).
//
//   MidiControl midi(options.midi, document);      // reads and checks the mappings
//   JackOptions{…, .midi_input_port = midi.port_name(), .midi_events = midi.queue()};
//   …
//   install_midi(midi, jack.midi_input(), commands, hooks);  // learn, midi, stats
//
// Threads
//   The JACK process callback only copies messages into the MidiEventQueue
//   (JackBackend::read_midi_events). The session's control thread drains the queue
//   every 5 ms (a timerfd among SessionHooks::sources, so the audio thread makes no
//   system call to wake it) and applies the mappings through the validated paths:
//   RealtimeProcessor::set_parameter, SessionCommands::set_from_text for presets.
//
// Session commands
//   learn PATH  ->  ok learning PATH: move a controller
//                   … then, when a controller moves: ok learned cc N channel C -> PATH
//                   (a new cc mapping over the parameter's whole range, replacing the
//                   controller's earlier mappings)
//   midi        ->  the input's port and counts, then one line per mapping
//   stats       ->  …, midi dropped N
//
// MIDI is JACK MIDI: a session on another backend refuses --midi (check_midi_backend).
// What MIDI changes is not echoed on stdout (a program driving the session reads one
// answer per command there); a program change loads its preset with `load`'s reader
// (session_presets.h: all or nothing), and one that fails is reported on stderr with
// the error `load` answers for that file.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fxgraph/graphs/midi_map.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/midi_events.h"
#include "session_commands.h"
#include "session_loop.h"

namespace fxgraph::cli {

struct MidiOptions {
  bool enabled = false;  ///< --midi
  std::string map_file;  ///< --midi-map FILE.yaml (implies --midi)
  bool wanted() const noexcept { return enabled || !map_file.empty(); }
};

/// --midi and --midi-map.
void add_midi_options(CLI::App* app, MidiOptions& options);

/// Throws UsageError when MIDI is asked for on a backend other than JACK.
void check_midi_backend(const MidiOptions& options, const std::string& backend);

/// The mappings of a session and what MIDI has done so far. Control thread, except
/// queue(), which the audio thread pushes into.
class MidiControl {
 public:
  /// Reads the document's `midi:` list and the --midi-map file, checked against the
  /// document's graph (call before the graph moves into a processor). Throws located
  /// ConfigError / ParameterError. Without --midi the mappings are checked but unused.
  MidiControl(const MidiOptions& options, const GraphDocument& document);
  ~MidiControl();
  MidiControl(const MidiControl&) = delete;
  MidiControl& operator=(const MidiControl&) = delete;

  bool enabled() const noexcept { return enabled_; }
  /// "midi_in" when enabled, else "" (no port).
  std::string port_name() const { return enabled_ ? "midi_in" : ""; }
  /// The queue the port's events go to; null when not enabled.
  MidiEventQueue* queue() noexcept { return enabled_ ? &queue_ : nullptr; }

  const std::vector<MidiMapping>& mappings() const noexcept { return mappings_; }
  std::uint64_t received() const noexcept { return received_; }
  std::uint64_t dropped() const noexcept { return queue_.dropped(); }

  /// Maps the next controller moved to `path` (over its whole range); `reply` gets the
  /// "ok learned …" line then.
  void learn(const std::string& path, Reply reply, SessionCommands& commands);
  /// Applies every queued event; returns how many.
  std::size_t drain(SessionCommands& commands);
  /// Applies one event as the mappings say.
  void apply(const MidiEvent& event, SessionCommands& commands);

  /// The timer the session loop polls to drain the queue (-1 when not enabled).
  int timer_fd() const noexcept { return timer_fd_; }

 private:
  void learn_from(const MidiEvent& event, SessionCommands& commands);
  void load_preset(const MidiMapping& mapping, SessionCommands& commands);

  bool enabled_ = false;
  std::vector<MidiMapping> mappings_;
  MidiEventQueue queue_;
  std::uint64_t received_ = 0;
  std::optional<std::string> learning_;  // the path the next controller goes to
  Reply learn_reply_;
  int timer_fd_ = -1;
};

/// Adds `learn` and `midi`, appends ", midi dropped N" to `stats`, and drains the
/// queue from the session loop. `port` is the input's full name, for `midi`. Does
/// nothing when MIDI is not enabled.
void install_midi(MidiControl& midi, const std::string& port, SessionCommands& commands,
                  SessionHooks& hooks);

}  // namespace fxgraph::cli
