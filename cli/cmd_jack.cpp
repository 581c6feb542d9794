// `fxgraph jack GRAPH.yaml [--name CLIENT] [--server NAME] [--connect]`: runs a YAML
// graph live as a JACK client, its jack_in/jack_out nodes being the client's ports,
// and takes parameter commands on standard input while it plays.
//
// Session protocol: one command per line on stdin, one answer per line on stdout
// (flushed at once, so a program driving the session through a pipe sees it):
//   set PATH VALUE   ->  ok PATH = VALUE          (VALUE may be a choice's name)
//   get PATH         ->  PATH = VALUE
//   ramp PATH VALUE SECONDS -> ok ramp PATH FROM -> VALUE over SECONDS s (a straight
//                        line from the current value, starting now: session_ramp.h)
//   params           ->  PATH = VALUE UNIT  RANGE  (one line per parameter, e.g.
//                        drive.gain = 1.5 x  [-1000, 1000])
//   stats            ->  xruns N, blocks N, dsp load mean X %, max Y %
//   help             ->  the commands
//   quit             ->  stops; so do the end of stdin, SIGINT (Ctrl-C) and SIGTERM
// A bad command or value answers `error: <message>` and the session goes on.
// Blank lines and lines starting with '#' are ignored (scripts may comment).
//
// Exit status (main.cpp's policy): 0 after quit / end of input / a signal; 2 when the
// graph is wrong or no JACK server runs (the message says how to start jackd); 1 when
// the server shuts down mid-session ("JACK server shut down").
//
// Why poll(): the main thread waits on two file descriptors at once, stdin and a
// self-pipe the signal handler writes to (the one async-signal-safe way to wake it),
// with a timeout so a lost server is noticed within a tenth of a second even when
// nobody types.
//
// Memory: once the client runs, the process's memory is locked (mlockall), as
// realtime audio programs do, so the audio thread never waits for a page to be read
// back (code and libraries are file pages the kernel may evict under memory pressure,
// swap or not). If the lock is refused (RLIMIT_MEMLOCK, see `ulimit -l`), it says so
// once on stderr and plays on.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>
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
#include "session_ramp.h"

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
};

// ---- signals ----------------------------------------------------------------------

int g_signal_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(g_signal_pipe[1], &byte, 1);
  errno = saved;
}

/// Routes SIGINT and SIGTERM to a self-pipe while it exists; restores the previous
/// handlers afterwards.
class StopSignals {
 public:
  StopSignals() {
    if (::pipe(g_signal_pipe) != 0) throw RuntimeFailure("cannot create a pipe for signals");
    for (int fd : g_signal_pipe) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    struct sigaction action = {};
    action.sa_handler = &on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
    for (int& fd : g_signal_pipe) {
      ::close(fd);
      fd = -1;
    }
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  int fd() const noexcept { return g_signal_pipe[0]; }

 private:
  struct sigaction previous_int_ = {};
  struct sigaction previous_term_ = {};
};

// ---- the session ------------------------------------------------------------------

std::string percent(double load) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << load * 100.0 << " %";
  return out.str();
}

/// "PATH = VALUE", with a choice parameter's value shown by name.
std::string show_value(const std::string& path, const ParameterSpec& spec, double value) {
  if (spec.kind == ParameterKind::choice) {
    const auto index = std::size_t(value);
    if (value >= 0 && index < spec.choices.size()) return path + " = " + spec.choices[index];
  }
  return path + " = " + format_number(value);
}

class Session {
 public:
  explicit Session(RealtimeProcessor& rt) : rt_(rt) {}

