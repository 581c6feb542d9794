// `fxgraph live GRAPH.yaml [--backend portaudio|jack] [--device NAME] [--list-devices]`:
// runs a YAML graph live on a sound card (PortAudio: ALSA, JACK … whatever host APIs the
// installed PortAudio has) or as a JACK client, with the same session as `fxgraph jack`
// (commands on stdin, the same flags; cli/live_session.h).
//
// Channels (PortAudio): the graph's jack_in node takes the device's input channels
// 1..N, its jack_out node feeds output channels 1..M (a chain file: --channels each
// way). One device serves both directions: --device names it by index or by (part of)
// its name; without --device, the default input and output devices.
// Rate: the file's sample_rate, else the device's default rate; period: the file's
// block_size rounded up to a power of two (default 512).
//
// Exit status as `fxgraph jack`: 2 for a bad graph, an unknown or ambiguous --device
// (the message lists the devices), a JACK-only flag with PortAudio, no device at all.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli_support.h"
#include "cmd_jack.h"
#include "commands.h"
#include "fxgraph/engine/errors.h"
#include "live_session.h"
#include "session_midi.h"
#include "session_loop.h"
#ifdef FXGRAPH_WITH_JACK
#include "fxgraph/io/jack_backend.h"
#endif
#ifdef FXGRAPH_WITH_PORTAUDIO
#include "fxgraph/io/portaudio_backend.h"
#endif

