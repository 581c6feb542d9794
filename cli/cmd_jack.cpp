// `fxgraph jack GRAPH.yaml [--name CLIENT] [--server NAME] [--connect]`: runs a YAML
// graph live as a JACK client, its jack_in/jack_out nodes being the client's ports,
// and takes parameter commands on standard input while it plays.
//
// The session (cli/session_commands.h, cli/session_loop.h): one command per line on
// stdin, one answer per line on stdout, flushed at once, so a program driving the
// session through a pipe sees it:
//   set PATH VALUE   ->  ok PATH = VALUE          (VALUE may be a choice's name)
//   get PATH         ->  PATH = VALUE
//   ramp PATH VALUE SECONDS -> ok ramp PATH FROM -> VALUE over SECONDS s (a straight
//                        line from the current value, starting now: session_ramp.h)
//   params           ->  PATH = VALUE UNIT  RANGE  (one line per parameter, e.g.
//                        drive.gain = 1.5 x  [-1000, 1000])
//   stats            ->  xruns N, blocks N, dsp load mean X %, max Y % (since the last stats Z %)
//   save FILE        ->  ok saved N parameters to FILE   (cli/session_presets.h)
//   load FILE        ->  ok loaded N parameters from FILE
//   help             ->  the commands
//   reload           ->  ok reload: kept N, …  (cli/session_reload.h; also --watch)
//   quit             ->  stops; so do the end of stdin, SIGINT (Ctrl-C) and SIGTERM
//   learn PATH, midi ->  with --midi (MIDI control: cli/session_midi.h)
// A bad command or value answers `error: <message>` and the session goes on.
//
// Exit status (main.cpp's policy): 0 after quit / end of input / a signal; 2 when the
// graph is wrong or no JACK server runs (the message says how to start jackd); 1 when
// the server shuts down mid-session ("JACK server shut down").
//
// Memory: once the client runs, the process's memory is locked (mlockall), as
// realtime audio programs do, so the audio thread never waits for a page to be read
// back (code and libraries are file pages the kernel may evict under memory pressure,
// swap or not). If the lock is refused (RLIMIT_MEMLOCK, see `ulimit -l`), it says so
// once on stderr and plays on.
//
// The flags, the graph's loading and the session are shared with `fxgraph live`
// (cli/live_session.h); this file is the JACK side of them, which `fxgraph live
// --backend jack` runs too (run_jack_session).

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli_support.h"
#include "cmd_jack.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/jack_backend.h"
#include "live_session.h"
#include "session_midi.h"
#include "session_loop.h"

namespace fxgraph::cli {

namespace {

/// What to check when no server answers: the name asked for, and how to give another.
std::string server_hint(const std::string& server_name) {
  if (server_name.empty())
    return "; if a server runs under another name, give it with --server NAME (the name it "
           "was started with, `jackd -n NAME`)";
  return "; or check the name given to --server ('" + server_name +
         "'): it must be the name the running server was started with (`jackd -n NAME`; "
         "without --server, $JACK_DEFAULT_SERVER or 'default')";
}

}  // namespace

void run_jack_session(const LiveOptions& options) {
  // Never start a server behind the user's back (libjack would, with the defaults).
  ::setenv("JACK_NO_START_SERVER", "1", 1);
  // libjack's own stderr lines repeat, in its words, what our message says.
  if (!options.verbose) JackBackend::silence_library_messages();

  LiveGraph live = load_live_graph(options, 48000.0);  // the server's rate wins anyway
  MidiControl midi(options.midi, live.document);  // before the graph moves; outlives the client
  auto backend = std::make_unique<JackBackend>(
      JackOptions{.client_name = live_client_name(options, live.document),
                  .server_name = options.server_name,
                  .input_port_names = live.binding.input_ports,
                  .output_port_names = live.binding.output_ports,
                  .auto_connect = options.connect,
                  .midi_input_port = midi.port_name(),
                  .midi_events = midi.queue()});
  JackBackend& jack = *backend;
  const std::unique_ptr<RealtimeProcessor> rt =
      make_live_processor(live, std::move(backend), options.threads);
  // Before the client starts: a Ctrl-C while it connects or locks its memory (which
  // can take a while) must stop it cleanly too, not kill it with the default action.
  StopSignals signals;
  try {
    start_live_processor(*rt, live.document);
  } catch (const BackendNotAvailableError& e) {
    // Nothing to play on: a problem with the request (exit 2).
    throw UsageError(e.what() + server_hint(options.server_name));
  }

  std::string in_ports, out_ports;
  for (const auto& port : jack.input_ports()) in_ports += " " + port;
  for (const auto& port : jack.output_ports()) out_ports += " " + port;
  char banner[4096];
  std::snprintf(banner, sizeof banner,
                "fxgraph: '%s' running as JACK client '%s' on server '%s': %g Hz, %u frames "
                "(%.2f ms)\n  capture: %s\n  playback: %s\n",
                live.document.name.empty() ? options.graph.c_str() : live.document.name.c_str(),
                jack.client_name().c_str(),
                options.server_name.empty() ? "default" : options.server_name.c_str(),
                jack.sample_rate(), jack.buffer_size(), rt->latency_ms(),
                in_ports.empty() ? "(none)" : in_ports.c_str() + 1,
                out_ports.empty() ? "(none)" : out_ports.c_str() + 1);
  std::string banner_text = banner;
  if (midi.enabled()) banner_text += "  midi: " + jack.midi_input() + "\n";
  run_live_session(
      *rt, options,
      {.banner = banner_text,
       .jack = &jack,
       .midi = midi.enabled() ? &midi : nullptr,
       .midi_port = jack.midi_input(),
       .running = live.running,
       .binding = live.binding,
       .lost_stream_message = "JACK server shut down"},
      signals);
}

Command add_jack_command(CLI::App& app) {
  auto options = std::make_shared<LiveOptions>();
  CLI::App* sub = app.add_subcommand(
      "jack", "Run a YAML graph live as a JACK client; change parameters from stdin");
  add_live_options(sub, *options);
  sub->footer(
      std::string(
          "Ports are named after the graph's jack_in / jack_out nodes: a node `guitar` with\n"
          "one channel is the port <client>:guitar_1. The server must be running already\n"
          "(e.g. `jackd -d dummy -r 48000 -p 256`, or `-d alsa` for a sound card).\n"
          "A chain file (`chain:`) gets ports in_1, in_2 … and out_1, out_2 … (--channels).\n"
          "\n") +
      session_help_footer() +
      "\n"
      "Examples:\n"
      "  fxgraph jack graphs/guitar.yaml --connect\n"
      "  fxgraph jack graphs/guitar.yaml --server live --name rig --reconnect");
  return {sub, [options] { run_jack_session(*options); }};
}

}  // namespace fxgraph::cli
