#pragma once
// OSC control of a live session (`--osc PORT [--osc-bind ADDR]`): Open Sound Control
// messages over UDP set and read parameters as the session's stdin commands do.
//
//   /fxgraph/set   ,sf   PATH VALUE   set a parameter (VALUE: f d i h T F, or s: a
//                                     choice's name)
//   /<node>/<param> ,f   VALUE        the same for node.param (also ,d ,i ,h ,T ,F ,s)
//   /fxgraph/get   ,s    PATH         -> /fxgraph/value ,sf PATH VALUE
//   /fxgraph/params                   -> /fxgraph/param ,sfffs PATH VALUE MIN MAX UNIT
//                                        per parameter, then /fxgraph/params/end ,i COUNT
//   /fxgraph/stats                    -> /fxgraph/stats ,s "<the stats line>"
//   /fxgraph/reload                   -> /fxgraph/reload ,s "<its answer>" (when the
//                                        session has a reload command)
// Replies go to the sender's address and port; a trailing ,i PORT on get / params /
// stats / reload sends them to that port of the sender's host instead (for senders
// that cannot listen on their sending port, such as liblo's oscsend).
// A message that fails (unknown address, wrong type tags, rejected value, not OSC)
// answers /fxgraph/error ,s MESSAGE to its sender and is counted, never printed.
//
// Threads: fxgraph::OscReceiver's thread decodes datagrams into a bounded lock-free
// queue (dropping, and counting, when it is full); the session loop's thread applies
// them through SessionCommands, so validation is the same as stdin's. Neither touches
// the audio thread. `stats` gains ", osc received N, osc dropped N, osc errors N".
//
// Backend-neutral: it needs only SessionCommands and SessionHooks.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "session_commands.h"
#include "session_loop.h"

namespace fxgraph::cli {

struct OscOptions {
  std::optional<std::uint32_t> port;  ///< --osc PORT; unset: no OSC
  std::string bind_address = "127.0.0.1";
};

/// Adds --osc PORT and --osc-bind ADDR to a live command.
void add_osc_options(CLI::App* command, OscOptions& options);

/// With --osc given: listens, adds the queue's wake-up fd to `hooks.sources` and the
/// counters to `stats`. Throws UsageError when the port cannot be used (0, in use, a
/// bad address) or when fxgraph was built without liblo. Without --osc: does nothing.
void install_osc(const OscOptions& options, SessionCommands& commands, SessionHooks& hooks);

}  // namespace fxgraph::cli
