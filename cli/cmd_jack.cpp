// `fxgraph jack GRAPH.yaml [--name CLIENT] [--server NAME] [--connect]`: runs a YAML
// graph live as a JACK client, its jack_in/jack_out nodes being the client's ports,
// and takes parameter commands on standard input while it plays.
//
// The session (cli/session_commands.h, cli/session_loop.h): one command per line on
// stdin, one answer per line on stdout, flushed at once, so a program driving the
// session through a pipe sees it:
//   set PATH VALUE   ->  ok PATH = VALUE          (VALUE may be a choice's name)
//   get PATH         ->  PATH = VALUE
//   params           ->  PATH = VALUE UNIT  RANGE  (one line per parameter, e.g.
//                        drive.gain = 1.5 x  [-1000, 1000])
//   stats            ->  xruns N, blocks N, dsp load mean X %, max Y %
//   help             ->  the commands
//   reload           ->  ok reload: kept N, …  (cli/session_reload.h; also --watch)
//   quit             ->  stops; so do the end of stdin, SIGINT (Ctrl-C) and SIGTERM
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

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.h"
#include "cmd_jack.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/jack_backend.h"
#include "fxgraph/io/jack_nodes.h"
#include "graph_files.h"
#include "parameter_settings.h"
#include "session_commands.h"
#include "session_loop.h"
#include "session_reload.h"

