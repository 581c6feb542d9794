#include "session_midi.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "session_presets.h"

namespace fxgraph::cli {

namespace {

/// How often the control thread drains the queue: a knob's latency beyond the period.
constexpr long kDrainIntervalNs = 5'000'000;

void report(const std::string& message) {
  std::fprintf(stderr, "fxgraph: midi: %s\n", message.c_str());
}

int make_drain_timer() {
  const int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) throw RuntimeFailure("cannot create the MIDI drain timer (timerfd_create)");
  const itimerspec every{{0, kDrainIntervalNs}, {0, kDrainIntervalNs}};
  ::timerfd_settime(fd, 0, &every, nullptr);
  return fd;
}

}  // namespace

void add_midi_options(CLI::App* app, MidiOptions& options) {
  app->add_flag("--midi", options.enabled,
                "register a JACK MIDI input <client>:midi_in driven by the graph's `midi:` "
                "mappings (and `learn`)");
  app->add_option("--midi-map", options.map_file,
                  "MIDI mappings from a file of their own (a `midi:` list); implies --midi")
      ->type_name("FILE.yaml");
}

void check_midi_backend(const MidiOptions& options, const std::string& backend) {
  if (options.wanted() && backend != "jack")
    throw UsageError("--midi needs the JACK backend (MIDI input is a JACK MIDI port); the " +
                     backend + " backend has no MIDI input");
}

MidiControl::MidiControl(const MidiOptions& options, const GraphDocument& document)
    : enabled_(options.wanted()) {
  const ParameterSpecLookup lookup = graph_parameter_lookup(document.graph);
  if (!document.path.empty()) mappings_ = load_midi_mappings(document.path, lookup);
  if (!options.map_file.empty()) {
    std::vector<MidiMapping> more = load_midi_mappings(options.map_file, lookup, true);
    mappings_.insert(mappings_.end(), more.begin(), more.end());
  }
  if (!enabled_ && !mappings_.empty())
    report("note: the graph's `midi:` mappings are unused without --midi");
  if (enabled_) timer_fd_ = make_drain_timer();
}

MidiControl::~MidiControl() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

void MidiControl::learn(const std::string& path, Reply reply, SessionCommands& commands) {
  (void)commands.find_spec(path);  // an unknown path answers an error now, not later
  learning_ = path;
  learn_reply_ = std::move(reply);
}

std::size_t MidiControl::drain(SessionCommands& commands) {
  return queue_.drain([&](const MidiEvent& event) { apply(event, commands); });
}

void MidiControl::apply(const MidiEvent& event, SessionCommands& commands) {
  ++received_;
  if (learning_ && event.kind() == 0xB0) {
    learn_from(event, commands);
    return;
  }
  RealtimeProcessor& rt = commands.processor();
  for (const MidiMapping& mapping : mappings_) {
    if (!mapping.matches(event)) continue;
    try {
      switch (mapping.trigger) {
        case MidiTrigger::control_change:
          rt.set_parameter(mapping.path, controller_value(mapping, event.data2));
          break;
        case MidiTrigger::note: {
          const bool on = event.kind() == 0x90 && event.data2 > 0;
          if (mapping.note_mode == NoteMode::gate)
            rt.set_parameter(mapping.path, on ? mapping.high : mapping.low);
          else if (on)  // toggle: away from the second end, else back to it
            rt.set_parameter(mapping.path, rt.get_parameter(mapping.path) == mapping.high
                                               ? mapping.low
                                               : mapping.high);
          break;
        }
        case MidiTrigger::program_change:
          load_preset(mapping, commands);
          break;
      }
    } catch (const StreamError&) {
      throw;  // the session loop reports a lost stream
    } catch (const Error& e) {
      report(mapping.describe() + ": " + e.what());
    }
  }
}

void MidiControl::learn_from(const MidiEvent& event, SessionCommands& commands) {
  const std::string path = *learning_;
  learning_.reset();
  const ParameterSpec& spec = commands.find_spec(path);
  MidiMapping mapping{.trigger = MidiTrigger::control_change,
                      .number = event.data1,
                      .channel = event.channel(),
                      .path = path,
                      .low = spec.min,
                      .high = spec.max,
                      .kind = spec.kind,
                      .location = {"learn"}};
  std::erase_if(mappings_, [&](const MidiMapping& m) {
    return m.trigger == MidiTrigger::control_change && m.number == mapping.number &&
           (m.channel == 0 || m.channel == mapping.channel);
  });
  mappings_.push_back(mapping);
  if (learn_reply_)
    learn_reply_("ok learned cc " + std::to_string(mapping.number) + " channel " +
                 std::to_string(mapping.channel) + " -> " + path);
  learn_reply_ = nullptr;
}

void MidiControl::load_preset(const MidiMapping& mapping, SessionCommands& commands) {
  // Read when the program changes, not at start: a preset edited during the session is
  // loaded as it is now. The reader of `load`: the same format, all-or-nothing rule and
  // errors.
  cli::load_preset(commands, mapping.preset);
}

void install_midi(MidiControl& midi, const std::string& port, SessionCommands& commands,
                  SessionHooks& hooks) {
  if (!midi.enabled()) return;
  commands.add({.name = "learn",
                .min_args = 1,
                .max_args = 1,
                .run = [&midi, &commands](const SessionCall& call) {
                  midi.learn(call.args[0], call.reply, commands);
                  call.reply("ok learning " + call.args[0] + ": move a controller");
                }});
  commands.add({.name = "midi", .run = [&midi, port](const SessionCall& call) {
                  call.reply("midi in " + port + ": " + std::to_string(midi.received()) +
                             " events, " + std::to_string(midi.dropped()) + " dropped, " +
                             std::to_string(midi.mappings().size()) + " mappings");
                  for (const MidiMapping& mapping : midi.mappings())
                    call.reply("  " + mapping.describe());
                }});
  if (const SessionCommand* stats = commands.find_command("stats")) {
    SessionCommand extended = *stats;
    extended.run = [previous = stats->run, &midi](const SessionCall& call) {
      const Reply append = [&](const std::string& line) {
        call.reply(line + ", midi dropped " + std::to_string(midi.dropped()));
      };
      previous(SessionCall{call.args, append});
    };
    commands.add(std::move(extended));
  }
  hooks.sources.push_back({midi.timer_fd(), [&midi, &commands] {
                             std::uint64_t expirations = 0;
                             [[maybe_unused]] const ssize_t n =
                                 ::read(midi.timer_fd(), &expirations, sizeof expirations);
                             midi.drain(commands);
                           }});
}

}  // namespace fxgraph::cli