namespace fxgraph::cli {

namespace {

struct LiveCommandOptions {
  LiveOptions session;
  std::string backend;
  std::string device;
  bool list_devices = false;
};

#ifdef FXGRAPH_WITH_PORTAUDIO
constexpr const char* kDefaultBackend = "portaudio";
#else
constexpr const char* kDefaultBackend = "jack";
#endif

/// While it exists, file descriptor 2 goes to /dev/null: PortAudio's start-up probes
/// every host API, and ALSA and libjack print a line for each card or server they do
/// not find ("ALSA lib pcm.c: Unknown PCM …", "Cannot connect to server socket"), which
/// would bury fxgraph's own messages. --verbose keeps them.
class QuietStderr {
 public:
  explicit QuietStderr(bool quiet) {
    if (!quiet) return;
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

void list_jack_devices(const LiveOptions& options) {
#ifdef FXGRAPH_WITH_JACK
  if (!options.verbose) JackBackend::silence_library_messages();
  JackBackend jack(JackOptions{.server_name = options.server_name});
  if (!jack.is_available())
    throw UsageError("no JACK server is running to list the ports of (--server '" +
                     (options.server_name.empty() ? std::string("default") : options.server_name) +
                     "')");
  for (const std::string& port : jack.devices()) std::printf("%s\n", port.c_str());
#else
  (void)options;
  run_jack_session(options);  // says that this build has no JACK
#endif
}

#ifdef FXGRAPH_WITH_PORTAUDIO
void refuse_jack_flags(const LiveOptions& options) {
  const auto refuse = [](const char* flag, const char* why) {
    throw UsageError(std::string(flag) + " needs --backend jack: " + why);
  };
  if (!options.server_name.empty()) refuse("--server", "PortAudio chooses no JACK server");
  if (options.connect)
    refuse("--connect", "with PortAudio the device's channels are the graph's ends already");
  if (options.reconnect.enabled) refuse("--reconnect", "PortAudio reports no lost device");
  check_midi_backend(options.midi, "portaudio");
}

void run_portaudio(const LiveCommandOptions& options) {
  const LiveOptions& session = options.session;
  refuse_jack_flags(session);
  // PortAudio's JACK host API must not start a server behind the user's back either.
  ::setenv("JACK_NO_START_SERVER", "1", 1);
  std::unique_ptr<PortAudioBackend> backend;
  {
    QuietStderr quiet(!session.verbose);
    backend = std::make_unique<PortAudioBackend>(PortAudioOptions{
        .device = options.device,
        .client_name = session.client_name.empty() ? "fxgraph" : session.client_name});
  }
  if (options.list_devices) {
    for (const std::string& line : backend->devices()) std::printf("%s\n", line.c_str());
    return;
  }
  if (session.graph.empty()) throw UsageError("a graph file is needed (or --list-devices)");

  // The device's own rate unless the file sets one.
  PortAudioDevice device;
  try {
    if (!options.device.empty()) device = backend->find_device(options.device);
  } catch (const ConfigError& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
  double default_rate = device.default_sample_rate;
  if (options.device.empty())
    for (const PortAudioDevice& d : backend->list_devices())
      if (d.default_output) default_rate = d.default_sample_rate;
  LiveGraph live = load_live_graph(session, default_rate > 0 ? default_rate : 48000.0);

  PortAudioBackend& portaudio = *backend;
  const std::unique_ptr<RealtimeProcessor> rt =
      make_live_processor(live, std::move(backend), session.threads);
  StopSignals signals;
  try {
    start_live_processor(*rt, live.document);
  } catch (const BackendNotAvailableError& e) {
    throw UsageError(e.what());
  } catch (const ConfigError& e) {  // the device has fewer channels than the graph's ends
    throw UsageError(std::string("--device: ") + e.what());
  }

  const PortAudioDevice& used = portaudio.device();
  char banner[4096];
  std::snprintf(banner, sizeof banner,
                "fxgraph: '%s' running on PortAudio device %d '%s' (%s): %g Hz, %u frames "
                "(%.2f ms)\n  capture: %u channels (%s)\n  playback: %u channels (%s)\n",
                live.document.name.empty() ? session.graph.c_str() : live.document.name.c_str(),
                used.index, used.name.c_str(), used.host_api.c_str(), portaudio.sample_rate(),
                portaudio.buffer_size(), rt->latency_ms(), live.config.channels_in,
                live.binding.input_node.empty() ? "none" : live.binding.input_node.c_str(),
                live.config.channels_out,
                live.binding.output_node.empty() ? "none" : live.binding.output_node.c_str());
  run_live_session(*rt, session,
                   {.banner = banner,
                    .jack = nullptr,
                    .running = live.running,
                    .binding = live.binding,
                    .lost_stream_message = "the device stopped"},
                   signals);
}
#endif

void run_live(const LiveCommandOptions& options) {
  if (options.backend == "jack") {
    if (!options.device.empty())
      throw UsageError(
          "--device is for --backend portaudio; on JACK, connect the ports (--connect, or "
          "jack_connect / a patchbay)");
    if (options.list_devices) return list_jack_devices(options.session);
    if (options.session.graph.empty())
      throw UsageError("a graph file is needed (or --list-devices)");
    return run_jack_session(options.session);
  }
#ifdef FXGRAPH_WITH_PORTAUDIO
  run_portaudio(options);
#else
  throw UsageError(
      "this fxgraph was built without PortAudio (FXGRAPH_WITH_PORTAUDIO=OFF); install "
      "portaudio19-dev and rebuild, or use --backend jack");
#endif
}

}  // namespace

Command add_live_command(CLI::App& app) {
  auto options = std::make_shared<LiveCommandOptions>();
  options->backend = kDefaultBackend;
  CLI::App* sub = app.add_subcommand(
      "live", "Run a YAML graph live on a sound card (PortAudio) or JACK; parameters from stdin");
  add_live_options(sub, options->session, GraphArgument::optional);
  sub->add_option("--backend", options->backend, "where the audio comes from and goes to")
      ->capture_default_str()
      ->check(CLI::IsMember({"portaudio", "jack"}));
  sub->add_option("--device", options->device,
                  "PortAudio device: its number or (part of) its name (default: the default "
                  "input and output devices)");
  sub->add_flag("--list-devices", options->list_devices,
                "list the devices (PortAudio) or physical ports (JACK) and exit");
  sub->footer(
      std::string(
          "The graph's jack_in node takes the device's input channels 1..N and its jack_out\n"
          "node feeds output channels 1..M (a chain file: --channels each way). The rate is\n"
          "the file's sample_rate, else the device's. --server, --connect and --reconnect\n"
          "are for --backend jack, which runs exactly as `fxgraph jack`.\n"
          "\n") +
      session_help_footer() +
      "\n"
      "Examples:\n"
      "  fxgraph live --list-devices\n"
      "  fxgraph live graphs/guitar.yaml --device USB\n"
      "  fxgraph live graphs/guitar.yaml --backend jack --connect");
  return {sub, [options] { run_live(*options); }};
}

}  // namespace fxgraph::cli