namespace fxgraph::cli {

namespace {

struct JackCommandOptions {
  std::string graph;
  std::string client_name;
  std::string server_name;
  bool connect = false;
  std::uint32_t chain_channels = 2;
  std::string params;
  bool verbose = false;
  unsigned threads = 1;
  ReloadOptions reload;
};

/// Locks the pages mapped now: called once the client is active, when everything the
/// audio thread touches exists (engine buffers, port tables, JACK's thread and stack);
/// the engine is not rebuilt while running. Not MCL_FUTURE: under a finite
/// RLIMIT_MEMLOCK it would make the session's later allocations fail, not just the lock.
void lock_memory() {
  if (::mlockall(MCL_CURRENT) == 0) return;
  const int error = errno;
  std::fprintf(stderr,
               "fxgraph: note: cannot lock memory (mlockall: %s); playing on, but the audio "
               "thread may stall on page faults under memory pressure (raise `ulimit -l`, "
               "e.g. membership of the 'audio' group)\n",
               std::strerror(error));
}

/// The next power of two within StreamConfig's range: a YAML block_size is only a hint
/// (the JACK server decides the period), so any whole number is accepted.
std::uint32_t buffer_size_hint(std::uint32_t block) {
  std::uint32_t size = StreamConfig::min_buffer_size;
  while (size < block && size < StreamConfig::max_buffer_size) size *= 2;
  return size;
}

/// Gives a chain file JACK ports: `in` (capture) feeding its input and `out` (playback)
/// fed by its output, `channels` ports each.
void add_jack_ends(Graph& graph, std::uint32_t channels) {
  const std::string in = unused_id(graph, "in");
  graph.add(in, std::make_shared<JackPortNode>(JackPortNode::Direction::capture, channels));
  graph.connect(Endpoint{in, ""}, *graph.input());
  const std::string out = unused_id(graph, "out");
  graph.add(out, std::make_shared<JackPortNode>(JackPortNode::Direction::playback, channels));
  graph.connect(*graph.output(), Endpoint{out, ""});
}

/// The reload step that gives an edited file the same JACK ends as the running graph,
/// and refuses an edit that changes the ports: they are registered once, when the
/// client starts (re-registering would drop the user's connections).
std::function<void(GraphDocument&)> jack_reload_step(const JackBinding& running,
                                                     std::uint32_t chain_channels) {
  return [running, chain_channels](GraphDocument& edited) {
    if (has_external_ends(edited)) add_jack_ends(edited.graph, chain_channels);
    JackBinding now = bind_jack_ports(edited.graph);
    const auto ports = [](const JackBinding& b) {
      const auto names = [](const std::vector<std::string>& list) {
        std::string text;
        for (const auto& port : list) text += (text.empty() ? "" : ", ") + port;
        return text.empty() ? std::string("none") : text;
      };
      return "[capture: " + names(b.input_ports) + "; playback: " + names(b.output_ports) + "]";
    };
    const bool inputs_changed = now.input_ports != running.input_ports;
    if (inputs_changed || now.output_ports != running.output_ports) {
      // Located at the jack node whose ports change (when the edit still has it).
      const std::string& node = inputs_changed ? now.input_node : now.output_node;
      throw UsageError("the edit changes the JACK ports from " + ports(running) + " to " +
                           ports(now) +
                           "; ports are registered when the session starts: restart `fxgraph "
                           "jack` to use them. The running graph plays on",
                       {.node = node});
    }
    check_connected(edited);
  };
}

/// What to check when no server answers: the name asked for, and how to give another.
std::string server_hint(const std::string& server_name) {
  if (server_name.empty())
    return "; if a server runs under another name, give it with --server NAME (the name it "
           "was started with, `jackd -n NAME`)";
  return "; or check the name given to --server ('" + server_name +
         "'): it must be the name the running server was started with (`jackd -n NAME`; "
         "without --server, $JACK_DEFAULT_SERVER or 'default')";
}

/// Runs `step`, a part of the setup that works on the graph (binding its ports,
/// building and starting the realtime driver), and points the errors about the graph
/// into its file, so they read file:line:col like those of `run` and `process`. Errors
/// about the server or the stream pass unchanged: they are not about the file.
template <class Step>
auto located(const GraphDocument& document, Step&& step) {
  try {
    return step();
  } catch (GraphError& error) {
    locate_error(error, document);
    throw;
  } catch (ConfigError& error) {
    locate_error(error, document);
    throw;
  } catch (ParameterError& error) {
    locate_error(error, document);
    throw;
  }
}

void run_jack(const JackCommandOptions& options) {
  // Never start a server behind the user's back (libjack would, with the defaults).
  ::setenv("JACK_NO_START_SERVER", "1", 1);
  // libjack's own stderr lines repeat, in its words, what our message says.
  if (!options.verbose) JackBackend::silence_library_messages();

  GraphDocument document = load_graph_file(options.graph);
  if (has_external_ends(document)) add_jack_ends(document.graph, options.chain_channels);
  const JackBinding binding = located(document, [&] { return bind_jack_ports(document.graph); });
  check_connected(document);
  if (!options.params.empty()) apply_params_file(document.graph, options.params);

  StreamConfig config{.sample_rate = document.sample_rate.value_or(48000.0),
                      .buffer_size = buffer_size_hint(document.block_size.value_or(512)),
                      .channels_in = binding.channels_in,
                      .channels_out = binding.channels_out};
  located(document, [&] { config.validate(); });  // the file's sample_rate, block_size
  // Shares the nodes, values as loaded: what a reload compares the edited file with.
  GraphDocument running = document;
  // Compile once here for messages that point into the file (line and column).
  check_compiles(document, compile_options_for(document, {.input_channels = std::max<std::uint32_t>(
                                                              binding.channels_in, 1)}));

  std::string client_name = options.client_name;
  if (client_name.empty()) client_name = document.name.empty() ? "fxgraph" : document.name;
  auto backend =
      std::make_unique<JackBackend>(JackOptions{.client_name = client_name,
                                                .server_name = options.server_name,
                                                .input_port_names = binding.input_ports,
                                                .output_port_names = binding.output_ports,
                                                .auto_connect = options.connect});
  JackBackend& jack = *backend;
  RealtimeProcessor rt = located(document, [&] {
    return RealtimeProcessor(std::move(document.graph), std::move(backend), config,
                             options.threads);
  });
  // Before the client starts: a Ctrl-C while it connects or locks its memory (which
  // can take a while) must stop it cleanly too, not kill it with the default action.
  StopSignals signals;
  try {
    located(document, [&] { rt.start(); });
  } catch (const BackendNotAvailableError& e) {
    // Nothing to play on: a problem with the request (exit 2).
    throw UsageError(e.what() + server_hint(options.server_name));
  }
  lock_memory();

  SessionCommands commands(rt);
  SessionHooks hooks;
  install_reload(options.reload,
                 {std::move(running), jack_reload_step(binding, options.chain_channels)}, commands,
                 hooks);
  std::string in_ports, out_ports;
  for (const auto& port : jack.input_ports()) in_ports += " " + port;
  for (const auto& port : jack.output_ports()) out_ports += " " + port;
  std::fprintf(stderr,
               "fxgraph: '%s' running as JACK client '%s' on server '%s': %g Hz, %u frames "
               "(%.2f ms)\n  capture: %s\n  playback: %s\n"
               "  commands: %s | quit\n",
               document.name.empty() ? options.graph.c_str() : document.name.c_str(),
               jack.client_name().c_str(),
               options.server_name.empty() ? "default" : options.server_name.c_str(),
               jack.sample_rate(), jack.buffer_size(), rt.latency_ms(),
               in_ports.empty() ? "(none)" : in_ports.c_str() + 1,
               out_ports.empty() ? "(none)" : out_ports.c_str() + 1, commands.usage_list().c_str());

  hooks.describe_lost_stream = [&rt] {
    return rt.backend().state() == StreamState::error ? std::string("JACK server shut down")
                                                      : rt.failure_reason();
  };
  run_session(commands, signals, hooks);
  if (rt.is_running()) rt.stop();
}

}  // namespace

Command add_jack_command(CLI::App& app) {
  auto options = std::make_shared<JackCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "jack", "Run a YAML graph live as a JACK client; change parameters from stdin");
  sub->add_option("graph", options->graph, "the graph (YAML) with jack_in / jack_out nodes")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--name", options->client_name,
                  "JACK client name (default: the graph's name, else fxgraph)");
  sub->add_option("--params", options->params,
                  "start with parameters from a YAML map of node.param: value")
      ->type_name("FILE.yaml");
  sub->add_option("--server", options->server_name,
                  "JACK server name (default: $JACK_DEFAULT_SERVER or 'default')");
  sub->add_option("--channels", options->chain_channels,
                  "ports per direction for a chain file (its `in_N` and `out_N` ports)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_option("--threads", options->threads,
                  "threads that run the graph's parallel branches (JACK realtime workers)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_flag("--connect", options->connect,
                "connect the ports to system:capture_N / system:playback_N");
  add_reload_options(sub, options->reload);
  sub->add_flag("-v,--verbose", options->verbose,
                "also show libjack's own messages (hidden by default: fxgraph's say the same)");
  sub->footer(
      "Ports are named after the graph's jack_in / jack_out nodes: a node `guitar` with\n"
      "one channel is the port <client>:guitar_1. The server must be running already\n"
      "(e.g. `jackd -d dummy -r 48000 -p 256`, or `-d alsa` for a sound card).\n"
      "A chain file (`chain:`) gets ports in_1, in_2 … and out_1, out_2 … (--channels).\n"
      "\n"
      "Commands on stdin, one per line:\n"
      "  set PATH VALUE   e.g. set drive.gain 2        -> ok drive.gain = 2\n"
      "  get PATH                                      -> drive.gain = 2\n"
      "  params           every parameter with value, unit and range\n"
      "  stats            xruns, blocks, DSP load (mean, max)\n"
      "  reload           load the file again; unchanged nodes keep their state\n"
      "  quit             stop (so do end of input and Ctrl-C)\n"
      "\n"
      "Examples:\n"
      "  fxgraph jack graphs/guitar.yaml --connect\n"
      "  fxgraph jack graphs/guitar.yaml --server live --name rig");
  return {sub, [options] { run_jack(*options); }};
}

}  // namespace fxgraph::cli
