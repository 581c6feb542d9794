#pragma once
// `--reconnect`: a live session that outlives its JACK server. When the server goes
// away (stopped, crashed, killed), the session keeps taking commands, polls for the
// server every half second and, once it is back, opens the client again under the same
// name with the same ports, remakes the connections the client had and plays on with
// the parameter values of the moment (those set while waiting included).
//
//   ReconnectOptions reconnect;
//   add_reconnect_options(sub, reconnect);                   // --reconnect
//   install_reconnect(reconnect, jack, commands, hooks);     // before run_session
//
// What it says: one stderr line when the server is lost ("JACK server lost; waiting
// for it (--reconnect)") and one when it is back (client, connections restored);
// nothing while it waits. The reopened client's memory is locked as at start
// (session_memory_lock.h). Connections whose other end is not there yet (a client that
// comes back after the server) are made when that port appears.
// Without the flag nothing is installed: a lost server ends the session (exit 1).
// JACK only: PortAudio reports no lost device.

#include <CLI/CLI.hpp>

#include "session_commands.h"
#include "session_loop.h"

namespace fxgraph {
class JackBackend;  // fxgraph/io/jack_backend.h: only in builds with JACK
}  // namespace fxgraph

namespace fxgraph::cli {

struct ReconnectOptions {
  bool enabled = false;
};

/// Adds --reconnect to a live subcommand. (This and install_reconnect exist in builds
/// with JACK only: session_reconnect.cpp needs libjack.)
void add_reconnect_options(CLI::App* app, ReconnectOptions& options);

/// Wires reconnection into the session (chains existing on_tick / on_stream_lost
/// hooks). `jack` is the backend of commands.processor(); it must outlive the session.
void install_reconnect(const ReconnectOptions& options, JackBackend& jack,
                       SessionCommands& commands, SessionHooks& hooks);

}  // namespace fxgraph::cli
