#include "live_session.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <utility>

#include "cli_support.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameters.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "parameter_settings.h"
#include "session_command_table.h"
#include "session_commands.h"
#include "session_memory_lock.h"
#include "session_presets.h"
#include "session_ramp.h"
#include "session_reload.h"

namespace fxgraph::cli {

namespace {

/// The next power of two within StreamConfig's range: a YAML block_size is only a hint
/// (a JACK server decides the period), so any whole number is accepted.
std::uint32_t buffer_size_hint(std::uint32_t block) {
  std::uint32_t size = StreamConfig::min_buffer_size;
  while (size < block && size < StreamConfig::max_buffer_size) size *= 2;
  return size;
}

/// Gives a chain file its ends: `in` (capture) feeding its input and `out` (playback)
/// fed by its output, `channels` channels each.
void add_live_ends(Graph& graph, std::uint32_t channels) {
  const std::string in = unused_id(graph, "in");
  graph.add(in, std::make_shared<JackPortNode>(JackPortNode::Direction::capture, channels));
  graph.connect(Endpoint{in, ""}, *graph.input());
  const std::string out = unused_id(graph, "out");
  graph.add(out, std::make_shared<JackPortNode>(JackPortNode::Direction::playback, channels));
  graph.connect(*graph.output(), Endpoint{out, ""});
}

/// Runs `step`, a part of the setup that works on the graph, and points the errors
/// about the graph into its file, so they read file:line:col like those of `run` and
/// `process`. Errors about the server, device or stream pass unchanged.
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

/// The reload step: gives an edited file the same ends as the running graph (a chain
/// file's `in`/`out`), and refuses an edit that changes them: ports and device channels
/// are opened once, when the stream starts (re-registering JACK ports would drop the
/// user's connections).
std::function<void(GraphDocument&)> live_reload_step(const JackBinding& running,
                                                     std::uint32_t chain_channels) {
  return [running, chain_channels](GraphDocument& edited) {
    if (has_external_ends(edited)) add_live_ends(edited.graph, chain_channels);
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
      throw UsageError(
          "the edit changes the graph's ends (JACK ports, device channels) from " + ports(running) +
              " to " + ports(now) +
              "; they are opened when the session starts: restart the session to use them. "
              "The running graph plays on",
          {.node = node});
    }
    check_connected(edited);
  };
}

}  // namespace

std::string session_help_footer() {
  return session_commands_help() +
         "OSC (--osc PORT): /fxgraph/set ,sf PATH VALUE; /NODE/PARAM ,f; /fxgraph/get ,s PATH\n"
         "--reconnect: a lost server is waited for; the client comes back with its ports,\n"
         "  connections and parameter values (one line on stderr each way).\n";
}

void add_live_options(CLI::App* sub, LiveOptions& options, GraphArgument graph) {
  CLI::Option* file =
      sub->add_option("graph", options.graph, "the graph (YAML) with jack_in / jack_out nodes")
          ->check(CLI::ExistingFile);
  if (graph == GraphArgument::required) file->required();
  sub->add_option("--name", options.client_name,
                  "JACK client name (default: the graph's name, else fxgraph)");
  sub->add_option("--params", options.params,
                  "start with parameters from a YAML map of node.param: value")
      ->type_name("FILE.yaml");
  sub->add_option("--server", options.server_name,
                  "JACK server name (default: $JACK_DEFAULT_SERVER or 'default')");
  sub->add_option("--channels", options.chain_channels,
                  "ports per direction for a chain file (its `in_N` and `out_N` ports)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_option("--threads", options.threads,
                  "threads that run the graph's parallel branches (JACK realtime workers)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  sub->add_flag("--connect", options.connect,
                "connect the ports to system:capture_N / system:playback_N");
#ifdef FXGRAPH_WITH_JACK
  add_reconnect_options(sub, options.reconnect);
#endif
  add_reload_options(sub, options.reload);
  add_midi_options(sub, options.midi);
  add_osc_options(sub, options.osc);
  sub->add_flag("-v,--verbose", options.verbose,
                "also show the audio library's own messages (hidden by default: fxgraph's say "
                "the same)");
}

LiveGraph load_live_graph(const LiveOptions& options, double default_rate) {
  LiveGraph live{.document = load_graph_file(options.graph), .binding = {}, .config = {}};
  GraphDocument& document = live.document;
  if (has_external_ends(document)) add_live_ends(document.graph, options.chain_channels);
  live.binding = located(document, [&] { return bind_jack_ports(document.graph); });
  check_connected(document);
  if (!options.params.empty()) apply_params_file(document.graph, options.params);
  // Shares the nodes, values as loaded: what a reload compares the edited file with.
  live.running = document;

  live.config = StreamConfig{.sample_rate = document.sample_rate.value_or(default_rate),
                             .buffer_size = buffer_size_hint(document.block_size.value_or(512)),
                             .channels_in = live.binding.channels_in,
                             .channels_out = live.binding.channels_out};
  located(document, [&] { live.config.validate(); });  // the file's sample_rate, block_size
  // Compile once here for messages that point into the file (line and column).
  check_compiles(document, compile_options_for(document, {.input_channels = std::max<std::uint32_t>(
                                                              live.binding.channels_in, 1)}));
  return live;
}

std::string live_client_name(const LiveOptions& options, const GraphDocument& document) {
  if (!options.client_name.empty()) return options.client_name;
  return document.name.empty() ? "fxgraph" : document.name;
}

std::unique_ptr<RealtimeProcessor> make_live_processor(LiveGraph& live,
                                                       std::unique_ptr<AudioBackend> backend,
                                                       unsigned threads) {
  return located(live.document, [&] {
    return std::make_unique<RealtimeProcessor>(std::move(live.document.graph), std::move(backend),
                                               live.config, threads);
  });
}

void start_live_processor(RealtimeProcessor& rt, const GraphDocument& document) {
  located(document, [&] { rt.start(); });
  lock_session_memory();
}

void run_live_session(RealtimeProcessor& rt, const LiveOptions& options,
                      const LiveSessionParts& parts, const StopSignals& signals) {
  SessionCommands commands(rt);
  SessionHooks hooks;
  hooks.describe_lost_stream = [&rt, message = parts.lost_stream_message] {
    return rt.backend().state() == StreamState::error ? message : rt.failure_reason();
  };
  // The features, each wired by one call (they add commands, flags' effects, hooks).
#ifdef FXGRAPH_WITH_JACK
  if (parts.jack != nullptr) install_reconnect(options.reconnect, *parts.jack, commands, hooks);
#endif
  if (parts.midi != nullptr) install_midi(*parts.midi, parts.midi_port, commands, hooks);
  install_ramp(commands);
  install_presets(commands);
  install_reload(options.reload,
                 {parts.running, live_reload_step(parts.binding, options.chain_channels)}, commands,
                 hooks);
  install_osc(options.osc, commands, hooks);

  std::fprintf(stderr, "%s  commands: %s\n", parts.banner.c_str(), commands.usage_list().c_str());
  run_session(commands, signals, hooks);
  if (rt.is_running()) rt.stop();
}

}  // namespace fxgraph::cli