  /// Carries out one command line; false when it asks to quit.
  bool handle(const std::string& line) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command.empty() || command[0] == '#') return true;
    std::vector<std::string> args;
    for (std::string word; words >> word;) args.push_back(word);
    try {
      if (command == "quit" || command == "exit") {
        expect_args(command, args, 0, "quit");
        return false;
      }
      if (command == "set") {
        expect_args(command, args, 2, "set PATH VALUE, e.g. set drive.gain 2");
        set(args[0], args[1]);
      } else if (command == "get") {
        expect_args(command, args, 1, "get PATH, e.g. get drive.gain");
        const ParameterSpec& spec = find_spec(args[0]);
        answer(show_value(args[0], spec, rt_.get_parameter(args[0])));
      } else if (command == "params") {
        expect_args(command, args, 0, "params");
        params();
      } else if (command == "ramp") {
        answer(run_ramp_command(rt_, args));
      } else if (command == "stats") {
        expect_args(command, args, 0, "stats");
        stats();
      } else if (command == "help") {
        answer(
            "commands: set PATH VALUE | get PATH | ramp PATH VALUE SECONDS | params | stats | "
            "help | quit");
      } else {
        throw UsageError("unknown command '" + command +
                         "'; commands: set PATH VALUE, get PATH, ramp PATH VALUE SECONDS, params, "
                         "stats, help, quit");
      }
    } catch (const StreamError&) {
      throw;  // the stream is lost: the session ends (run_session reports it)
    } catch (const Error& e) {
      answer(std::string("error: ") + e.what());
    }
    return true;
  }

 private:
  static void expect_args(const std::string& command, const std::vector<std::string>& args,
                          std::size_t count, const char* usage) {
    if (args.size() != count)
      throw UsageError("'" + command + "' takes " + std::to_string(count) + " argument" +
                       (count == 1 ? "" : "s") + ", got " + std::to_string(args.size()) +
                       "; usage: " + usage);
  }

  /// The spec of "node.param"; ParameterError (listing the valid names) when unknown.
  const ParameterSpec& find_spec(const std::string& path) {
    const auto parsed = ParameterPath::parse(path);  // throws on a malformed path
    for (const ParameterInfo& info : rt_.parameters())
      if (info.path == parsed.str()) return *info.spec;
    (void)rt_.get_parameter(path);  // throws the engine's own message for the unknown path
    throw ParameterError("unknown parameter '" + path + "'");
  }

  void set(const std::string& path, const std::string& text) {
    const ParameterSpec& spec = find_spec(path);
    double value = 0.0;
    if (const auto number = parse_number(text))
      value = *number;
    else if (spec.kind == ParameterKind::choice)
      value = choice_index(spec, text, path);
    else
      throw UsageError("'" + text + "' is not a number (for '" + path + "', allowed " +
                       describe_range(spec) + ")");
    rt_.set_parameter(path, value);
    answer("ok " + show_value(path, spec, value));
  }

  void params() {
    const auto all = rt_.parameters();
    if (all.empty()) answer("(the graph has no parameters)");
    for (const ParameterInfo& info : all) {
      const ParameterSpec& spec = *info.spec;
      std::string line = show_value(info.path, spec, info.value);
      std::string range = describe_range(spec);
      if (!spec.unit.empty() && spec.kind != ParameterKind::choice) {
        line += " " + spec.unit;  // the unit once, after the value: "2 x  [-1000, 1000]"
        const std::string suffix = " " + spec.unit;
        if (range.size() > suffix.size() &&
            range.compare(range.size() - suffix.size(), suffix.size(), suffix) == 0)
          range.resize(range.size() - suffix.size());
      }
      line += "  " + range;
      std::cout << line << '\n';
    }
    std::cout.flush();
  }

  void stats() {
    const RealtimeStats s = rt_.stats();
    answer("xruns " + std::to_string(s.xruns) + ", blocks " + std::to_string(s.blocks) +
           ", dsp load mean " + percent(s.dsp_load_mean) + ", max " + percent(s.dsp_load_max));
  }

  static void answer(const std::string& line) { std::cout << line << std::endl; }

  RealtimeProcessor& rt_;
};

/// Why the stream failed, as the user should read it.
[[noreturn]] void report_lost_stream(RealtimeProcessor& rt) {
  if (rt.backend().state() == StreamState::error) throw RuntimeFailure("JACK server shut down");
  throw RuntimeFailure(rt.failure_reason());  // e.g. the graph cannot run at a new rate
}

/// Reads commands until quit, end of input or a signal (caught by `signals`, which
/// the caller installs before the client starts). Throws RuntimeFailure when the
/// stream is lost.
void run_session(RealtimeProcessor& rt, const StopSignals& signals) {
  Session session(rt);
  std::string pending;  // bytes read after the last newline
  bool input_open = true;
  for (;;) {
    if (rt.state() == StreamState::error) report_lost_stream(rt);
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    const int ready = ::poll(fds, input_open ? 2 : 1, 100);
    if (ready < 0 && errno != EINTR) throw RuntimeFailure("poll() failed on standard input");
    if (ready <= 0) continue;
    if (fds[0].revents & POLLIN) return;  // SIGINT / SIGTERM
    if (!input_open || !(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      input_open = false;
    } else if (n == 0) {
      input_open = false;
    } else {
      pending.append(chunk, std::size_t(n));
    }
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      try {
        if (!session.handle(line)) return;
      } catch (const StreamError&) {
        report_lost_stream(rt);
      }
    }
    if (!input_open) {  // end of input: a last line without newline, then quit
      try {
        if (!pending.empty()) session.handle(pending);
      } catch (const StreamError&) {
        report_lost_stream(rt);
      }
      return;
    }
  }
}

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

  std::string in_ports, out_ports;
  for (const auto& port : jack.input_ports()) in_ports += " " + port;
  for (const auto& port : jack.output_ports()) out_ports += " " + port;
  std::fprintf(stderr,
               "fxgraph: '%s' running as JACK client '%s' on server '%s': %g Hz, %u frames "
               "(%.2f ms)\n  capture: %s\n  playback: %s\n"
               "  commands: set PATH VALUE | get PATH | params | stats | help | quit\n",
               document.name.empty() ? options.graph.c_str() : document.name.c_str(),
               jack.client_name().c_str(),
               options.server_name.empty() ? "default" : options.server_name.c_str(),
               jack.sample_rate(), jack.buffer_size(), rt.latency_ms(),
               in_ports.empty() ? "(none)" : in_ports.c_str() + 1,
               out_ports.empty() ? "(none)" : out_ports.c_str() + 1);

  run_session(rt, signals);
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
      "  ramp PATH VALUE SECONDS  e.g. ramp lp.cutoff 8000 4 (from now, sample-exact)\n"
      "  params           every parameter with value, unit and range\n"
      "  stats            xruns, blocks, DSP load (mean, max)\n"
      "  quit             stop (so do end of input and Ctrl-C)\n"
      "\n"
      "Examples:\n"
      "  fxgraph jack graphs/guitar.yaml --connect\n"
      "  fxgraph jack graphs/guitar.yaml --server live --name rig");
  return {sub, [options] { run_jack(*options); }};
}

}  // namespace fxgraph::cli
