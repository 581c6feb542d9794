#pragma once
// What the live commands share — `fxgraph jack GRAPH` and `fxgraph live GRAPH --backend
// portaudio|jack`: their flags, turning a graph file into something a live stream can
// play, and the session around the running stream. One place, so a feature (OSC, MIDI,
// presets …) adds its flags to add_live_options() and its install_*() call to
// run_live_session() once, and both commands (and every backend) get it.
//
// Channels: the graph's jack_in node is the stream's input (its channels are the
// backend's capture channels 1..N: JACK ports <client>:<node>_1 …, a PortAudio device's
// inputs 1..N), its jack_out node the output (playback channels 1..M). A chain file
// (`chain:`) gets an `in` and an `out` node of --channels channels each.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/jack_nodes.h"
#include "graph_files.h"
#include "session_loop.h"
#include "session_midi.h"
#include "session_osc.h"
#include "session_reconnect.h"
#include "session_reload.h"

namespace fxgraph {
class JackBackend;
}  // namespace fxgraph

namespace fxgraph::cli {

/// The flags of the live commands.
struct LiveOptions {
  std::string graph;
  std::string client_name;  ///< --name: JACK client name (PortAudio's JACK host API too)
  std::uint32_t chain_channels = 2;
  std::string params;
  bool verbose = false;
  unsigned threads = 1;
  // JACK only (`fxgraph live` refuses them with another backend).
  std::string server_name;
  bool connect = false;
  ReconnectOptions reconnect;
  ReloadOptions reload;
  MidiOptions midi;  ///< JACK MIDI (`fxgraph live` refuses it with another backend)
  OscOptions osc;
};

/// The session's part of the live commands' --help footers: every session command
/// (session_command_table.h), then OSC and --reconnect in a line or two.
std::string session_help_footer();

/// Whether the command can run without a graph (`fxgraph live --list-devices`).
enum class GraphArgument { required, optional };

/// Adds the graph argument and the flags both live commands take (--name, --params,
/// --channels, --threads, -v, and JACK's --server, --connect, --reconnect).
void add_live_options(CLI::App* sub, LiveOptions& options,
                      GraphArgument graph = GraphArgument::required);

/// A graph file ready for a live stream.
struct LiveGraph {
  GraphDocument document;
  JackBinding binding;  ///< its jack_in / jack_out nodes (a chain file's added ends)
  StreamConfig config;  ///< channels from the binding; rate and period from the file
  /// The document as loaded, sharing its nodes: what `reload` compares an edit with.
  GraphDocument running;
};

/// Loads `options.graph`, gives a chain file its ends, binds the jack_in/jack_out nodes,
/// applies --params and checks that it compiles (errors point into the file).
/// `default_rate`: the sample rate when the file gives none (JACK's server decides
/// anyway; a PortAudio device's own rate).
LiveGraph load_live_graph(const LiveOptions& options, double default_rate);

/// The client name: --name, else the graph's name, else "fxgraph".
std::string live_client_name(const LiveOptions& options, const GraphDocument& document);

/// Builds the processor (graph errors point into the file). `live.document.graph` is
/// moved into it.
std::unique_ptr<RealtimeProcessor> make_live_processor(LiveGraph& live,
                                                       std::unique_ptr<AudioBackend> backend,
                                                       unsigned threads);

/// Starts the stream (errors about the graph point into the file; BackendNotAvailable
/// passes) and locks the process's memory (mlockall) once the audio thread runs.
void start_live_processor(RealtimeProcessor& rt, const GraphDocument& document);

/// What run_live_session needs to know about the backend.
struct LiveSessionParts {
  /// First lines of the banner on stderr ("fxgraph: 'rig' running as …"); the session
  /// appends the commands line.
  std::string banner;
  /// The JACK backend, for --reconnect; null with another backend.
  JackBackend* jack = nullptr;
  /// The MIDI input (--midi), made before the backend opened; null without one.
  MidiControl* midi = nullptr;
  /// The MIDI input port's full name ("<client>:midi_in"), with `midi`.
  std::string midi_port;
  /// The running graph's document and ends, for `reload` (LiveGraph::running, binding).
  GraphDocument running;
  JackBinding binding;
  /// What to say when the stream is lost ("JACK server shut down").
  std::string lost_stream_message;
};

/// Installs the session's features, prints the banner and runs the session until
/// quit, end of input or a signal (session_loop.h); then stops the stream.
void run_live_session(RealtimeProcessor& rt, const LiveOptions& options,
                      const LiveSessionParts& parts, const StopSignals& signals);

}  // namespace fxgraph::cli
